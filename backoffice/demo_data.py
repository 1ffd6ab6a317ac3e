"""The demo store that `seed_demo` loads: believable Brazilian products and staff.

The tables below are the store's content, written in Portuguese like the rest of the
catalog. The functions turn them into product specifications, deterministically from a
seed, without touching the database: the command decides how to write them.
"""

import itertools
import random
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.text import slugify

from backoffice.roles import Role
from storefront.catalog.barcodes import gtin_check_digit

DEMO_PASSWORD = "loja-demo-2026"  # noqa: S105 - used only in debug mode, printed on screen

# The online distribution centre ships web orders; the shop's stock is never sold online.
WAREHOUSES = [
    {
        "code": "cd-cajamar",
        "name": "Centro de distribuição Cajamar",
        "kind": "distribution_centre",
        "sells_online": True,
        "street": "Rodovia Anhanguera",
        "street_number": "km 33",
        "district": "Polvilho",
        "city": "Cajamar",
        "state": "SP",
        "cep": "07791000",
    },
    {
        "code": "loja-paulista",
        "name": "Loja Avenida Paulista",
        "kind": "shop",
        "sells_online": False,
        "street": "Avenida Paulista",
        "street_number": "1000",
        "district": "Bela Vista",
        "city": "São Paulo",
        "state": "SP",
        "cep": "01310100",
    },
]

# Bins of the distribution centre: one aisle per department (A, B, ...), one shelf per leaf
# category, three levels; pickers walk them in this order (see `demo_bins`).
BIN_LEVELS = 3
SUPPLIER = {
    "cnpj": "11222333000181",
    "name": "Distribuidora Horizonte Ltda.",
    "email": "pedidos@horizonte.example",
}

# Vouchers a visitor of the demo store can try: (code, kind, value, other fields). Every field
# a limit lives in is named, so running the seed again lifts a limit an older demo had.
# BEMVINDO10 shows a once-per-customer voucher; the others never run out, however many
# purchases the demo sees (TESTE15 is the one meant for trying again and again).
UNLIMITED = {"max_uses": None, "max_uses_per_customer": None}
VOUCHERS = [
    (
        "BEMVINDO10",
        "percentage",
        "10",
        {"min_order": Decimal("0.00"), "max_uses": None, "max_uses_per_customer": 1},
    ),
    ("TESTE15", "percentage", "15", {"min_order": Decimal("0.00"), **UNLIMITED}),
    ("FRETEGRATIS", "free_shipping", "0", {"min_order": Decimal("99.00"), **UNLIMITED}),
    ("DESCONTO30", "fixed", "30", {"min_order": Decimal("200.00"), **UNLIMITED}),
]
REPEATABLE_VOUCHER = "TESTE15"

# The Pix discount the demo's prices show (product cards, product pages) and checkout applies.
PIX_DISCOUNT_PERCENT = Decimal("5")


@dataclass(frozen=True)
class DemoBuyer:
    """A CPF a tester types at checkout, issued in the fiscal region of the CEP beside it
    (the ninth digit names the region: core/cpf.py), so the risk analysis sees nothing odd."""

    cpf: str
    cep: str
    city: str
    state: str


DEMO_BUYERS = [
    DemoBuyer("123.456.788-10", "01310-100", "São Paulo", "SP"),
    DemoBuyer("987.654.327-03", "20040-020", "Rio de Janeiro", "RJ"),
    DemoBuyer("246.813.576-85", "30130-010", "Belo Horizonte", "MG"),
    DemoBuyer("135.792.465-85", "40020-000", "Salvador", "BA"),
    DemoBuyer("556.677.889-50", "80010-000", "Curitiba", "PR"),
    DemoBuyer("112.233.440-02", "90010-000", "Porto Alegre", "RS"),
    DemoBuyer("369.258.141-60", "70040-010", "Brasília", "DF"),
]

# The way to the analysts' hold queue: a mobile phone whose area code does not exist (Brazilian
# DDDs never end in 0). Checkout takes it, the registration-data check of the risk analysis
# does not, and a registration-data problem always waits for an analyst whatever the
# buyer's history scores (only a score at the rejection threshold cancels instead).
HOLD_PHONE = "(10) 98765-4321"

# Delivery services and their rate tables: (state or "" for every other state, capital or
# interior or "" for the whole state, up to grams, price, business days). The distribution
# centre is in São Paulo.
DELIVERY_SERVICES = [
    (
        "pac",
        "Correios",
        "PAC",
        [
            ("SP", "capital", 2000, "14.90", 3),
            ("SP", "capital", 10000, "26.90", 4),
            ("SP", "capital", 30000, "49.90", 5),
            ("SP", "", 2000, "16.90", 4),
            ("SP", "", 10000, "29.90", 5),
            ("SP", "", 30000, "54.90", 6),
            ("", "", 2000, "32.90", 9),
            ("", "", 10000, "58.90", 10),
            ("", "", 30000, "109.90", 12),
        ],
    ),
    (
        "sedex",
        "Correios",
        "SEDEX",
        [
            ("SP", "", 2000, "24.90", 1),
            ("SP", "", 10000, "42.90", 2),
            ("SP", "", 30000, "79.90", 2),
            ("", "", 2000, "54.90", 4),
            ("", "", 10000, "99.90", 5),
            ("", "", 30000, "189.90", 6),
        ],
    ),
    (
        "rapida",
        "Transportadora Rápida",
        "Expressa",
        [("SP", "", 30000, "19.90", 2), ("", "", 30000, "69.90", 6)],
    ),
]

# Cartons the packers choose from: code, name, inner length, width, height (cm), own weight (g).
BOXES = [
    ("p", "Caixa P", 20, 15, 10, 120),
    ("m", "Caixa M", 30, 25, 15, 220),
    ("g", "Caixa G", 45, 35, 25, 450),
]

