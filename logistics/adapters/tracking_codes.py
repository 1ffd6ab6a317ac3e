"""Correios tracking codes (UPU S10): two letters, eight digits, a check digit and the country,
e.g. `PM123456785BR`."""

import re

WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)
PATTERN = re.compile(r"[A-Z]{2}[0-9]{9}[A-Z]{2}")


def s10_check_digit(serial: str) -> int:
    """The check digit of an eight-digit serial number (S10): 11 minus the weighted sum (weights
    8 6 4 2 3 5 9 7) modulo 11, with 10 written 0 and 11 written 5."""
    if len(serial) != 8 or not serial.isdecimal():
        raise ValueError("an S10 serial has eight digits")
    remainder = sum(int(digit) * weight for digit, weight in zip(serial, WEIGHTS, strict=True)) % 11
    return {0: 5, 1: 0}.get(remainder, 11 - remainder)


def tracking_code(*, service: str, serial: int, country: str = "BR") -> str:
    """The tracking code of a serial number for a two-letter service indicator."""
    digits = f"{serial:08d}"
    return f"{service}{digits}{s10_check_digit(digits)}{country}"


def is_valid_tracking_code(code: str) -> bool:
    code = code.strip().upper()
    return bool(PATTERN.fullmatch(code)) and s10_check_digit(code[2:10]) == int(code[10])
