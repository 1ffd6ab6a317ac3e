"""Boleto bancário numbers (FEBRABAN): the 44-digit barcode and the 47-digit digitable line
a customer types into a banking app, with their check digits."""

from datetime import date
from decimal import Decimal

# Due dates count days from this base (FEBRABAN "fator de vencimento"), restarting at 1000
# after 9999 (on 2025-02-22).
DUE_FACTOR_BASE = date(1997, 10, 7)
DUE_FACTOR_RESTART = date(2025, 2, 22)


def due_factor(due: date) -> int:
    if due >= DUE_FACTOR_RESTART:
        return 1000 + (due - DUE_FACTOR_RESTART).days
    return (due - DUE_FACTOR_BASE).days


def mod10(digits: str) -> int:
    total = 0
    for index, digit in enumerate(reversed(digits)):
        product = int(digit) * (2 if index % 2 == 0 else 1)
        total += product // 10 + product % 10
    return (10 - total % 10) % 10


def mod11(digits: str) -> int:
    total = sum(int(digit) * (2 + index % 8) for index, digit in enumerate(reversed(digits)))
    check = 11 - total % 11
    return 1 if check in (0, 10, 11) else check


def barcode(*, bank: str, amount: Decimal, due: date, free_field: str) -> str:
    """44 digits: bank (3), currency 9, general check digit, due factor (4), amount in
    centavos (10), and the bank's 25-digit free field."""
    if len(bank) != 3 or len(free_field) != 25 or not (bank + free_field).isdigit():
        raise ValueError("bank has 3 digits and the free field 25")
    cents = f"{int(amount * 100):010d}"
    without_check = f"{bank}9{due_factor(due):04d}{cents}{free_field}"
    check = mod11(without_check)
    return without_check[:4] + str(check) + without_check[4:]


def digitable_line(code: str) -> str:
    """The 47-digit line of a 44-digit barcode: three fields with a mod-10 digit each, the
    general check digit, and due factor plus amount."""
    field1 = code[0:4] + code[19:24]
    field2 = code[24:34]
    field3 = code[34:44]
    return f"{field1}{mod10(field1)}{field2}{mod10(field2)}{field3}{mod10(field3)}{code[4]}{code[5:19]}"


def format_digitable_line(line: str) -> str:
    """`00190.00009 01234.567891 23456.789012 3 12340000012345`, as printed on the boleto."""
    parts = (f"{line[0:5]}.{line[5:10]}", f"{line[10:15]}.{line[15:21]}", f"{line[21:26]}.{line[26:32]}")
    return " ".join((*parts, line[32], line[33:]))


def is_valid_digitable_line(line: str) -> bool:
    line = "".join(filter(str.isdigit, line))
    if len(line) != 47:
        return False
    fields = ((line[0:9], line[9]), (line[10:20], line[20]), (line[21:31], line[31]))
    if any(mod10(digits) != int(check) for digits, check in fields):
        return False
    code = line[0:4] + line[32] + line[33:47] + line[4:9] + line[10:20] + line[21:31]
    return mod11(code[:4] + code[5:]) == int(code[4])