# Canned replies for the support desk: (name, text, status after sending).
MACROS = [
    (
        "Prazo de entrega",
        "Olá, {customer_name}! Seu pedido {order_number} está a caminho e você acompanha cada passo em "
        "{tracking_url}. Qualquer dúvida, é só responder citando o protocolo {protocol}.",
        "waiting_customer",
    ),
    (
        "Resolvido",
        "Olá, {customer_name}! Tudo certo por aqui: consideramos o atendimento {protocol} resolvido. "
        "Se precisar de algo mais, é só responder a esta mensagem.",
        "resolved",
    ),
]

# One demo login per staff role: (email, name, roles).
STAFF = [
    ("gerente@loja.example", "Gerente Demonstração", [Role.MANAGER]),
    ("analista@loja.example", "Analista de Pedidos Demonstração", [Role.ORDER_ANALYST]),
    ("fraude@loja.example", "Analista de Fraude Demonstração", [Role.FRAUD_ANALYST]),
    ("atendimento@loja.example", "Atendente Demonstração", [Role.SUPPORT_AGENT]),
    ("ouvidoria@loja.example", "Ouvidoria Demonstração", [Role.OMBUDSMAN]),
    ("estoque@loja.example", "Estoquista Demonstração", [Role.WAREHOUSE]),
    ("expedicao@loja.example", "Expedição Demonstração", [Role.SHIPPING]),
    ("devolucoes@loja.example", "Devoluções Demonstração", [Role.RETURNS]),
    ("vendas@loja.example", "Vendas Demonstração", [Role.TELESALES]),
    ("privacidade@loja.example", "Proteção de Dados Demonstração", [Role.DATA_PROTECTION]),
]


def staff_logins() -> list[tuple[str, str, list[str]]]:
    """The demo's staff logins: those above, and one for any role added since, so that every
    role the store has can be tried."""
    covered = {role for _email, _name, roles in STAFF for role in roles}
    extra = [
        (f"{slugify(role.value)}@loja.example", f"{role.value} Demonstração", [role])
        for role in Role
        if role not in covered
    ]
    return [*STAFF, *extra]


# Carts left behind by shoppers who gave their contact at checkout: (name, email, phone, hours ago).
LOST_CARTS = [
    ("Marina Costa", "marina.costa@example.com.br", "11991234567", 2),
    ("Carlos Pereira", "carlos.pereira@example.com.br", "21998765432", 26),
    ("Juliana Ramos", "juliana.ramos@example.com.br", "31997654321", 50),
]

DEMO_PRODUCTS = 300
MAX_VARIANTS = 6
BENCH_SLUG_PREFIX = "bench-"
BENCH_MAX_PRODUCTS = 999_999  # six digits in slugs, SKUs and EANs

# GS1 Brasil prefix 789, then one digit that keeps demo and benchmark barcodes apart.
DEMO_EAN_PREFIX = "7891"
BENCH_EAN_PREFIX = "7899"

# Shares that make the store look lived in.
FEATURED_SHARE = 0.08
ON_SALE_SHARE = 0.30
SOLD_OUT_PRODUCT_SHARE = 0.07  # every variant of the product is out of stock
SOLD_OUT_VARIANT_SHARE = 0.05  # one size or colour is out, the rest is there
IMAGE_COUNT_WEIGHTS = {1: 7, 2: 2, 3: 1}  # thumbnails are the slow part of seeding

# Brands

BRANDS = [
    ("brisa-carioca", "Brisa Carioca"),
    ("pindorama", "Pindorama"),
    ("aurora-textil", "Aurora Têxtil"),
    ("nexo", "Nexo"),
    ("voltz", "Voltz"),
    ("sonora", "Sonora"),
    ("panelar", "Panelar"),
    ("casa-serena", "Casa Serena"),
    ("essenza", "Essenza"),
    ("flor-de-jambo", "Flor de Jambo"),
]
BRAND_NAMES = dict(BRANDS)

# Attributes: slug, name, and values as (slug, value).

COLOURS = {  # slug: (name, hex for the demo pictures)
    "preto": ("Preto", "#212121"),
    "branco": ("Branco", "#f2f2f2"),
    "cinza": ("Cinza", "#8d9096"),
    "grafite": ("Grafite", "#3c4048"),
    "azul-marinho": ("Azul-marinho", "#1e3557"),
    "azul": ("Azul", "#2e6fd8"),
    "verde": ("Verde", "#2f7d4a"),
    "vermelho": ("Vermelho", "#c0392b"),
    "rosa": ("Rosa", "#e46a9b"),
    "bege": ("Bege", "#d9c4a3"),
    "inox": ("Inox", "#aeb4ba"),
    "dourado": ("Dourado", "#c9a43b"),
    "nude": ("Nude", "#d7a98c"),
    "vinho": ("Vinho", "#6e1f3a"),
    "marrom": ("Marrom", "#6b4a34"),
}

ATTRIBUTES = [
    (
        "tamanho",
        "Tamanho",
        [(size.lower(), size) for size in ("PP", "P", "M", "G", "GG", "XG")]
        + [(str(number), str(number)) for number in range(34, 47)]
        + [("solteiro", "Solteiro"), ("casal", "Casal"), ("queen", "Queen"), ("king", "King")],
    ),
    # Shoes have their own sizes: a shoe 38 is not a trouser 38, and a category holding both
    # filters them apart.
    ("numeracao", "Numeração", [(str(number), str(number)) for number in range(33, 47)]),
    ("cor", "Cor", [(slug, name) for slug, (name, _hex) in COLOURS.items()]),
    ("voltagem", "Voltagem", [("127-v", "127 V"), ("220-v", "220 V"), ("bivolt", "Bivolt")]),
    ("volume", "Volume", [(f"{ml}-ml", f"{ml} ml") for ml in (30, 50, 100, 200, 300, 500)]),
    ("armazenamento", "Armazenamento", [(f"{gb}-gb", f"{gb} GB") for gb in (64, 128, 256, 512)]),
]
ATTRIBUTE_NAMES = {slug: name for slug, name, _values in ATTRIBUTES}


