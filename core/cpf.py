"""Brazilian taxpayer numbers: CPF (people) and CNPJ (companies), checked by their digits."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def only_digits(value: str) -> str:
    return re.sub(r"\D", "", value or "")


def _cpf_digit(digits: str) -> int:
    weight = len(digits) + 1
    total = sum(int(digit) * (weight - index) for index, digit in enumerate(digits))
    remainder = total * 10 % 11
    return 0 if remainder == 10 else remainder


def is_valid_cpf(value: str) -> bool:
    digits = only_digits(value)
    if len(digits) != 11 or digits == digits[0] * 11:
        return False
    return _cpf_digit(digits[:9]) == int(digits[9]) and _cpf_digit(digits[:10]) == int(digits[10])


def _cnpj_digit(digits: str) -> int:
    weights = [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2][-len(digits) :]
    remainder = sum(int(digit) * weight for digit, weight in zip(digits, weights, strict=True)) % 11
    return 0 if remainder < 2 else 11 - remainder


def is_valid_cnpj(value: str) -> bool:
    digits = only_digits(value)
    if len(digits) != 14 or digits == digits[0] * 14:
        return False
    return _cnpj_digit(digits[:12]) == int(digits[12]) and _cnpj_digit(digits[:13]) == int(digits[13])


def validate_cpf(value: str) -> None:
    if not is_valid_cpf(value):
        raise ValidationError(_("Enter a valid CPF (11 digits)."), code="invalid_cpf")


def format_cpf(value: str) -> str:
    digits = only_digits(value)
    return f"{digits[:3]}.{digits[3:6]}.{digits[6:9]}-{digits[9:]}" if len(digits) == 11 else value


def format_cnpj(value: str) -> str:
    digits = only_digits(value)
    return (
        f"{digits[:2]}.{digits[2:5]}.{digits[5:8]}/{digits[8:12]}-{digits[12:]}"
        if len(digits) == 14
        else value
    )


def validate_cnpj(value: str) -> None:
    if not is_valid_cnpj(value):
        raise ValidationError(_("Enter a valid CNPJ (14 digits)."), code="invalid_cnpj")


# The ninth digit of a CPF names the fiscal region that issued it.
CPF_REGION_STATES = {
    "0": frozenset({"RS"}),
    "1": frozenset({"DF", "GO", "MS", "MT", "TO"}),
    "2": frozenset({"AC", "AM", "AP", "PA", "RO", "RR"}),
    "3": frozenset({"CE", "MA", "PI"}),
    "4": frozenset({"AL", "PB", "PE", "RN"}),
    "5": frozenset({"BA", "SE"}),
    "6": frozenset({"MG"}),
    "7": frozenset({"ES", "RJ"}),
    "8": frozenset({"SP"}),
    "9": frozenset({"PR", "SC"}),
}


def cpf_region_states(value: str) -> frozenset[str]:
    """The states of the fiscal region that issued a CPF (empty for a malformed one)."""
    digits = only_digits(value)
    return CPF_REGION_STATES.get(digits[8], frozenset()) if len(digits) == 11 else frozenset()
