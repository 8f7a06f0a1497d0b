CREATE TABLE IF NOT EXISTS crm_sync_log (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    id_loja INT NOT NULL,
    entidade ENUM('cliente', 'produto', 'venda', 'atividade') NOT NULL,
    id_registro INT NOT NULL,
    direcao ENUM('ecletech_para_crm', 'crm_para_ecletech') NOT NULL,
    status ENUM('sucesso', 'erro') NOT NULL,
    mensagem TEXT NULL,
    criado_em TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    id_fila INT NULL,
    id_execucao BIGINT NULL,
    operacao VARCHAR(16) NULL,
    http_status SMALLINT NULL,
    duracao_ms INT NULL,
    external_id VARCHAR(64) NULL,
    INDEX idx_criado (criado_em),
    INDEX idx_loja_criado (id_loja, criado_em),
    INDEX idx_registro (entidade, id_registro)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
