# Bling counts its token endpoint in the account's 3 requests/s: the run's
# refresh is the store's first request, and the first API call waits for
# the next slot after it (at 3/s with no margin to spare, a token call 18 ms
# before the first API call made the fourth request of that second a 429).
source "$(dirname "$0")/lib.sh"
start_provider_fake bling --client-id cid --client-secret csec --refresh-token r0 --rate 3
sql "INSERT INTO crm_integracoes (id_loja, provider, base_url, credenciais, configuracoes)
     VALUES (1, 'bling', '$FAKE_URL/Api/v3', '{\"client_id\": \"cid\", \"client_secret\": \"csec\", \"refresh_token\": \"r0\"}',
             '{\"requests_per_second\": 3}');
     INSERT INTO produtos (id_loja, nome, sku, preco) SELECT 1, CONCAT('P', seq), CONCAT('SKU-', seq), 1 FROM seq_1_to_3;
     INSERT INTO crm_sync_queue (id_loja, entidade, id_registro, direcao)
       SELECT 1, 'produto', id, 'ecletech_para_crm' FROM produtos"
run_sync --loja 1
assert_eq 0 "$rc" "exit (stderr: $err)"
assert_match "Processados: 3 \| Erros: 0 " "$out" "three products, a lookup and a create each"
assert_eq 1 "$(curl -sf "$FAKE_URL/_oauth" | jq -r .refreshes)" "one token call"
assert_eq 0 "$(fake_stat rate_limited)" "the token call counted in the pacing: no 429"
