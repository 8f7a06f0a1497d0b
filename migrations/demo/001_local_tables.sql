-- The demo's and the tests' local tables. Real installations map their own
-- tables and columns through crm_integracoes.configuracoes instead.
CREATE TABLE IF NOT EXISTS clientes (
    id INT AUTO_INCREMENT PRIMARY KEY,
    id_loja INT NOT NULL,
    nome VARCHAR(255) NOT NULL,
    email VARCHAR(255) NULL,
    telefone VARCHAR(40) NULL,
    documento VARCHAR(20) NULL,
    external_id VARCHAR(64) NULL,
    criado_em TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    atualizado_em TIMESTAMP NULL DEFAULT NULL ON UPDATE CURRENT_TIMESTAMP,
    deletado_em DATETIME NULL,
    INDEX idx_loja (id_loja),
    INDEX idx_external (id_loja, external_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS produtos (
    id INT AUTO_INCREMENT PRIMARY KEY,
    id_loja INT NOT NULL,
    nome VARCHAR(255) NOT NULL,
    sku VARCHAR(64) NULL,
    preco DECIMAL(12, 2) NOT NULL DEFAULT 0,
    external_id VARCHAR(64) NULL,
    criado_em TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    atualizado_em TIMESTAMP NULL DEFAULT NULL ON UPDATE CURRENT_TIMESTAMP,
    deletado_em DATETIME NULL,
    INDEX idx_loja (id_loja),
    INDEX idx_external (id_loja, external_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS vendas (
    id INT AUTO_INCREMENT PRIMARY KEY,
    id_loja INT NOT NULL,
    id_cliente INT NULL,
    total DECIMAL(12, 2) NOT NULL DEFAULT 0,
    status VARCHAR(32) NULL,
    data_venda DATETIME NULL,
    external_id VARCHAR(64) NULL,
    criado_em TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    atualizado_em TIMESTAMP NULL DEFAULT NULL ON UPDATE CURRENT_TIMESTAMP,
    deletado_em DATETIME NULL,
    INDEX idx_loja (id_loja),
    INDEX idx_external (id_loja, external_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS atividades (
    id INT AUTO_INCREMENT PRIMARY KEY,
    id_loja INT NOT NULL,
    tipo VARCHAR(32) NULL,
    assunto VARCHAR(255) NOT NULL,
    vencimento DATETIME NULL,
    concluida TINYINT(1) NOT NULL DEFAULT 0,
    id_cliente INT NULL,
    external_id VARCHAR(64) NULL,
    criado_em TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    atualizado_em TIMESTAMP NULL DEFAULT NULL ON UPDATE CURRENT_TIMESTAMP,
    deletado_em DATETIME NULL,
    INDEX idx_loja (id_loja),
    INDEX idx_external (id_loja, external_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
