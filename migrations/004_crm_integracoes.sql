CREATE TABLE IF NOT EXISTS crm_integracoes (
    id INT AUTO_INCREMENT PRIMARY KEY,
    id_loja INT NOT NULL,
    provider ENUM('gestaoclick', 'pipedrive', 'bling', 'activecampaign', 'generic') NOT NULL,
    ativo TINYINT(1) NOT NULL DEFAULT 1,
    base_url VARCHAR(500) NOT NULL,
    -- JSON object; a value may be the secret itself or {"env": "VAR"} /
    -- {"file": "/path"} naming where the cron user reads it
    credenciais TEXT NOT NULL,
    -- JSON object: limit, concurrency, timeouts, budget, mapping (docs/CONFIGURATION.md)
    configuracoes TEXT NULL,
    criado_em TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    atualizado_em TIMESTAMP NULL DEFAULT NULL ON UPDATE CURRENT_TIMESTAMP,
    -- one active integration per store
    loja_ativa INT AS (IF(ativo = 1, id_loja, NULL)) STORED,
    UNIQUE KEY uq_loja_ativa (loja_ativa),
    INDEX idx_loja (id_loja)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
