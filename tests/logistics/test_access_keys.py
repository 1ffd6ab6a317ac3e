from datetime import date

import pytest

from logistics.access_keys import access_key, access_key_check_digit, format_access_key, is_valid_access_key


def test_a_key_has_44_digits_in_their_places_and_a_valid_check_digit():
    key = access_key(
        state="SP",
        issued_on=date(2026, 11, 23),
        cnpj="11.222.333/0001-81",
        series=1,
        number=1234,
        code=87654321,
    )
    assert len(key) == 44 and key.isdecimal()
    assert key[:2] == "35" and key[2:6] == "2611" and key[6:20] == "11222333000181"
    assert key[20:22] == "55" and key[22:25] == "001" and key[25:34] == "000001234"
    assert key[34] == "1" and key[35:43] == "87654321"
    assert is_valid_access_key(key)
    assert is_valid_access_key(format_access_key(key))


def test_the_check_digit_by_hand():
    # All ones: the weights 2..9 repeat over 43 digits and add up to 229; 229 mod 11 = 9; 11 - 9 = 2.
    assert access_key_check_digit("1" * 43) == 2
    # All zeros: remainder 0, written 0.
    assert access_key_check_digit("0" * 43) == 0


def test_any_changed_digit_breaks_the_key():
    key = access_key(
        state="RJ", issued_on=date(2026, 1, 5), cnpj="11222333000181", series=2, number=7, code=1
    )
    for position in range(43):
        changed = key[:position] + str((int(key[position]) + 1) % 10) + key[position + 1 :]
        assert not is_valid_access_key(changed)


@pytest.mark.parametrize(
    "fields",
    [{"cnpj": "123"}, {"series": 0}, {"number": 1_000_000_000}, {"code": 100_000_000}],
)
def test_out_of_range_parts_are_refused(fields):
    arguments = {
        "state": "SP",
        "issued_on": date(2026, 1, 1),
        "cnpj": "11222333000181",
        "series": 1,
        "number": 1,
    }
    with pytest.raises(ValueError):
        access_key(**{"code": 1, **arguments, **fields})
