-- Export jobs remember what they enqueued, so their progress can be measured
-- against the queue.
ALTER TABLE crm_fila
    ADD COLUMN direcao ENUM('ecletech_para_crm', 'crm_para_ecletech') NOT NULL
        DEFAULT 'ecletech_para_crm' AFTER entidade,
    ADD COLUMN prioridade INT NOT NULL DEFAULT 0 AFTER direcao;