@dataclass(frozen=True)
class Axis:
    """One way a product's variants differ: which values a product may offer and how many."""

    attribute: str
    values: tuple[str, ...]
    pick: tuple[int, int]
    run: bool = False  # sizes come in consecutive runs (M, G, GG); colours in any mix
    steps: tuple[str, ...] = ()  # price factor per value: bigger bottles cost more
    single: str = ""  # a value that sometimes replaces all the others (bivolt)


@dataclass(frozen=True)
class Kind:
    """A kind of product, its price range in reais and the words that tell products apart."""

    name: str
    price: tuple[int, int]
    qualifiers: tuple[str, ...]
    axes: tuple[Axis, ...] | None = None  # when the leaf's axes do not fit this kind


@dataclass(frozen=True)
class Leaf:
    slug: str
    name: str
    pitch: str
    brands: tuple[str, ...]
    axes: tuple[Axis, ...]
    weight: tuple[int, int]  # grams
    box: tuple[int, int, int]  # length, width, height in cm
    features: tuple[str, ...]
    kinds: tuple[Kind, ...]
    size_guide: str = ""  # a table of measures, for the leaf's products' pages


@dataclass(frozen=True)
class Department:
    slug: str
    name: str
    icon: str
    leaves: tuple[Leaf, ...]
    size_guide: str = ""  # shown on the pages of every leaf that has none of its own


def _size_table(heading: tuple[str, ...], *rows: tuple[str, ...]) -> str:
    """A size guide's table: a heading row, then one row per size."""
    head = "".join(f"<th>{cell}</th>" for cell in heading)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


CLOTHES_SIZE_GUIDE = "<p>Medidas do corpo, em centímetros.</p>" + _size_table(
    ("Tamanho", "Busto/tórax", "Cintura", "Quadril"),
    ("PP", "80-84", "62-66", "86-90"),
    ("P", "85-89", "67-71", "91-95"),
    ("M", "90-95", "72-77", "96-101"),
    ("G", "96-102", "78-84", "102-108"),
    ("GG", "103-110", "85-92", "109-116"),
)
SHOE_SIZE_GUIDE = (
    "<p>Meça o pé do calcanhar à ponta do dedo mais longo, em pé, no fim do dia.</p>"
    + _size_table(
        ("Numeração", "Comprimento do pé (cm)"),
        ("34", "22,5"),
        ("35", "23,2"),
        ("36", "23,9"),
        ("37", "24,6"),
        ("38", "25,3"),
        ("39", "26,0"),
        ("40", "26,7"),
        ("41", "27,4"),
        ("42", "28,1"),
        ("43", "28,8"),
        ("44", "29,5"),
    )
)


def _kind(name: str, low: int, high: int, qualifiers: str, axes: tuple[Axis, ...] | None = None) -> Kind:
    """`_kind("Regata", 35, 79, "de algodão | nadador")`: qualifiers are separated by bars."""
    return Kind(name=name, price=(low, high), qualifiers=tuple(qualifiers.split(" | ")), axes=axes)


def _colours(*slugs: str, pick: tuple[int, int] = (1, 2)) -> Axis:
    return Axis("cor", slugs, pick)


LETTER_SIZES = Axis("tamanho", ("pp", "p", "m", "g", "gg", "xg"), (1, 3), run=True)
DRESS_SIZES = Axis("tamanho", ("pp", "p", "m", "g", "gg"), (1, 3), run=True)
TROUSER_SIZES = Axis("tamanho", ("36", "38", "40", "42", "44", "46"), (1, 3), run=True)
SHOE_SIZES = Axis("numeracao", tuple(str(number) for number in range(34, 45)), (1, 3), run=True)
BED_SIZES = Axis(
    "tamanho",
    ("solteiro", "casal", "queen", "king"),
    (1, 3),
    run=True,
    steps=("0.80", "1.00", "1.15", "1.30"),
)
STORAGE = Axis(
    "armazenamento",
    ("64-gb", "128-gb", "256-gb", "512-gb"),
    (1, 3),
    run=True,
    steps=("1.00", "1.18", "1.40", "1.75"),
)
VOLTAGE = Axis("voltagem", ("127-v", "220-v"), (2, 2), single="bivolt")
SMALL_VOLUMES = Axis(
    "volume", ("30-ml", "50-ml", "100-ml", "200-ml"), (1, 2), run=True, steps=("0.60", "0.80", "1.00", "1.50")
)
PERFUME_VOLUMES = Axis(
    "volume", ("30-ml", "50-ml", "100-ml"), (1, 3), run=True, steps=("0.55", "0.75", "1.00")
)
BOTTLE_VOLUMES = Axis(
    "volume", ("200-ml", "300-ml", "500-ml"), (1, 2), run=True, steps=("0.80", "1.00", "1.45")
)

CLOTHING_COLOURS = _colours("preto", "branco", "cinza", "azul-marinho", "bege", "verde", "vermelho", "rosa")
GADGET_COLOURS = _colours("preto", "branco", "azul", "rosa", "cinza", pick=(1, 3))
PHONE_COLOURS = _colours("preto", "branco", "azul", "verde", "grafite", "dourado")
KITCHEN_COLOURS = _colours("preto", "vermelho", "inox", "branco", "verde")
HOME_TEXTILE_COLOURS = _colours("branco", "bege", "cinza", "azul", "rosa", "verde")
MAKEUP_SHADES = _colours("nude", "rosa", "vermelho", "vinho", "marrom", pick=(1, 4))
NO_VARIANTS: tuple[Axis, ...] = ()

