"""The CEP fills the address: the sandbox directory, the ViaCEP adapter (never on the
internet: a mocked transport), the cached selector and the view the address forms call."""

import csv
import json

import httpx
import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from core.cep import state_for_cep
from storefront.accounts.adapters.base import AddressLookupUnavailable, CepNotFound, FoundAddress
from storefront.accounts.adapters.sandbox import DATA, UNAVAILABLE_CEP, SandboxAddressLookup
from storefront.accounts.adapters.viacep import ViaCepAddressLookup
from storefront.accounts.selectors import address_for_cep


def pt(message: str) -> str:
    """A message as a Portuguese page shows it."""
    with translation.override("pt-br"):
        return translation.gettext(message)


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


# The sandbox directory


def test_the_shipped_table_covers_every_state_with_ceps_of_that_state():
    with (DATA / "ceps.csv").open(encoding="utf-8") as rows:
        table = list(csv.DictReader(rows))
    assert len(table) >= 250
    assert all(state_for_cep(row["cep"]) == row["state"] for row in table)
    assert {row["state"] for row in table} == {
        "AC", "AL", "AM", "AP", "BA", "CE", "DF", "ES", "GO", "MA", "MG", "MS", "MT", "PA", "PB",
        "PE", "PI", "PR", "RJ", "RN", "RO", "RR", "RS", "SC", "SE", "SP", "TO",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("cep", "street", "district", "city", "state"),
    [
        ("01310-100", "Avenida Paulista", "Bela Vista", "São Paulo", "SP"),  # the README's checkout
        ("07791000", "Rodovia Anhanguera", "Polvilho", "Cajamar", "SP"),  # the demo's warehouse
        ("20040-020", "Avenida Rio Branco", "Centro", "Rio de Janeiro", "RJ"),  # the journeys'
    ],
)
def test_the_demo_ceps_fill_their_whole_address(cep, street, district, city, state):
    found = SandboxAddressLookup().lookup(cep=cep)
    assert (found.street, found.district, found.city, found.state) == (street, district, city, state)


def test_a_cep_of_a_capital_not_in_the_table_fills_the_city_and_state_only():
    found = SandboxAddressLookup().lookup(cep="40301-155")
    assert found == FoundAddress(cep="40301155", street="", district="", city="Salvador", state="BA")


@pytest.mark.parametrize("cep", ["13560-970", "38770-000", "56300-000", "99700-000", "75900-000"])
def test_any_cep_of_a_state_fills_at_least_a_city_of_that_state(cep):
    found = SandboxAddressLookup().lookup(cep=cep)
    assert found.state == state_for_cep(cep)
    assert found.city


def test_a_cep_of_no_state_is_not_found():
    with pytest.raises(CepNotFound):
        SandboxAddressLookup().lookup(cep="00000-000")


def test_the_sandbox_plays_an_outage_on_request():
    with pytest.raises(AddressLookupUnavailable):
        SandboxAddressLookup().lookup(cep=UNAVAILABLE_CEP)


# ViaCEP, through a mocked transport


def viacep(handler) -> ViaCepAddressLookup:
    return ViaCepAddressLookup(transport=httpx.MockTransport(handler))


def test_viacep_answers_in_the_stores_terms():
    asked = []

    def handler(request):
        asked.append(str(request.url))
        return httpx.Response(
            200,
            json={
                "cep": "01310-100",
                "logradouro": "Avenida Paulista",
                "complemento": "de 612 a 1510 - lado par",
                "bairro": "Bela Vista",
                "localidade": "São Paulo",
                "uf": "SP",
                "ibge": "3550308",
            },
        )

    found = viacep(handler).lookup(cep="01310-100")
    assert found == FoundAddress(
        cep="01310100", street="Avenida Paulista", district="Bela Vista", city="São Paulo", state="SP"
    )
    assert asked == ["https://viacep.com.br/ws/01310100/json/"]


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(200, json={"erro": True}),
        httpx.Response(200, json={"erro": "true"}),
        httpx.Response(400),
    ],
)
def test_viacep_not_knowing_the_cep_is_not_found(response):
    with pytest.raises(CepNotFound):
        viacep(lambda request: response).lookup(cep="01310-999")


def _timeout(request):
    raise httpx.ReadTimeout("too slow", request=request)


