"""What the customer's words ask for: a menu choice or free text ("cadê meu pedido", "2ª via
do boleto", "quero devolver", "falar com atendente"), in Portuguese or English, read without
accents or case; and the order numbers and CPFs inside a message."""

import re
import unicodedata
from enum import StrEnum

from core.cpf import is_valid_cpf, only_digits


class Intent(StrEnum):
    TRACKING = "tracking"
    PAYMENT = "payment"
    RETURN = "return"
    HOURS = "hours"
    PERSON = "person"
    MENU = "menu"
    UNKNOWN = "unknown"


# The menu's numbers, in the order the menu lists them.
MENU_CHOICES = {
    "1": Intent.TRACKING,
    "2": Intent.PAYMENT,
    "3": Intent.RETURN,
    "4": Intent.HOURS,
    "5": Intent.PERSON,
}

# Word stems, checked in this order: a person first (at any moment), then what names a
# more precise wish than "my order" ("2ª via do boleto do pedido" is about paying).
STEMS: list[tuple[Intent, tuple[str, ...]]] = [
    (Intent.PERSON, ("atendente", "humano", "humana", "pessoa", "operador", "human", "agent", "person")),
    (Intent.RETURN, ("devol", "troca", "trocar", "arrepend", "return", "exchange", "refund", "reembols")),
    (Intent.PAYMENT, ("boleto", "pix", "2a via", "segunda via", "pagamento", "pagar", "payment", "pay ")),
    (Intent.HOURS, ("horario", "funcionamento", "aberto", "abrem", "abre ", "fecha", "hours", "open")),
    (
        Intent.TRACKING,
        ("pedido", "encomenda", "entrega", "rastre", "cade", "chegou", "chega", "order", "track", "parcel"),
    ),
    (Intent.MENU, ("menu", "oi", "ola", "bom dia", "boa tarde", "boa noite", "hello", "hi", "ajuda", "help")),
]

ORDER_NUMBER = re.compile(r"(?<!\d)(\d{4,12})(?!\d)")
CPF = re.compile(r"(?<!\d)(\d{3}\.?\d{3}\.?\d{3}-?\d{2})(?!\d)")


def normalize(text: str) -> str:
    """Lower case, no accents, one space between words: "Cadê  MEU pedido?" -> "cade meu pedido?"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(plain.lower().split())


# Whole messages that ask for no more reminders, as the WhatsApp reminders tell customers to reply.
STOP_WORDS = frozenset({"sair", "parar", "pare", "stop", "cancelar lembretes", "nao quero mais lembretes"})


def is_stop_request(text: str) -> bool:
    return normalize(text).strip(" .!?") in STOP_WORDS


def is_menu_choice(text: str) -> bool:
    return normalize(text).strip(" .!?)") in MENU_CHOICES


def intent_of(text: str) -> Intent:
    words = normalize(text)
    bare = words.strip(" .!?)")
    if bare in MENU_CHOICES:
        return MENU_CHOICES[bare]
    padded = f" {words} "
    for intent, stems in STEMS:
        for stem in stems:
            # Short stems are whole words ("oi", "hi"), longer ones may start a word ("devol").
            if (len(stem) <= 3 and f" {stem} " in f" {re.sub(r'[^a-z0-9 ]', ' ', words)} ") or (
                len(stem) > 3 and stem in padded
            ):
                return intent
    return Intent.UNKNOWN


def cpf_in(text: str) -> str:
    """The first valid CPF written in the text, as its 11 digits, or ""."""
    for match in CPF.finditer(text or ""):
        digits = only_digits(match.group(1))
        if is_valid_cpf(digits):
            return digits
    return ""


def order_number_in(text: str) -> str:
    """A number that may be an order's (4 to 12 digits), a valid CPF left aside, or ""."""
    cleaned = CPF.sub(lambda match: " " if is_valid_cpf(match.group(1)) else match.group(1), text or "")
    match = ORDER_NUMBER.search(cleaned.replace("#", " "))
    return match.group(1) if match else ""
