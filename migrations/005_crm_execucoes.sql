-- Run history (seed 002): one row per run of any program.
CREATE TABLE IF NOT EXISTS crm_execucoes (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    programa VARCHAR(32) NOT NULL,
    id_loja INT NULL,
    host VARCHAR(255) NOT NULL,
    pid INT NOT NULL,
    status ENUM('running', 'success', 'error', 'aborted') NOT NULL DEFAULT 'running',
    iniciado_em DATETIME(3) NOT NULL,
    prazo_em DATETIME(3) NULL,
    finalizado_em DATETIME(3) NULL,
    processados INT NOT NULL DEFAULT 0,
    erros INT NOT NULL DEFAULT 0,
    adiados INT NOT NULL DEFAULT 0,
    duracao_ms INT NULL,
    mensagem TEXT NULL,
    resultado TEXT NULL,
    INDEX idx_programa (programa, iniciado_em),
    INDEX idx_status (status, prazo_em)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
