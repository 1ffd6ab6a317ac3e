"""CEP, the Brazilian postcode: eight digits, whose first ones say the state."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.cpf import only_digits

# CEP ranges (first five digits, inclusive) of each state, as the Correios assign them.
STATE_RANGES: tuple[tuple[str, int, int], ...] = (
    ("SP", 1000, 19999),
    ("RJ", 20000, 28999),
    ("ES", 29000, 29999),
    ("MG", 30000, 39999),
    ("BA", 40000, 48999),
    ("SE", 49000, 49999),
    ("PE", 50000, 56999),
    ("AL", 57000, 57999),
    ("PB", 58000, 58999),
    ("RN", 59000, 59999),
    ("CE", 60000, 63999),
    ("PI", 64000, 64999),
    ("MA", 65000, 65999),
    ("PA", 66000, 68899),
    ("AP", 68900, 68999),
    ("AM", 69000, 69299),
    ("RR", 69300, 69399),
    ("AM", 69400, 69899),
    ("AC", 69900, 69999),
    ("DF", 70000, 72799),
    ("GO", 72800, 72999),
    ("DF", 73000, 73699),
    ("GO", 73700, 76799),
    ("TO", 77000, 77999),
    ("MT", 78000, 78899),
    ("RO", 76800, 76999),
    ("MS", 79000, 79999),
    ("PR", 80000, 87999),
    ("SC", 88000, 89999),
    ("RS", 90000, 99999),
)


def normalize_cep(value: str) -> str:
    return only_digits(value)


def state_for_cep(value: str) -> str | None:
    """The state a CEP belongs to, or None when no state uses it."""
    digits = normalize_cep(value)
    if len(digits) != 8:
        return None
    prefix = int(digits[:5])
    return next((state for state, start, end in STATE_RANGES if start <= prefix <= end), None)


def validate_cep(value: str) -> None:
    if state_for_cep(value) is None:
        raise ValidationError(_("Enter a valid CEP (8 digits, e.g. 01310-100)."), code="invalid_cep")


def cep_state_mismatch(cep: str, state: str) -> str:
    """Why a CEP and the state chosen beside it disagree; empty when they agree (or one is
    missing)."""
    if not cep or not state or state_for_cep(cep) in (None, state):
        return ""
    return _("This CEP belongs to %(state)s, not %(chosen)s.") % {
        "state": state_for_cep(cep),
        "chosen": state,
    }


def format_cep(value: str) -> str:
    digits = normalize_cep(value)
    return f"{digits[:5]}-{digits[5:]}" if len(digits) == 8 else value


# CEP ranges (first five digits, inclusive) of each state capital, as the Correios assign them.
CAPITAL_RANGES: tuple[tuple[str, int, int], ...] = (
    ("SP", 1000, 5999), ("SP", 8000, 8499), ("RJ", 20000, 23799), ("ES", 29000, 29099),
    ("MG", 30000, 31999), ("BA", 40000, 42599), ("SE", 49000, 49099), ("PE", 50000, 52999),
    ("AL", 57000, 57099), ("PB", 58000, 58099), ("RN", 59000, 59139), ("CE", 60000, 61599),
    ("PI", 64000, 64099), ("MA", 65000, 65109), ("PA", 66000, 66999), ("AP", 68900, 68914),
    ("AM", 69000, 69099), ("RR", 69300, 69339), ("AC", 69900, 69923), ("DF", 70000, 72799),
    ("DF", 73000, 73699), ("GO", 74000, 74899), ("TO", 77000, 77249), ("MT", 78000, 78109),
    ("RO", 76800, 76834), ("MS", 79000, 79124), ("PR", 80000, 82999), ("SC", 88000, 88099),
    ("RS", 90000, 91999),
)  # fmt: skip


def is_capital_cep(value: str) -> bool:
    """Whether a CEP lies in its state's capital (Correios price capitals and interiors apart)."""
    digits = normalize_cep(value)
    if len(digits) != 8:
        return False
    prefix = int(digits[:5])
    return any(start <= prefix <= end for _state, start, end in CAPITAL_RANGES)