CAMISETAS = Leaf(
    slug="camisetas",
    name="Camisetas",
    pitch="feita para o dia a dia, com caimento que valoriza e tecido que respira.",
    brands=("brisa-carioca", "pindorama", "aurora-textil"),
    axes=(LETTER_SIZES, CLOTHING_COLOURS),
    weight=(150, 280),
    box=(30, 25, 3),
    features=(
        "Tecido macio e respirável",
        "Costuras reforçadas nos ombros",
        "Não desbota nem encolhe na lavagem",
        "Pode ser lavada na máquina",
        "Confeccionada no Brasil",
        "Modelagem pensada para o clima brasileiro",
    ),
    kinds=(
        _kind("Camiseta básica", 39, 89, "de algodão | de algodão orgânico | gola V | oversized | com bolso"),
        _kind("Camiseta estampada", 49, 119, "tropical | de praia | geométrica | com frase | retrô"),
        _kind("Camisa polo", 79, 169, "de piquet | listrada | slim | com bordado"),
        _kind("Camiseta dry fit", 49, 129, "para corrida | com proteção UV | sem costura | manga longa"),
        _kind("Regata", 35, 79, "de algodão | nadador | canelada"),
    ),
)
CALCAS = Leaf(
    slug="calcas",
    name="Calças e bermudas",
    pitch="com modelagem confortável para usar do trabalho ao fim de semana.",
    brands=("brisa-carioca", "pindorama", "aurora-textil"),
    axes=(TROUSER_SIZES, CLOTHING_COLOURS),
    weight=(350, 700),
    box=(35, 28, 5),
    features=(
        "Tecido com elastano que acompanha os movimentos",
        "Bolsos funcionais na frente e atrás",
        "Passantes reforçados para cinto",
        "Barra que pode ser ajustada",
        "Lavagem que não desbota",
        "Zíper e botão de metal",
    ),
    kinds=(
        _kind("Calça jeans", 119, 259, "reta | skinny | wide leg | cintura alta | destroyed"),
        _kind("Calça de sarja", 99, 199, "chino | slim | com elastano | cargo"),
        _kind("Calça jogger", 89, 169, "de moletom | de sarja | com punho | esportiva"),
        _kind("Bermuda", 69, 149, "jeans | de sarja | de tactel | cargo"),
        _kind("Calça de alfaiataria", 149, 289, "pantalona | reta | com pregas"),
    ),
)
VESTIDOS = Leaf(
    slug="vestidos",
    name="Vestidos e saias",
    pitch="leve, fresco e pronto para qualquer ocasião.",
    brands=("brisa-carioca", "pindorama", "aurora-textil"),
    axes=(DRESS_SIZES, CLOTHING_COLOURS),
    weight=(200, 450),
    box=(32, 26, 4),
    features=(
        "Tecido leve, ideal para o calor",
        "Forro na medida certa, sem transparência",
        "Caimento fluido",
        "Zíper invisível nas costas",
        "Estampa exclusiva da coleção",
        "Lavar à mão ou em ciclo delicado",
    ),
    kinds=(
        _kind("Vestido midi", 119, 249, "floral | de viscose | de linho | com fenda | canelado"),
        _kind("Vestido longo", 149, 299, "estampado | de alcinha | com babados | de malha"),
        _kind("Vestido curto", 89, 199, "tubinho | de laise | chemise | com cinto"),
        _kind("Saia", 69, 159, "midi plissada | jeans | longa estampada | envelope"),
        _kind("Macacão", 139, 259, "pantacourt | de linho | jeans"),
    ),
)
CALCADOS = Leaf(
    slug="calcados",
    name="Calçados",
    pitch="confortável do primeiro ao último passo do dia.",
    brands=("pindorama", "brisa-carioca"),
    axes=(SHOE_SIZES, _colours("preto", "branco", "cinza", "azul-marinho", "marrom", "bege")),
    weight=(300, 1100),
    box=(33, 22, 13),
    size_guide=SHOE_SIZE_GUIDE,
    features=(
        "Palmilha acolchoada e removível",
        "Solado de borracha antiderrapante",
        "Cabedal respirável",
        "Leve para usar o dia todo",
        "Forma regular: peça o número de sempre",
        "Costura reforçada na biqueira",
    ),
    kinds=(
        _kind("Tênis de corrida", 199, 599, "com amortecimento | ultraleve | para asfalto | de trilha"),
        _kind("Tênis casual", 149, 349, "de lona | de couro | slip-on | plataforma"),
        _kind("Sandália", 59, 199, "rasteira | anabela | de tiras | papete"),
        _kind("Chinelo", 29, 79, "de dedo | slide | com estampa tropical"),
        _kind("Bota", 199, 449, "coturno | chelsea | de cano curto"),
        _kind("Sapatênis", 139, 259, "de couro | de camurça"),
    ),
)
CELULARES = Leaf(
    slug="celulares",
    name="Celulares e tablets",
    pitch="desempenho de sobra para fotos, vídeos, jogos e trabalho.",
    brands=("nexo", "voltz"),
    axes=(STORAGE, PHONE_COLOURS),
    weight=(150, 550),
    box=(18, 10, 6),
    features=(
        "Tela com cores vivas e brilho para usar ao sol",
        "Bateria para o dia inteiro",
        "Desbloqueio por digital e reconhecimento facial",
        "Dual chip",
        "Acompanha cabo USB-C",
        "Um ano de garantia do fabricante",
    ),
    kinds=(
        _kind(
            "Smartphone",
            899,
            2499,
            "tela 6,5 polegadas | tela 6,7 polegadas 5G | compacto 5G | "
            "com câmera de 108 MP | com bateria de 6000 mAh",
        ),
        _kind(
            "Smartphone 5G",
            1499,
            4999,
            "câmera tripla | tela AMOLED 120 Hz | com carregamento de 67 W | "
            "dobrável | resistente à água IP68",
        ),
        _kind(
            "Celular",
            199,
            499,
            "para idosos com teclas grandes | flip | dual chip básico",
            axes=(PHONE_COLOURS,),
        ),
        _kind("Tablet", 799, 3299, "10 polegadas | infantil | com caneta | 11 polegadas 5G"),
        _kind(
            "Leitor de livros digitais",
            499,
            999,
            "com luz embutida | à prova d'água | de 7 polegadas",
            axes=(_colours("preto", "branco", "verde"),),
        ),
    ),
)
AUDIO = Leaf(
    slug="audio",
    name="Áudio",
    pitch="som limpo e graves encorpados onde você estiver.",
    brands=("sonora", "voltz"),
    axes=(GADGET_COLOURS,),
    weight=(50, 2500),
    box=(20, 18, 10),
    features=(
        "Conexão Bluetooth 5.3 estável",
        "Bateria de longa duração",
        "Graves encorpados e agudos limpos",
        "Microfone embutido para chamadas",
        "Carregamento por USB-C",
        "Controles simples no próprio aparelho",
    ),
    kinds=(
        _kind(
            "Fone de ouvido Bluetooth",
            99,
            899,
            "com cancelamento de ruído | dobrável | infantil com limite de volume | over-ear",
        ),
        _kind("Fone intra-auricular", 59, 599, "sem fio | esportivo | com microfone | com estojo de carga"),
        _kind("Caixa de som portátil", 129, 999, "à prova d'água | com luzes LED | de 20 W | de 40 W"),
        _kind("Soundbar", 399, 1899, "2.1 com subwoofer | compacta | com Dolby Atmos"),
        _kind("Headset gamer", 149, 599, "com som surround 7.1 | sem fio | com microfone removível"),
        _kind("Toca-discos", 499, 1299, "com Bluetooth | retrô de maleta"),
    ),
)
ACESSORIOS_ELETRONICOS = Leaf(
    slug="acessorios-eletronicos",
    name="Acessórios",
    pitch="o complemento certo para o seu celular e o seu computador.",
    brands=("nexo", "voltz"),
    axes=(_colours("preto", "branco", "azul", "rosa"),),
    weight=(30, 400),
    box=(15, 10, 4),
    features=(
        "Compatível com os principais modelos do mercado",
        "Homologado pela Anatel",
        "Proteção contra superaquecimento e curto-circuito",
        "Acabamento resistente a riscos",
        "Leve para levar na mochila",
        "Garantia de 6 meses",
    ),
    kinds=(
        _kind("Carregador turbo", 49, 199, "20 W | 30 W | 65 W com duas portas | veicular 45 W"),
        _kind("Cabo USB-C", 29, 89, "de nylon trançado 1 m | de 2 m | para Lightning | com ponta em L"),
        _kind("Carregador portátil", 99, 299, "10.000 mAh | 20.000 mAh | magnético | com painel solar"),
        _kind("Capa para celular", 29, 99, "antichoque | transparente | com porta-cartões | de silicone"),
        _kind("Suporte", 39, 149, "veicular magnético | de mesa articulado | para notebook"),
        _kind("Película", 19, 59, "de vidro 3D | de privacidade", axes=NO_VARIANTS),
    ),
)
SMARTWATCHES = Leaf(
    slug="smartwatches",
    name="Relógios e smartwatches",
    pitch="acompanha seus treinos, seu sono e suas notificações.",
    brands=("nexo", "voltz"),
    axes=(GADGET_COLOURS,),
    weight=(30, 200),
    box=(12, 10, 8),
    features=(
        "Monitora passos, sono e frequência cardíaca",
        "Resistente a respingos e suor",
        "Bateria que dura vários dias",
        "Notificações do celular no pulso",
        "Pulseira ajustável e confortável",
        "Compatível com Android e iOS",
    ),
    kinds=(
        _kind(
            "Smartwatch",
            199,
            1999,
            "esportivo com GPS | com medição de oxigênio | com chamadas por Bluetooth | "
            "de tela AMOLED | infantil com localizador",
        ),
        _kind("Pulseira inteligente", 99, 349, "com monitor cardíaco | à prova d'água | com tela colorida"),
        _kind("Relógio digital", 79, 299, "esportivo | com cronômetro | à prova d'água 100 m"),
        _kind("Relógio analógico", 129, 699, "de aço | com pulseira de couro | minimalista | cronógrafo"),
        _kind("Pulseira para smartwatch", 29, 89, "de silicone | de metal | de nylon"),
        _kind("Carregador para smartwatch", 39, 79, "magnético | de mesa", axes=NO_VARIANTS),
    ),
)
COZINHA = Leaf(
    slug="cozinha",
    name="Cozinha",
    pitch="prático no preparo, bonito na mesa e fácil de limpar.",
    brands=("panelar", "casa-serena"),
    axes=(KITCHEN_COLOURS,),
    weight=(300, 4000),
    box=(35, 25, 15),
    features=(
        "Pode ir à lava-louças",
        "Cabo ergonômico que não esquenta",
        "Compatível com fogão a gás, elétrico e indução",
        "Livre de PFOA",
        "Fácil de limpar",
        "Garantia de 1 ano contra defeitos de fabricação",
    ),
    kinds=(
        _kind(
            "Jogo de panelas",
            199,
            899,
            "antiaderente 5 peças | de inox 7 peças | cerâmica 4 peças | de ferro fundido",
        ),
        _kind("Frigideira", 59, 249, "antiaderente 24 cm | de inox 28 cm | funda com tampa | para omelete"),
        _kind("Cafeteira italiana", 79, 229, "3 xícaras | 6 xícaras | de alumínio | de inox para indução"),
        _kind("Jogo de facas", 69, 399, "5 peças com cepo | de churrasco | de cerâmica"),
        _kind("Conjunto de potes", 39, 149, "herméticos | de vidro com tampa | para mantimentos"),
        _kind("Garrafa térmica", 49, 189, "1 litro | de 500 ml | com infusor"),
    ),
)
ELETROPORTATEIS = Leaf(
    slug="eletroportateis",
    name="Eletroportáteis",
    pitch="mais tempo livre na cozinha e na casa, com economia de energia.",
    brands=("voltz", "panelar"),
    axes=(VOLTAGE, KITCHEN_COLOURS),
    weight=(1500, 6000),
    box=(40, 30, 30),
    features=(
        "Potente e econômico, com selo Procel",
        "Peças removíveis que vão à lava-louças",
        "Pés antiderrapantes",
        "Desligamento automático por segurança",
        "Confira a voltagem da sua tomada antes de comprar",
        "Garantia de 1 ano",
    ),
    kinds=(
        _kind("Air fryer", 299, 799, "4 litros | 5,5 litros digital | com janela | forno 12 litros"),
        _kind(
            "Liquidificador",
            99,
            399,
            "de alta potência 1200 W | com copo de vidro | portátil | de 3 velocidades",
        ),
        _kind("Cafeteira elétrica", 99, 499, "30 xícaras | de cápsulas | expresso com vaporizador"),
        _kind("Batedeira", 149, 599, "planetária 700 W | de mão | com tigela giratória"),
        _kind("Sanduicheira", 69, 199, "grill antiaderente | dupla | com chapa removível"),
        _kind("Ventilador", 129, 399, "de mesa 40 cm | de coluna | de teto com luz"),
    ),
)
CAMA = Leaf(
    slug="cama",
    name="Cama",
    pitch="para noites de sono tranquilas e um quarto aconchegante.",
    brands=("casa-serena", "aurora-textil"),
    axes=(BED_SIZES, HOME_TEXTILE_COLOURS),
    weight=(500, 3000),
    box=(40, 35, 12),
    features=(
        "Toque macio que fica melhor a cada lavagem",
        "Algodão de fibras longas",
        "Elástico em toda a volta do lençol de baixo",
        "Não forma bolinhas",
        "Hipoalergênico",
        "Acompanha bolsa para guardar",
    ),
    kinds=(
        _kind(
            "Jogo de lençol",
            99,
            399,
            "200 fios | 400 fios percal | de malha | estampado infantil | de microfibra",
        ),
        _kind("Edredom", 149, 499, "dupla face | de plumas sintéticas | matelassê"),
        _kind(
            "Travesseiro",
            39,
            199,
            "de espuma viscoelástica | de plumas | cervical | antiácaro",
            axes=NO_VARIANTS,
        ),
        _kind("Cobertor", 99, 349, "de microfibra | de flanela | sherpa"),
        _kind("Colcha", 129, 399, "de piquet | boutis | de algodão"),
        _kind("Protetor de colchão", 59, 189, "impermeável | de malha", axes=(BED_SIZES,)),
    ),
)
BANHO = Leaf(
    slug="banho",
    name="Banho",
    pitch="maciez e absorção para o banho de todo dia.",
    brands=("casa-serena", "aurora-textil"),
    axes=(_colours("branco", "bege", "cinza", "azul", "rosa", "verde", pick=(1, 3)),),
    weight=(200, 1500),
    box=(35, 25, 8),
    features=(
        "Alta absorção desde a primeira lavagem",
        "Algodão macio e encorpado",
        "Barra dupla que não desfia",
        "Seca rápido",
        "Cores firmes que não desbotam",
        "Produzido no Brasil",
    ),
    kinds=(
        _kind("Toalha de banho", 29, 99, "gigante | de algodão egípcio | fio penteado | de rosto"),
        _kind("Jogo de toalhas", 79, 249, "5 peças | 3 peças | para lavabo"),
        _kind("Roupão", 99, 299, "atoalhado | de microfibra | infantil com capuz"),
        _kind("Tapete de banheiro", 29, 119, "antiderrapante | de algodão | de memória"),
        _kind("Cortina de box", 39, 129, "de PVC | de tecido | estampada"),
        _kind("Kit de banheiro", 49, 199, "de cerâmica 4 peças | de bambu | de inox"),
        _kind("Toalha de praia", 49, 149, "estampada | grande | redonda"),
    ),
)
CUIDADOS_COM_A_PELE = Leaf(
    slug="cuidados-com-a-pele",
    name="Cuidados com a pele",
    pitch="cuida da sua pele todos os dias, com fórmula leve e eficaz.",
    brands=("essenza", "flor-de-jambo"),
    axes=(SMALL_VOLUMES,),
    weight=(60, 400),
    box=(15, 6, 6),
    features=(
        "Dermatologicamente testado",
        "Não obstrui os poros",
        "Fórmula vegana e livre de crueldade animal",
        "Textura leve de rápida absorção",
        "Sem parabenos",
        "Para todos os tipos de pele",
    ),
    kinds=(
        _kind(
            "Protetor solar", 39, 119, "FPS 30 | FPS 50 | FPS 70 facial com cor | infantil FPS 60 | em bastão"
        ),
        _kind(
            "Hidratante facial",
            49,
            189,
            "com ácido hialurônico | para pele oleosa | com vitamina C | noturno",
        ),
        _kind("Sérum facial", 69, 249, "de niacinamida | de vitamina C 10% | com retinol | antissinais"),
        _kind("Sabonete facial", 29, 79, "em gel | esfoliante | com argila verde"),
        _kind("Loção corporal", 29, 99, "de manteiga de karité | com óleo de coco | hidratação intensa"),
        _kind("Água micelar", 29, 69, "demaquilante | para pele sensível"),
    ),
)
PERFUMES = Leaf(
    slug="perfumes",
    name="Perfumes",
    pitch="uma fragrância marcante que combina com você.",
    brands=("essenza", "flor-de-jambo"),
    axes=(PERFUME_VOLUMES,),
    weight=(100, 600),
    box=(12, 8, 8),
    features=(
        "Fixação prolongada",
        "Notas de saída frescas e fundo marcante",
        "Frasco de vidro com válvula spray",
        "Fragrância desenvolvida no Brasil",
        "Para o dia e para a noite",
        "Não testado em animais",
    ),
    kinds=(
        _kind("Perfume", 99, 499, "amadeirado | floral | cítrico | oriental | aquático"),
        _kind("Eau de parfum", 149, 599, "feminino floral | masculino amadeirado | gourmand | chipre"),
        _kind("Colônia", 59, 199, "infantil | refrescante | de lavanda | de alecrim"),
        _kind("Body splash", 39, 99, "de frutas vermelhas | de baunilha | de coco", axes=(BOTTLE_VOLUMES,)),
        _kind("Desodorante perfumado", 29, 79, "aerossol | roll-on | em creme", axes=NO_VARIANTS),
        _kind("Kit de perfume", 149, 399, "com loção | de viagem", axes=NO_VARIANTS),
    ),
)
CABELOS = Leaf(
    slug="cabelos",
    name="Cabelos",
    pitch="fios bonitos, macios e cheios de vida.",
    brands=("flor-de-jambo", "essenza"),
    axes=(BOTTLE_VOLUMES,),
    weight=(200, 900),
    box=(20, 8, 8),
    features=(
        "Indicado para uso diário",
        "Fórmula sem sulfatos agressivos",
        "Perfume suave que dura",
        "Liberado para low poo",
        "Testado por dermatologistas",
        "Embalagem reciclável",
    ),
    kinds=(
        _kind("Shampoo", 19, 79, "sem sulfato | antirresíduo | para cachos | anticaspa | hidratante"),
        _kind("Condicionador", 19, 79, "nutritivo | para cabelos lisos | reconstrutor | para cachos"),
        _kind("Máscara capilar", 29, 129, "de hidratação | com óleo de argan | de reconstrução"),
        _kind("Óleo capilar", 29, 99, "de argan | de coco | finalizador", axes=NO_VARIANTS),
        _kind(
            "Secador de cabelo",
            129,
            499,
            "2000 W | com íons | compacto de viagem",
            axes=(VOLTAGE, _colours("preto", "rosa", "branco")),
        ),
        _kind(
            "Prancha alisadora",
            99,
            399,
            "de cerâmica | de titânio | com vapor",
            axes=(VOLTAGE, _colours("preto", "rosa", "dourado")),
        ),
    ),
)
MAQUIAGEM = Leaf(
    slug="maquiagem",
    name="Maquiagem",
    pitch="alta pigmentação e acabamento bonito o dia inteiro.",
    brands=("flor-de-jambo", "essenza"),
    axes=(MAKEUP_SHADES,),
    weight=(20, 150),
    box=(10, 5, 3),
    features=(
        "Alta pigmentação",
        "Longa duração sem transferir",
        "Testado por dermatologistas",
        "Fórmula vegana",
        "Acabamento natural",
        "Fácil de aplicar e de retirar",
    ),
    kinds=(
        _kind("Batom", 19, 69, "matte | cremoso | líquido de longa duração | hidratante"),
        _kind("Base", 39, 149, "líquida matte | com FPS 30 | em bastão | de alta cobertura"),
        _kind(
            "Máscara para cílios", 29, 89, "à prova d'água | volume extremo | alongadora", axes=NO_VARIANTS
        ),
        _kind("Paleta de sombras", 49, 199, "nude 12 cores | colorida | cintilante", axes=NO_VARIANTS),
        _kind("Corretivo", 29, 79, "líquido | em bastão | cobertura total"),
        _kind("Pó compacto", 39, 99, "translúcido | com FPS | matte"),
    ),
)

