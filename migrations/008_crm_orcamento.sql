-- Request budget per store and calendar minute, shared by every run on every
-- host: a run reserves requests here before sending them.
CREATE TABLE IF NOT EXISTS crm_orcamento (
    id_loja INT NOT NULL,
    minuto DATETIME NOT NULL,
    usadas INT NOT NULL DEFAULT 0,
    PRIMARY KEY (id_loja, minuto)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
