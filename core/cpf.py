"""Brazilian taxpayer numbers: CPF (people) and CNPJ (companies), checked by their digits
with python-stdnum, which knows the alphanumeric CNPJ too."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.br import cnpj, cpf


def only_digits(value: str) -> str:
    return re.sub(r"\D", "", value or "")


def is_valid_cpf(value: str) -> bool:
    """A CPF with the right check digits; a number of one repeated digit is never issued."""
    digits = cpf.compact(value or "")
    return cpf.is_valid(digits) and digits != digits[0] * 11


def compact_cnpj(value: str) -> str:
    """A CNPJ without punctuation, letters in capitals: the form it is stored in."""
    return cnpj.compact(value or "")


def is_valid_cnpj(value: str) -> bool:
    """A CNPJ with the right check digits, numeric or alphanumeric (issued from July 2026)."""
    characters = compact_cnpj(value)
    return cnpj.is_valid(characters) and characters != characters[0] * 14


def validate_cpf(value: str) -> None:
    if not is_valid_cpf(value):
        raise ValidationError(_("Enter a valid CPF (11 digits)."), code="invalid_cpf")


def format_cpf(value: str) -> str:
    digits = cpf.compact(value or "")
    return cpf.format(digits) if len(digits) == 11 and digits.isdigit() else value


def format_cnpj(value: str) -> str:
    characters = compact_cnpj(value)
    return cnpj.format(characters) if len(characters) == 14 and characters.isalnum() else value


def validate_cnpj(value: str) -> None:
    if not is_valid_cnpj(value):
        raise ValidationError(_("Enter a valid CNPJ (14 characters)."), code="invalid_cnpj")


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