DEPARTMENTS = (
    Department("roupas", "Roupas", "bag", (CAMISETAS, CALCAS, VESTIDOS, CALCADOS), CLOTHES_SIZE_GUIDE),
    Department(
        "eletronicos", "Eletrônicos", "phone", (CELULARES, AUDIO, ACESSORIOS_ELETRONICOS, SMARTWATCHES)
    ),
    Department("casa", "Casa", "house", (COZINHA, ELETROPORTATEIS, CAMA, BANHO)),
    Department("beleza", "Beleza", "stars", (CUIDADOS_COM_A_PELE, PERFUMES, CABELOS, MAQUIAGEM)),
)

LEAVES = tuple(leaf for department in DEPARTMENTS for leaf in department.leaves)


def bin_code(*, category: str, variant_position: int) -> str:
    """The bin a demo variant is kept in: its department's aisle, its category's shelf and a
    level by variant, so an order of a few items is picked from several bins."""
    for aisle, department in enumerate(DEPARTMENTS):
        for shelf, leaf in enumerate(department.leaves, start=1):
            if leaf.slug == category:
                return f"{chr(ord('A') + aisle)}-{shelf:02d}-{variant_position % BIN_LEVELS + 1:02d}"
    raise KeyError(category)


def demo_bins() -> list[str]:
    """Every bin of the distribution centre, in the order pickers walk them."""
    return [
        bin_code(category=leaf.slug, variant_position=level) for leaf in LEAVES for level in range(BIN_LEVELS)
    ]


