-- Claims, leases, back-off and de-duplication on top of the seed table.
-- Runs on a table created by 001 or by the application (seed columns), keeping
-- every row.

ALTER TABLE crm_sync_queue CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

UPDATE crm_sync_queue SET processado = 0 WHERE processado IS NULL;
UPDATE crm_sync_queue SET prioridade = 0 WHERE prioridade IS NULL;
UPDATE crm_sync_queue SET tentativas = 0 WHERE tentativas IS NULL;

ALTER TABLE crm_sync_queue
    MODIFY prioridade INT NOT NULL DEFAULT 0,
    MODIFY tentativas INT NOT NULL DEFAULT 0,
    MODIFY processado TINYINT(1) NOT NULL DEFAULT 0,
    -- not due before this instant: back-off after a failure, Retry-After after
    -- a 429, or the lease expiry of a claimed row
    ADD COLUMN disponivel_em DATETIME NOT NULL DEFAULT '1970-01-01 00:00:01',
    -- the claiming run's random token; finishing a row compares it (CAS)
    ADD COLUMN claim_token CHAR(32) NULL,
    ADD COLUMN id_execucao BIGINT NULL,
    -- bumped when an enqueue merges into this pending row, so a change that
    -- arrives while the row is being processed is not lost
    ADD COLUMN alteracoes INT NOT NULL DEFAULT 0,
    ADD COLUMN atualizado_em TIMESTAMP NULL DEFAULT NULL ON UPDATE CURRENT_TIMESTAMP,
    -- 1 while pending, NULL once finished: the UNIQUE key below then allows
    -- any number of finished rows but only one pending row per key
    ADD COLUMN pendente TINYINT AS (IF(processado = 0, 1, NULL)) STORED;

-- Rows that the seed's SELECT-then-INSERT race let in twice: keep the oldest
-- pending row of each key (with the highest priority of the group) and close
-- the others with a note. No row is deleted.
CREATE TEMPORARY TABLE crm_migration_002_keep AS
    SELECT id_loja, entidade, id_registro, direcao,
           MIN(id) AS keep_id, MAX(prioridade) AS max_prioridade
    FROM crm_sync_queue
    WHERE processado = 0
    GROUP BY id_loja, entidade, id_registro, direcao
    HAVING COUNT(*) > 1;

UPDATE crm_sync_queue q JOIN crm_migration_002_keep k ON q.id = k.keep_id
    SET q.prioridade = k.max_prioridade;

UPDATE crm_sync_queue q
    JOIN crm_migration_002_keep k
      ON q.id_loja = k.id_loja AND q.entidade = k.entidade
     AND q.id_registro = k.id_registro AND q.direcao = k.direcao
    SET q.processado = 1, q.processado_em = CURRENT_TIMESTAMP,
        q.erro = CONCAT('duplicate pending row merged into #', k.keep_id, ' by migration 002')
    WHERE q.processado = 0 AND q.id <> k.keep_id;

DROP TEMPORARY TABLE crm_migration_002_keep;

ALTER TABLE crm_sync_queue
    ADD UNIQUE KEY uq_pendente (id_loja, entidade, id_registro, direcao, pendente),
    -- claim order across all stores and for one store: the ORDER BY
    -- (prioridade DESC, criado_em, id) must come from the index, or
    -- FOR UPDATE SKIP LOCKED locks every candidate row (STACK.md 4.2)
    ADD INDEX idx_claim (processado, prioridade DESC, criado_em, id),
    ADD INDEX idx_claim_loja (processado, id_loja, prioridade DESC, criado_em, id),
    ADD INDEX idx_limpeza (processado, processado_em);
