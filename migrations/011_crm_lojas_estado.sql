-- Each store's health as the runs see it: a store whose configuration does
-- not validate ('invalida') or whose CRM failed store-wide ('pausada': 401,
-- 403, unreachable, a run of 5xx/timeouts) is not claimed from until its
-- next probe; the other stores go on. crm_status shows it, --resume lifts it.
CREATE TABLE IF NOT EXISTS crm_lojas_estado (
    id_loja INT NOT NULL PRIMARY KEY,
    estado ENUM('ok', 'pausada', 'invalida') NOT NULL DEFAULT 'ok',
    motivo TEXT NULL,
    desde DATETIME NULL,
    proxima_sonda DATETIME NULL,
    pausas_seguidas INT NOT NULL DEFAULT 0,
    atualizado_em TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