CLOSINGS = (
    "Entrega para todo o Brasil e troca grátis em até 7 dias após o recebimento.",
    "Pague com Pix, boleto ou cartão de crédito em até 10 vezes sem juros.",
    "Produto com nota fiscal e garantia do fabricante.",
    "Enviado em até 1 dia útil após a confirmação do pagamento.",
)


# Product specifications


@dataclass(frozen=True, slots=True)
class VariantSpec:
    sku: str
    ean: str
    price: Decimal
    compare_at_price: Decimal | None
    cost_price: Decimal
    weight_grams: int
    length_cm: Decimal
    width_cm: Decimal
    height_cm: Decimal
    stock: int
    values: tuple[tuple[str, str], ...]  # (attribute slug, value slug)


@dataclass(frozen=True, slots=True)
class ProductSpec:
    slug: str
    name: str
    category: str  # leaf category slug
    brand: str  # brand slug
    description: str
    is_featured: bool
    image_count: int
    colour: str  # hex of the first colour on offer, or "" for the picture's own palette
    variants: tuple[VariantSpec, ...]


def demo_products(*, seed: int, count: int = DEMO_PRODUCTS) -> list[ProductSpec]:
    """The products of the demo store, spread evenly over the leaf categories.

    The same seed gives the same products, so a second run updates instead of adding.
    """
    rng = random.Random(seed)  # noqa: S311 - shop content, not secrets
    combinations = {}
    for leaf in LEAVES:
        pairs = [(kind, qualifier) for kind in leaf.kinds for qualifier in kind.qualifiers]
        rng.shuffle(pairs)
        combinations[leaf.slug] = pairs
    products, slugs = [], set()
    for index in range(count):
        leaf = LEAVES[index % len(LEAVES)]
        pairs = combinations[leaf.slug]
        turn = index // len(LEAVES)
        kind, qualifier = pairs[turn % len(pairs)]
        name = f"{kind.name} {qualifier}"
        if turn >= len(pairs):  # more products than combinations: a second line of the same
            name = f"{name} – linha {turn // len(pairs) + 1}"
        slug = slugify(name)
        while slug in slugs:
            slug = f"{slug}-{index}"
        slugs.add(slug)
        number = index + 1
        products.append(
            _product_spec(
                rng,
                leaf=leaf,
                kind=kind,
                name=name,
                slug=slug,
                brand=rng.choice(leaf.brands),
                sku_stem=f"{leaf.slug[:3].upper()}-{number:04d}",
                ean_stem=f"{DEMO_EAN_PREFIX}{number:06d}",
            )
        )
    return products


