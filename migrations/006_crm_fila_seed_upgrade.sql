-- Seed 001's crm_fila (tipo_job, total_registros, registros_processados,
-- iniciado_em, finalizado_em), which 006's CREATE TABLE IF NOT EXISTS keeps
-- as it is, upgraded in place to 006's columns, keeping every row. It must
-- run before 007, which adds its columns after `entidade`. An installation
-- that already has 007 applies this file later and nothing happens: all of
-- it is under a test for the seed's tipo_job column, which is dropped last,
-- so a run that failed half-way can be repeated.
DELIMITER //
BEGIN NOT ATOMIC
  IF EXISTS (SELECT 1 FROM information_schema.COLUMNS
             WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'crm_fila'
               AND COLUMN_NAME = 'tipo_job') THEN
    ALTER TABLE crm_fila
      CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci,
      ADD COLUMN IF NOT EXISTS tipo ENUM('exportacao', 'importacao') NOT NULL
          DEFAULT 'exportacao' AFTER id,
      ADD COLUMN IF NOT EXISTS entidade
          ENUM('cliente', 'produto', 'venda', 'atividade') NULL AFTER id_loja,
      ADD COLUMN IF NOT EXISTS atualizado_em TIMESTAMP NULL DEFAULT NULL;

    -- The seed's jobs were "Sincronizar Tudo" exports of one entity; its
    -- worker read clientes whatever tipo_job said, hence 'cliente' for NULL.
    -- atualizado_em: the last change the seed recorded.
    UPDATE crm_fila SET
        entidade = CASE tipo_job WHEN 'sync_vendas' THEN 'venda'
                                 WHEN 'sync_produtos' THEN 'produto'
                                 ELSE 'cliente' END,
        status = IFNULL(status, 'pendente'),
        progresso = LEAST(100, GREATEST(0, IFNULL(progresso, 0))),
        registros_processados = IFNULL(registros_processados, 0),
        criado_em = COALESCE(criado_em, iniciado_em, finalizado_em, NOW()),
        atualizado_em = COALESCE(finalizado_em, iniciado_em);

    -- Nothing runs the seed's open jobs any more (its PHP worker is gone),
    -- and crm-sync's own export jobs measure what they enqueued, which these
    -- never did: close them with a note rather than let them look done.
    UPDATE crm_fila SET status = 'erro',
        erro = CONCAT_WS('; ', erro,
            'seed-era job not run by crm-sync: run crm_sync_full again')
      WHERE status IN ('pendente', 'processando');

    ALTER TABLE crm_fila
      MODIFY COLUMN tipo ENUM('exportacao', 'importacao') NOT NULL AFTER id,
      MODIFY COLUMN entidade ENUM('cliente', 'produto', 'venda', 'atividade')
          NOT NULL AFTER id_loja,
      MODIFY COLUMN status
          ENUM('pendente', 'processando', 'concluido', 'erro') NOT NULL
          DEFAULT 'pendente' AFTER entidade,
      MODIFY COLUMN progresso TINYINT UNSIGNED NOT NULL DEFAULT 0 AFTER status,
      CHANGE COLUMN IF EXISTS total_registros total INT NULL AFTER progresso,
      CHANGE COLUMN IF EXISTS registros_processados processados INT NOT NULL
          DEFAULT 0 AFTER total,
      ADD COLUMN IF NOT EXISTS criados INT NOT NULL DEFAULT 0 AFTER processados,
      ADD COLUMN IF NOT EXISTS atualizados INT NOT NULL DEFAULT 0
          AFTER criados,
      ADD COLUMN IF NOT EXISTS vinculados INT NOT NULL DEFAULT 0
          AFTER atualizados,
      ADD COLUMN IF NOT EXISTS falhas INT NOT NULL DEFAULT 0 AFTER vinculados,
      ADD COLUMN IF NOT EXISTS cursor_pagina VARCHAR(255) NULL AFTER falhas,
      MODIFY COLUMN criado_em TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
          AFTER erro,
      MODIFY COLUMN atualizado_em TIMESTAMP NULL DEFAULT NULL
          ON UPDATE CURRENT_TIMESTAMP AFTER criado_em,
      CHANGE COLUMN IF EXISTS finalizado_em concluido_em TIMESTAMP NULL
          AFTER atualizado_em,
      DROP COLUMN IF EXISTS iniciado_em,
      DROP INDEX IF EXISTS idx_status,
      ADD INDEX IF NOT EXISTS idx_loja_status (id_loja, entidade, status);

    ALTER TABLE crm_fila DROP COLUMN tipo_job;
  END IF;
END //
DELIMITER ;
