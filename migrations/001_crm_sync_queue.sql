-- The queue exactly as seed 000 section 1 defines it. IF NOT EXISTS: an
-- application that already created it keeps its table and rows; 002 upgrades it.
CREATE TABLE IF NOT EXISTS crm_sync_queue (
    id INT AUTO_INCREMENT PRIMARY KEY,
    id_loja INT NOT NULL,
    entidade ENUM('cliente', 'produto', 'venda', 'atividade') NOT NULL,
    id_registro INT NOT NULL,
    direcao ENUM('ecletech_para_crm', 'crm_para_ecletech') NOT NULL,
    prioridade INT DEFAULT 0,
    tentativas INT DEFAULT 0,
    processado TINYINT(1) DEFAULT 0,
    erro TEXT NULL,
    criado_em TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    processado_em TIMESTAMP NULL,
    INDEX idx_processar (processado, id_loja, prioridade DESC, criado_em ASC),
    INDEX idx_entidade (entidade, id_registro)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