def bench_slug(number: int) -> str:
    return f"{BENCH_SLUG_PREFIX}{number:06d}"


def bench_product(*, seed: int, number: int) -> ProductSpec:
    """Benchmark product number `number`: the same for a seed whatever else exists."""
    rng = random.Random(f"{seed}:{number}")  # noqa: S311 - shop content, not secrets
    leaf = rng.choice(LEAVES)
    kind = rng.choice(leaf.kinds)
    brand = rng.choice(leaf.brands)
    model = f"{brand[:2].upper()}-{rng.randint(100, 9999)}"
    name = f"{kind.name} {rng.choice(kind.qualifiers)} {BRAND_NAMES[brand]} {model}"
    return _product_spec(
        rng,
        leaf=leaf,
        kind=kind,
        name=name,
        slug=bench_slug(number),
        brand=brand,
        sku_stem=f"BENCH-{number:06d}",
        ean_stem=f"{BENCH_EAN_PREFIX}{number:06d}",
    )


def _product_spec(
    rng: random.Random,
    *,
    leaf: Leaf,
    kind: Kind,
    name: str,
    slug: str,
    brand: str,
    sku_stem: str,
    ean_stem: str,
) -> ProductSpec:
    base_price = Decimal(rng.randint(*kind.price))
    markup = Decimal(rng.randint(112, 145)) / 100 if rng.random() < ON_SALE_SHARE else None
    sold_out = rng.random() < SOLD_OUT_PRODUCT_SHARE
    weight = rng.randint(*leaf.weight)
    options = _variant_options(rng, leaf.axes if kind.axes is None else kind.axes)
    variants = []
    for position, (values, factor) in enumerate(options):
        price = _shelf_price(base_price * factor)
        compare_at = _shelf_price(price * markup) if markup else None
        stock = 0 if sold_out or rng.random() < SOLD_OUT_VARIANT_SHARE else _stock(rng)
        length, width, height = (Decimal(rng.randint(side * 9, side * 11)) / 10 for side in leaf.box)
        variants.append(
            VariantSpec(
                sku=f"{sku_stem}-{position + 1:02d}",
                ean=_ean13(f"{ean_stem}{position + 1:02d}"),
                price=price,
                compare_at_price=compare_at,
                cost_price=(price * Decimal(rng.randint(40, 65)) / 100).quantize(Decimal("0.01")),
                weight_grams=int(weight * factor),
                length_cm=length,
                width_cm=width,
                height_cm=height,
                stock=stock,
                values=values,
            )
        )
    colour = next((COLOURS[value][1] for attribute, value in options[0][0] if attribute == "cor"), "")
    brand_name = BRAND_NAMES[brand]
    features = "".join(f"<li>{feature}</li>" for feature in rng.sample(leaf.features, 3))
    closing = rng.choice(CLOSINGS)
    description = (
        f"<p><strong>{name}</strong>, da {brand_name}: {leaf.pitch}</p><ul>{features}</ul><p>{closing}</p>"
    )
    return ProductSpec(
        slug=slug,
        name=name,
        category=leaf.slug,
        brand=brand,
        description=description,
        is_featured=rng.random() < FEATURED_SHARE,
        image_count=rng.choices(list(IMAGE_COUNT_WEIGHTS), weights=list(IMAGE_COUNT_WEIGHTS.values()))[0],
        colour=colour,
        variants=tuple(variants),
    )


