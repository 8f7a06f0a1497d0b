-- A sale's lines and installments, as real store systems keep them: child
-- tables of vendas. Providers that send full sales (GestaoClick, Bling) read
-- them through configuracoes.tables.venda.children.
CREATE TABLE IF NOT EXISTS venda_itens (
    id INT AUTO_INCREMENT PRIMARY KEY,
    id_venda INT NOT NULL,
    id_produto INT NOT NULL,
    descricao VARCHAR(255) NULL,
    quantidade DECIMAL(12, 3) NOT NULL DEFAULT 1,
    valor_unitario DECIMAL(12, 2) NOT NULL DEFAULT 0,
    INDEX idx_venda (id_venda)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS venda_parcelas (
    id INT AUTO_INCREMENT PRIMARY KEY,
    id_venda INT NOT NULL,
    vencimento DATE NOT NULL,
    valor DECIMAL(12, 2) NOT NULL,
    -- the CRM's own payment-method id (Bling formaPagamento.id, GestaoClick
    -- forma_pagamento_id)
    forma_pagamento INT NULL,
    INDEX idx_venda (id_venda)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A product's cost: GestaoClick requires valor_custo, Bling keeps it in
-- fornecedor.precoCusto.
ALTER TABLE produtos ADD COLUMN IF NOT EXISTS custo DECIMAL(12, 2) NULL AFTER preco;
