-- The CRM mirror (issue #14): per store, the CRM records of the entities it
-- mirrors (customers, products), with their match keys normalized, the
-- CRM's update time, the mapped fields as the CRM has them (in local form)
-- and, where an update replaces the whole record (GestaoClick, Bling), the
-- CRM's whole record to build it from. Lookups, "unchanged" and the PUT
-- copies of crm_sync are answered from here when the mirror is fresh.
-- origem: 'leitura' read from the CRM whole, 'parcial' from a partial list
-- row (a field it lacks is unknown), 'envio' what crm_sync sent.
CREATE TABLE IF NOT EXISTS crm_espelho (
    id_loja INT NOT NULL,
    entidade ENUM('cliente', 'produto', 'venda', 'atividade') NOT NULL,
    id_externo VARCHAR(64) NOT NULL,
    chave_email VARCHAR(191) NULL,
    chave_documento VARCHAR(20) NULL,
    chave_sku VARCHAR(191) NULL,
    atualizado_crm VARCHAR(40) NULL,
    impressao CHAR(16) NOT NULL,
    campos JSON NOT NULL,
    copia MEDIUMTEXT NULL,
    origem ENUM('leitura', 'parcial', 'envio') NOT NULL,
    visto_em TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
    PRIMARY KEY (id_loja, entidade, id_externo),
    INDEX idx_email (id_loja, entidade, chave_email),
    INDEX idx_documento (id_loja, entidade, chave_documento),
    INDEX idx_sku (id_loja, entidade, chave_sku)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Where each store's pull stands, per entity: the change-filter value of the
-- next pull (the CRM's own update time, or its clock), the page a bounded
-- pull stopped at (resumed by the next run), when the mirror last held
-- every record (a first scan, or a GestaoClick scan, completed) and when
-- the last pull ran (complete or not; `erro` says why it stopped short).
CREATE TABLE IF NOT EXISTS crm_espelho_estado (
    id_loja INT NOT NULL,
    entidade ENUM('cliente', 'produto', 'venda', 'atividade') NOT NULL,
    cursor_alteracao VARCHAR(40) NULL,
    cursor_pagina VARCHAR(255) NULL,
    maior_alteracao VARCHAR(40) NULL,
    completo_em DATETIME NULL,
    varredura_em DATETIME NULL,
    leitura_em DATETIME NULL,
    erro TEXT NULL,
    atualizado_em TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
    PRIMARY KEY (id_loja, entidade)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