def _variant_options(
    rng: random.Random, axes: tuple[Axis, ...]
) -> list[tuple[tuple[tuple[str, str], ...], Decimal]]:
    """The value combinations a product offers (at most MAX_VARIANTS), each with its price factor."""
    choices = []
    for axis in axes:
        if axis.single and rng.random() < 0.25:
            choices.append([(axis.single, Decimal("1.00"))])
            continue
        count = rng.randint(*axis.pick)
        if axis.run:
            start = rng.randint(0, len(axis.values) - count)
            indexes = list(range(start, start + count))
        else:
            indexes = sorted(rng.sample(range(len(axis.values)), count))
        choices.append(
            [(axis.values[i], Decimal(axis.steps[i]) if axis.steps else Decimal("1.00")) for i in indexes]
        )
    options = []
    for combination in itertools.product(*choices):
        values = tuple(
            (axis.attribute, value) for axis, (value, _step) in zip(axes, combination, strict=True)
        )
        factor = Decimal("1.00")
        for _value, step in combination:
            factor *= step
        options.append((values, factor))
    return options[:MAX_VARIANTS]


def _shelf_price(amount: Decimal) -> Decimal:
    """Round to a shop-window price: 187.34 -> 186.90, never below 9.90."""
    whole = max(amount.to_integral_value(rounding=ROUND_HALF_UP), Decimal(10))
    return whole - Decimal("0.10")


def _stock(rng: random.Random) -> int:
    return rng.randint(1, 9) if rng.random() < 0.25 else rng.randint(10, 250)


def _ean13(digits: str) -> str:
    return f"{digits}{gtin_check_digit(digits)}"
