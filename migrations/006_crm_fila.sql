-- Long jobs with progress (seed 001): full exports and imports.
CREATE TABLE IF NOT EXISTS crm_fila (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    tipo ENUM('exportacao', 'importacao') NOT NULL,
    id_loja INT NOT NULL,
    entidade ENUM('cliente', 'produto', 'venda', 'atividade') NOT NULL,
    status ENUM('pendente', 'processando', 'concluido', 'erro') NOT NULL DEFAULT 'pendente',
    progresso TINYINT UNSIGNED NOT NULL DEFAULT 0,
    total INT NULL,
    processados INT NOT NULL DEFAULT 0,
    criados INT NOT NULL DEFAULT 0,
    atualizados INT NOT NULL DEFAULT 0,
    vinculados INT NOT NULL DEFAULT 0,
    falhas INT NOT NULL DEFAULT 0,
    cursor_pagina VARCHAR(255) NULL,
    erro TEXT NULL,
    criado_em TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    atualizado_em TIMESTAMP NULL DEFAULT NULL ON UPDATE CURRENT_TIMESTAMP,
    concluido_em TIMESTAMP NULL,
    INDEX idx_loja_status (id_loja, entidade, status)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
