import pytest
from django.core.exceptions import ValidationError
from faker import Faker

from core.cep import format_cep, state_for_cep, validate_cep
from core.cpf import compact_cnpj, format_cnpj, format_cpf, is_valid_cnpj, is_valid_cpf, validate_cpf

FAKE = Faker("pt_BR")


@pytest.mark.parametrize("cpf", ["529.982.247-25", "52998224725", "111.444.777-35"])
def test_valid_cpfs_pass_with_or_without_punctuation(cpf):
    assert is_valid_cpf(cpf)


def test_generated_cpfs_pass():
    assert all(is_valid_cpf(FAKE.cpf()) for _ in range(200))


@pytest.mark.parametrize("cpf", ["529.982.247-24", "111.111.111-11", "1234567890", "", "abc", "529982247250"])
def test_bad_cpfs_fail(cpf):
    assert not is_valid_cpf(cpf)
    with pytest.raises(ValidationError):
        validate_cpf(cpf)


def test_cpf_is_shown_with_its_punctuation():
    assert format_cpf("52998224725") == "529.982.247-25"


@pytest.mark.parametrize(
    ("cnpj", "valid"), [("11.222.333/0001-81", True), ("11222333000182", False), ("00000000000000", False)]
)
def test_cnpj_check_digits(cnpj, valid):
    assert is_valid_cnpj(cnpj) is valid


@pytest.mark.parametrize("cnpj", ["12.ABC.345/01DE-35", "12abc34501de35", "A1.B2C.3D4/E5F6-00"])
def test_alphanumeric_cnpjs_from_july_2026_are_checked_by_their_digits(cnpj):
    assert is_valid_cnpj(cnpj) is (cnpj != "A1.B2C.3D4/E5F6-00")


def test_an_alphanumeric_cnpj_is_stored_in_capitals_and_shown_with_its_punctuation():
    assert compact_cnpj("12.abc.345/01de-35") == "12ABC34501DE35"
    assert format_cnpj("12abc34501de35") == "12.ABC.345/01DE-35"


def test_generated_cnpjs_pass():
    assert all(is_valid_cnpj(FAKE.cnpj()) for _ in range(200))


@pytest.mark.parametrize(
    ("cep", "state"),
    [("01310-100", "SP"), ("20040-020", "RJ"), ("70040-010", "DF"), ("69005-070", "AM"), ("90010-150", "RS")],
)
def test_a_cep_says_its_state(cep, state):
    assert state_for_cep(cep) == state


@pytest.mark.parametrize("cep", ["0131010", "abcde-fgh", "00000-000", "", "013101000"])
def test_bad_ceps_are_refused(cep):
    with pytest.raises(ValidationError):
        validate_cep(cep)


def test_cep_is_shown_with_its_dash():
    assert format_cep("01310100") == "01310-100"
