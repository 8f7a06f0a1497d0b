-- The fair claim first asks which stores have due rows: GROUP BY processado,
-- id_loja with MIN(disponivel_em) on this index is a loose index scan, one
-- jump per store instead of a read of every pending row.
ALTER TABLE crm_sync_queue
    ADD INDEX idx_due_loja (processado, id_loja, disponivel_em);