def _refused(request):
    raise httpx.ConnectError("refused", request=request)


@pytest.mark.parametrize(
    "handler",
    [
        _timeout,
        _refused,
        lambda request: httpx.Response(503),
        lambda request: httpx.Response(200, text="<html>maintenance</html>"),
        lambda request: httpx.Response(200, json=["not", "an", "address"]),
    ],
)
def test_viacep_down_slow_or_garbled_is_unavailable(handler):
    with pytest.raises(AddressLookupUnavailable):
        viacep(handler).lookup(cep="01310-100")


def test_viacep_calls_have_a_timeout(settings):
    settings.STORE_ADDRESS_LOOKUP_TIMEOUT_SECONDS = 1.5
    seen = []

    def handler(request):
        seen.append(request.extensions["timeout"])
        return httpx.Response(200, json={"localidade": "Cajamar", "uf": "SP"})

    viacep(handler).lookup(cep="07791000")
    assert seen == [{"connect": 1.5, "read": 1.5, "write": 1.5, "pool": 1.5}]


# The cached selector


class CountingLookup:
    calls: list[str] = []

    def lookup(self, *, cep):
        CountingLookup.calls.append(cep)
        return SandboxAddressLookup().lookup(cep=cep)


@pytest.fixture
def counting(settings):
    settings.STORE_ADDRESS_LOOKUP = "tests.accounts.test_address_lookup.CountingLookup"
    CountingLookup.calls = []
    return CountingLookup.calls


def test_a_cep_is_looked_up_once_then_read_from_the_cache(counting):
    assert address_for_cep(cep="01310-100").street == "Avenida Paulista"
    assert address_for_cep(cep="01310100").street == "Avenida Paulista"
    assert counting == ["01310100"]


def test_an_unknown_cep_is_remembered_too(counting):
    for _ in range(2):
        with pytest.raises(CepNotFound):
            address_for_cep(cep="00000-000")
    assert counting == ["00000000"]


def test_an_outage_is_not_remembered(counting):
    for _ in range(2):
        with pytest.raises(AddressLookupUnavailable):
            address_for_cep(cep=UNAVAILABLE_CEP)
    assert counting == [UNAVAILABLE_CEP, UNAVAILABLE_CEP]


def test_the_cache_down_still_looks_up(counting, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    assert address_for_cep(cep="20040-020").city == "Rio de Janeiro"


# The view the forms call


def lookup(client, cep):
    response = client.get(reverse("accounts:address-lookup"), {"cep": cep}, HTTP_ACCEPT_LANGUAGE="pt-br")
    return response.status_code, json.loads(response.content)


def test_the_view_returns_the_fields_of_a_known_cep(client):
    status, answer = lookup(client, "01310100")
    assert status == 200
    assert answer == {
        "cep": "01310-100",
        "street": "Avenida Paulista",
        "district": "Bela Vista",
        "city": "São Paulo",
        "state": "SP",
        "message": pt("Address found. Check it and add the number."),
    }


def test_the_view_says_when_only_the_city_is_known(client):
    status, answer = lookup(client, "40301-155")
    assert status == 200
    assert (answer["street"], answer["city"]) == ("", "Salvador")
    assert answer["message"] == pt("We found the city. Please type the street and district.")


@pytest.mark.parametrize(
    ("cep", "status", "message"),
    [
        ("0131", 400, "Informe um CEP válido (8 dígitos, por exemplo 01310-100)."),
        ("00000-000", 400, "Informe um CEP válido (8 dígitos, por exemplo 01310-100)."),
        (UNAVAILABLE_CEP, 503, pt("We could not look up the CEP right now. Please type the address.")),
    ],
)
def test_the_view_explains_what_it_cannot_fill(client, cep, status, message):
    assert lookup(client, cep) == (status, {"message": message})


def test_the_view_says_an_unknown_cep_is_unknown(client, settings):
    settings.STORE_ADDRESS_LOOKUP = "tests.accounts.test_address_lookup.NothingKnown"
    assert lookup(client, "01310-100") == (
        404,
        {"message": pt("We do not know this CEP. Check it, or type the address.")},
    )


class NothingKnown:
    def lookup(self, *, cep):
        raise CepNotFound()
