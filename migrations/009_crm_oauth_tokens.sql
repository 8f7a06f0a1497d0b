-- OAuth2 tokens of integrations that rotate them (Bling: the refresh token
-- changes on every refresh). One row per integration, replaced in a single
-- statement right after each refresh and before the new token is used, so
-- every host and every later run sees the current pair.
CREATE TABLE IF NOT EXISTS crm_oauth_tokens (
    id_integracao INT NOT NULL PRIMARY KEY,
    access_token TEXT NOT NULL,
    refresh_token TEXT NOT NULL,
    -- the refresh token from credenciais this chain started from: when the
    -- operator authorizes again and stores a new one, the chain restarts
    refresh_token_inicial TEXT NOT NULL,
    expira_em DATETIME NOT NULL,
    atualizado_em TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
