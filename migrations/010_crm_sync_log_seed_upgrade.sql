-- The crm_sync_log of the seed-era application (seed 000's registrarLog:
-- id_loja, entidade, id_registro, direcao, status, mensagem, criado_em),
-- which 003's CREATE TABLE IF NOT EXISTS keeps as it is, upgraded in place to
-- 003's columns and indexes, keeping every row. One ALTER, so a large log is
-- copied once. The character set conversion turns a latin1 TEXT into
-- MEDIUMTEXT (as 002 does to the queue's erro) so that every message still
-- fits; nothing reads the difference. A table that already has 003's columns
-- is not touched (not even rebuilt); a run that failed half-way can be
-- repeated.
DELIMITER //
BEGIN NOT ATOMIC
  IF (SELECT COUNT(*) FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'crm_sync_log'
        AND COLUMN_NAME IN ('id_fila', 'id_execucao', 'operacao', 'http_status',
                            'duracao_ms', 'external_id')) < 6
     AND EXISTS (SELECT 1 FROM information_schema.TABLES
                 WHERE TABLE_SCHEMA = DATABASE()
                   AND TABLE_NAME = 'crm_sync_log') THEN
    UPDATE crm_sync_log SET criado_em = CURRENT_TIMESTAMP
      WHERE criado_em IS NULL;

    ALTER TABLE crm_sync_log
      CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci,
      MODIFY COLUMN id BIGINT NOT NULL AUTO_INCREMENT,
      MODIFY COLUMN id_loja INT NOT NULL,
      MODIFY COLUMN entidade ENUM('cliente', 'produto', 'venda', 'atividade')
          NOT NULL,
      MODIFY COLUMN id_registro INT NOT NULL,
      MODIFY COLUMN direcao ENUM('ecletech_para_crm', 'crm_para_ecletech')
          NOT NULL,
      MODIFY COLUMN status ENUM('sucesso', 'erro') NOT NULL,
      MODIFY COLUMN criado_em TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
      ADD COLUMN IF NOT EXISTS id_fila INT NULL,
      ADD COLUMN IF NOT EXISTS id_execucao BIGINT NULL,
      ADD COLUMN IF NOT EXISTS operacao VARCHAR(16) NULL,
      ADD COLUMN IF NOT EXISTS http_status SMALLINT NULL,
      ADD COLUMN IF NOT EXISTS duracao_ms INT NULL,
      ADD COLUMN IF NOT EXISTS external_id VARCHAR(64) NULL,
      ADD INDEX IF NOT EXISTS idx_criado (criado_em),
      ADD INDEX IF NOT EXISTS idx_loja_criado (id_loja, criado_em),
      ADD INDEX IF NOT EXISTS idx_registro (entidade, id_registro);
  END IF;
END //
DELIMITER ;
