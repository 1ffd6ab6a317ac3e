"""The small demo store that `seed_demo` loads: believable Brazilian products and staff."""

from backoffice.roles import Role

DEMO_PASSWORD = "loja-demo-2026"  # noqa: S105 - used only in debug mode, printed on screen

# Catalog data is the store's content, written in Portuguese like the rest of the catalog.
CATEGORIES = [
    ("roupas", "Roupas", "bag"),
    ("eletronicos", "Eletrônicos", "phone"),
    ("casa", "Casa", "house"),
    ("beleza", "Beleza", "stars"),
]

PRODUCTS = [
    ("roupas", "camiseta-algodao-basica", "Camiseta de algodão básica", "59.90", True),
    ("roupas", "calca-jeans-reta", "Calça jeans reta", "189.90", False),
    ("roupas", "jaqueta-corta-vento", "Jaqueta corta-vento", "249.00", True),
    ("roupas", "tenis-corrida-leve", "Tênis de corrida leve", "399.90", False),
    ("eletronicos", "fone-bluetooth-anc", "Fone Bluetooth com cancelamento de ruído", "599.00", True),
    ("eletronicos", "carregador-turbo-30w", "Carregador turbo 30 W", "129.90", False),
    ("eletronicos", "smartwatch-esportivo", "Smartwatch esportivo", "1299.00", True),
    ("eletronicos", "caixa-de-som-portatil", "Caixa de som portátil", "349.90", False),
    ("casa", "jogo-de-panelas-antiaderente", "Jogo de panelas antiaderente (5 peças)", "459.00", True),
    ("casa", "cafeteira-italiana", "Cafeteira italiana 6 xícaras", "119.90", False),
    ("casa", "jogo-de-lencol-queen", "Jogo de lençol queen 200 fios", "229.90", True),
    ("casa", "luminaria-de-mesa-led", "Luminária de mesa LED", "149.00", False),
    ("beleza", "protetor-solar-fps50", "Protetor solar FPS 50", "69.90", True),
    ("beleza", "hidratante-facial", "Hidratante facial com ácido hialurônico", "89.90", False),
    ("beleza", "shampoo-sem-sulfato", "Shampoo sem sulfato 300 ml", "42.50", False),
    ("beleza", "perfume-amadeirado", "Perfume amadeirado 100 ml", "329.00", True),
]

DESCRIPTION = (
    "Produto de demonstração da loja. Entrega para todo o Brasil, troca grátis em até 7 dias "
    "após o recebimento e pagamento por cartão, Pix ou boleto."
)

STAFF = [
    ("gerente@loja.example", "Gerente Demonstração", [Role.MANAGER]),
    ("atendimento@loja.example", "Atendente Demonstração", [Role.SUPPORT_AGENT]),
    ("estoque@loja.example", "Estoquista Demonstração", [Role.WAREHOUSE]),
]
