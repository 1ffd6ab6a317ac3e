"""The 44-digit access key of a Brazilian electronic invoice (NF-e), as printed on the DANFE."""

from datetime import date

from core.cpf import only_digits

# IBGE codes of the states, the key's first two digits.
STATE_CODES = {
    "RO": "11", "AC": "12", "AM": "13", "RR": "14", "PA": "15", "AP": "16", "TO": "17",
    "MA": "21", "PI": "22", "CE": "23", "RN": "24", "PB": "25",
    "PE": "26", "AL": "27", "SE": "28", "BA": "29",
    "MG": "31", "ES": "32", "RJ": "33", "SP": "35",
    "PR": "41", "SC": "42", "RS": "43",
    "MS": "50", "MT": "51", "GO": "52", "DF": "53",
}  # fmt: skip
MODEL_NFE = "55"
NORMAL_ISSUE = "1"


def access_key_check_digit(digits: str) -> int:
    """Modulus 11 over the first 43 digits, weights 2 to 9 from the right, repeating; a
    remainder of 0 or 1 gives 0."""
    if len(digits) != 43 or not digits.isdecimal():
        raise ValueError("the check digit covers 43 digits")
    total = sum(int(digit) * (2 + index % 8) for index, digit in enumerate(reversed(digits)))
    remainder = total % 11
    return 0 if remainder < 2 else 11 - remainder


def access_key(*, state: str, issued_on: date, cnpj: str, series: int, number: int, code: int) -> str:
    """The key of invoice `number` of a series: state, year and month, issuer's CNPJ, model 55,
    series, number, normal issue, an eight-digit code of the issuer's choosing, check digit."""
    cnpj = only_digits(cnpj)
    if (
        len(cnpj) != 14
        or not 0 < series <= 999
        or not 0 < number <= 999_999_999
        or not 0 <= code <= 99_999_999
    ):
        raise ValueError("CNPJ has 14 digits, series up to 999, number up to 999999999, code up to 8 digits")
    parts = (STATE_CODES[state], f"{issued_on:%y%m}", cnpj, MODEL_NFE, f"{series:03d}", f"{number:09d}")
    body = "".join(parts) + NORMAL_ISSUE + f"{code:08d}"
    return body + str(access_key_check_digit(body))


def is_valid_access_key(key: str) -> bool:
    digits = only_digits(key)
    return len(digits) == 44 and access_key_check_digit(digits[:43]) == int(digits[43])


def format_access_key(key: str) -> str:
    """In groups of four, as the DANFE prints it."""
    digits = only_digits(key)
    return " ".join(digits[start : start + 4] for start in range(0, len(digits), 4))
