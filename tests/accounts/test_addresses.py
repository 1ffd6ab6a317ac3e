"""Saved addresses and the profile: one default per customer (the database says so too), a
customer's own addresses only, and bad input saving nothing."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from storefront.accounts.exceptions import AddressLimitReached, AddressNotFound
from storefront.accounts.models import Address, CustomerProfile
from storefront.accounts.services import (
    MAX_ADDRESSES,
    address_create,
    address_delete,
    address_remember,
    address_set_default,
    address_update,
    profile_fill_blanks,
    profile_update,
)
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

PAULISTA = {
    "cep": "01310-100",
    "street": "Avenida Paulista",
    "street_number": "1000",
    "complement": "apto 12",
    "district": "Bela Vista",
    "city": "São Paulo",
    "state": "SP",
}
RIO = {
    "cep": "20040020",
    "street": "Avenida Rio Branco",
    "street_number": "100",
    "complement": "",
    "district": "Centro",
    "city": "Rio de Janeiro",
    "state": "RJ",
}


def defaults(customer) -> list[int]:
    return list(Address.objects.filter(customer=customer, is_default=True).values_list("pk", flat=True))


def test_the_first_address_becomes_the_default():
    ana = UserFactory()
    home = address_create(customer=ana, label="Casa", **PAULISTA)
    work = address_create(customer=ana, label="Trabalho", **RIO)
    assert home.cep == "01310100" and home.label == "Casa"
    assert defaults(ana) == [home.pk]
    assert not Address.objects.get(pk=work.pk).is_default


def test_a_new_address_asked_to_be_the_default_takes_it_over():
    ana = UserFactory()
    address_create(customer=ana, **PAULISTA)
    work = address_create(customer=ana, is_default=True, **RIO)
    assert defaults(ana) == [work.pk]


def test_setting_the_default_moves_it():
    ana = UserFactory()
    home, work = address_create(customer=ana, **PAULISTA), address_create(customer=ana, **RIO)
    address_set_default(customer=ana, address_id=work.pk)
    assert defaults(ana) == [work.pk]
    address_set_default(customer=ana, address_id=home.pk)
    assert defaults(ana) == [home.pk]


def test_the_database_refuses_a_second_default():
    ana = UserFactory()
    address_create(customer=ana, **PAULISTA)
    work = address_create(customer=ana, **RIO)
    with pytest.raises(IntegrityError), transaction.atomic():
        Address.objects.filter(pk=work.pk).update(is_default=True)


def test_each_customer_has_a_default_of_their_own():
    ana, bia = UserFactory(), UserFactory()
    mine, theirs = address_create(customer=ana, **PAULISTA), address_create(customer=bia, **PAULISTA)
    assert defaults(ana) == [mine.pk] and defaults(bia) == [theirs.pk]


def test_deleting_the_default_makes_the_newest_other_the_default():
    ana = UserFactory()
    home = address_create(customer=ana, **PAULISTA)
    address_create(customer=ana, **RIO)
    newest = address_create(customer=ana, **{**RIO, "street_number": "200"})
    address_delete(customer=ana, address_id=home.pk)
    assert defaults(ana) == [newest.pk]
    assert Address.objects.filter(customer=ana).count() == 2


def test_editing_changes_the_fields_and_can_make_it_the_default():
    ana = UserFactory()
    address_create(customer=ana, **PAULISTA)
    work = address_create(customer=ana, **RIO)
    address_update(
        customer=ana, address_id=work.pk, label="Escritório", is_default=True, **{**RIO, "district": "Saúde"}
    )
    work.refresh_from_db()
    assert (work.label, work.district, work.is_default) == ("Escritório", "Saúde", True)
    assert len(defaults(ana)) == 1


@pytest.mark.parametrize("action", ["update", "default", "delete"])
def test_another_customers_address_is_not_found_and_stays_as_it_is(action):
    ana, bia = UserFactory(), UserFactory()
    theirs = address_create(customer=bia, **PAULISTA)
    call = {
        "update": lambda: address_update(customer=ana, address_id=theirs.pk, **RIO),
        "default": lambda: address_set_default(customer=ana, address_id=theirs.pk),
        "delete": lambda: address_delete(customer=ana, address_id=theirs.pk),
    }[action]
    with pytest.raises(AddressNotFound):
        call()
    theirs.refresh_from_db()
    assert (theirs.street, theirs.is_default, theirs.customer_id) == ("Avenida Paulista", True, bia.pk)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({**PAULISTA, "cep": "0131-100"}, "cep"),
        ({**PAULISTA, "state": "RJ"}, "cep"),  # a São Paulo CEP in Rio de Janeiro
        ({**PAULISTA, "street": " "}, "street"),
        ({**PAULISTA, "state": "XX"}, "state"),
    ],
)
def test_a_wrong_address_is_refused_on_its_field_and_nothing_is_saved(fields, field):
    ana = UserFactory()
    with pytest.raises(ValidationError) as refused:
        address_create(customer=ana, **fields)
    assert field in refused.value.message_dict
    assert not Address.objects.exists()


def test_a_customer_keeps_a_bounded_number_of_addresses():
    ana = UserFactory()
    for number in range(MAX_ADDRESSES):
        address_create(customer=ana, **{**RIO, "street_number": str(number)})
    with pytest.raises(AddressLimitReached):
        address_create(customer=ana, **PAULISTA)
    assert Address.objects.filter(customer=ana).count() == MAX_ADDRESSES


def test_remembering_an_address_kept_already_adds_nothing():
    ana = UserFactory()
    first = address_remember(customer=ana, **PAULISTA)
    again = address_remember(customer=ana, **{**PAULISTA, "cep": "01310100", "street": "Avenida  Paulista"})
    assert again.pk == first.pk
    assert Address.objects.filter(customer=ana).count() == 1


# The profile


def test_the_profile_keeps_the_cpf_and_phone_as_digits():
    ana = UserFactory(full_name="Ana Souza")
    profile = profile_update(
        user=ana, full_name="Ana  Souza Lima", cpf="529.982.247-25", phone="(11) 98765-4321"
    )
    assert (profile.cpf, profile.phone) == ("52998224725", "11987654321")
    ana.refresh_from_db()
    assert ana.full_name == "Ana Souza Lima"


@pytest.mark.parametrize(
    ("cpf", "phone", "field"), [("529.982.247-24", "11987654321", "cpf"), ("52998224725", "98765", "phone")]
)
def test_a_wrong_cpf_or_phone_is_refused_on_its_field_and_nothing_is_saved(cpf, phone, field):
    ana = UserFactory(full_name="Ana Souza")
    with pytest.raises(ValidationError) as refused:
        profile_update(user=ana, full_name="Outro Nome", cpf=cpf, phone=phone)
    assert list(refused.value.message_dict) == [field]
    assert not CustomerProfile.objects.exists()
    ana.refresh_from_db()
    assert ana.full_name == "Ana Souza"


def test_checkout_fills_only_what_the_profile_lacks():
    ana = UserFactory()
    profile_update(user=ana, full_name=ana.full_name, cpf="", phone="21998765432")
    profile = profile_fill_blanks(user=ana, cpf="52998224725", phone="11987654321")
    assert (profile.cpf, profile.phone) == ("52998224725", "21998765432")
