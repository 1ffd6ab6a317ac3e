from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from backoffice.roles import Role
from core.cep import is_capital_cep
from logistics.exceptions import RateFileInvalid
from logistics.models import CarrierService, ShippingRate
from logistics.selectors import Parcel, shipping_quote
from logistics.services import RateRow, carrier_service_set_rates, shipping_rates_import
from logistics.services.rates import RATE_COLUMNS

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("admin:logistics_carrierservice_import_rates")
FIELDS = ("state", "area", "cep_start", "cep_end", "max_weight_grams", "price", "days")
OLD_TABLE = [("", "", "", "", 1000, D("29.90"), 9)]
SP_CAPITAL = ("SP", "capital", "", "", 2000, D("14.90"), 3)
CEP_RANGE = ("", "", "01310000", "01310999", 500, D("9.90"), 2)
COLUMNS_ERROR = "The columns are: service, state, area, cep_start, cep_end, max_weight_grams, price, days."
WHOLE_NUMBERS = "weight and days are whole numbers, price a number like 19.90"
NOT_NEGATIVE = "weight from 1 g to 1 t, days from 0 to 365, price up to 99999.99 with two decimals at most"
BOTH_ENDS = "a CEP range needs both ends, 8 digits each"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def pac():
    rates = [RateRow(max_weight_grams=1000, price=D("29.90"), days=9)]
    return carrier_service_set_rates(code="pac", carrier="Correios", name="PAC", position=1, rates=rates)


def service(code, *, position=1, **fields):
    return CarrierService.objects.create(code=code, carrier="C", name=code, position=position, **fields)


def rate(service, grams, price, days=5, **where):
    ShippingRate.objects.create(service=service, max_weight_grams=grams, price=D(price), days=days, **where)


def quote(cep, grams, volume="0"):
    return [(o.code, o.price) for o in shipping_quote(cep=cep, parcel=Parcel(grams, D(volume)))]


def table(code):
    return list(ShippingRate.objects.filter(service__code=code).order_by(*FIELDS).values_list(*FIELDS))


def rate_file(*lines):
    return "\n".join([",".join(RATE_COLUMNS), *lines]) + "\n"


@pytest.mark.parametrize(
    "cep, price",
    [
        ("01310-100", "9.90"),  # inside the CEP range
        ("01311-000", "14.90"),  # São Paulo capital, outside the range
        ("13010-000", "18.90"),  # Campinas, São Paulo interior
        ("20040-020", "21.90"),  # Rio capital, but RJ has a whole-state rate only
        ("69005-070", "32.90"),  # Manaus: no AM rate, every state
    ],
)
def test_the_rate_naming_the_destination_most_closely_wins(cep, price):
    # given
    pac = service("pac")
    rate(pac, 1000, "9.90", cep_start="01310000", cep_end="01310999")
    rate(pac, 1000, "14.90", state="SP", area="capital")
    rate(pac, 1000, "18.90", state="SP", area="interior")
    rate(pac, 1000, "16.90", state="SP")
    rate(pac, 1000, "21.90", state="RJ")
    rate(pac, 1000, "32.90")
    # when / then
    assert quote(cep, 800) == [("pac", D(price))]


CAPITALS = ["01310100", "20040020", "69005070", "69900000"]  # São Paulo, Rio, Manaus, Rio Branco
NOT_CAPITALS = ["13010000", "69151000", "0131010"]  # Campinas, Parintins (AM), too short


@pytest.mark.parametrize(
    "cep, capital", [*((cep, True) for cep in CAPITALS), *((cep, False) for cep in NOT_CAPITALS)]
)
def test_capitals_are_told_from_interiors_by_cep(cep, capital):
    assert is_capital_cep(cep) is capital


@pytest.mark.parametrize("grams, price", [(1000, "15.90"), (1001, "25.90"), (5000, "25.90")])
def test_the_lightest_band_the_parcel_fits_wins(grams, price):
    # given
    pac = service("pac")
    for max_grams, band_price in [(30000, "45.90"), (1000, "15.90"), (5000, "25.90")]:
        rate(pac, max_grams, band_price, state="SP")
    # when / then
    assert quote("01310-100", grams) == [("pac", D(price))]


def test_a_closer_destination_without_a_band_that_fits_does_not_fall_back_to_a_wider_one():
    # given: the CEP range is priced up to 1 kg only
    pac = service("pac")
    rate(pac, 1000, "9.90", cep_start="01310000", cep_end="01310999")
    rate(pac, 30000, "32.90")
    # when / then
    assert quote("01310-100", 5000) == []


@pytest.mark.parametrize(
    "grams, volume, price",
    [(500, "24000", "25.90"), (3000, "1000", "25.90"), (500, "5400", "15.90")],
    ids=["cubic-4kg", "real-3kg", "cubic-900g"],
)
def test_the_larger_of_real_and_cubic_weight_picks_the_band(grams, volume, price):
    # given: cubic weight is volume_cm3 * 1000 / 6000 grams
    pac = service("pac")
    rate(pac, 1000, "15.90")
    rate(pac, 5000, "25.90")
    # when / then
    assert quote("69005-070", grams, volume) == [("pac", D(price))]


def test_options_come_cheapest_first():
    # given
    for code, position, price in [("pac", 1, "29.90"), ("sedex", 2, "19.90"), ("rapida", 3, "24.90")]:
        rate(service(code, position=position), 1000, price)
    # when / then
    assert quote("69005-070", 500) == [("sedex", D("19.90")), ("rapida", D("24.90")), ("pac", D("29.90"))]


def test_inactive_services_are_not_offered():
    # given
    rate(service("pac"), 1000, "29.90")
    rate(service("old", is_active=False), 1000, "1.00")
    # when / then
    assert quote("69005-070", 500) == [("pac", D("29.90"))]


def test_setting_rates_of_a_known_service_updates_it_and_replaces_its_table(pac):
    # given
    rows = [
        RateRow(max_weight_grams=2000, price=D("14.90"), days=3, state="SP", area="capital"),
        RateRow(max_weight_grams=500, price=D("9.90"), days=2, cep_start="01310000", cep_end="01310999"),
    ]
    # when
    carrier_service_set_rates(code="pac", carrier="Correios", name="PAC Mini", position=4, rates=rows)
    # then
    assert CarrierService.objects.values_list("code", "name", "position").get() == ("pac", "PAC Mini", 4)
    assert table("pac") == [CEP_RANGE, SP_CAPITAL]


def test_import_replaces_the_tables_of_the_services_it_names_only(pac):
    # given
    rate(service("sedex", position=2), 1000, "59.90", days=3)
    # when
    imported = shipping_rates_import(content=rate_file("pac,SP,capital,,,2000,14.90,3", "pac,,,,,30000,99,9"))
    # then
    assert imported == {"pac": 2}
    assert table("pac") == [("", "", "", "", 30000, D("99.00"), 9), SP_CAPITAL]
    assert table("sedex") == [("", "", "", "", 1000, D("59.90"), 3)]


def test_import_reads_what_spreadsheets_write(pac):
    # given: a byte order mark, a decimal comma, spaces, capitals and dashed CEPs
    content = "\ufeff" + rate_file(
        ' pac , sp , Capital ,,, 2000 ,"14,90", 3 ', "pac,,,01310-000,01310-999,500,9.9,2"
    )
    # when
    shipping_rates_import(content=content)
    # then
    assert table("pac") == [CEP_RANGE, SP_CAPITAL]


def test_import_reads_semicolon_separated_files_with_decimal_commas(pac):
    # given: what a spreadsheet set to Portuguese saves
    content = (
        "service;state;area;cep_start;cep_end;max_weight_grams;price;days\npac;SP;capital;;;2000;14,90;3\n"
    )
    # when
    shipping_rates_import(content=content)
    # then
    assert table("pac") == [SP_CAPITAL]


@pytest.mark.parametrize(
    "line, error",
    [
        ("ups,SP,,,,1000,10.00,3", "unknown service “ups”"),
        ("pac,XX,,,,1000,10.00,3", "unknown state “XX”"),
        ("pac,SP,metro,,,1000,10.00,3", "area is capital, interior or blank"),
        ("pac,,capital,,,1000,10.00,3", "capital or interior needs a state"),
        ("pac,,,01310000,,1000,10.00,3", BOTH_ENDS),
        ("pac,,,0131000,01310999,1000,10.00,3", BOTH_ENDS),
        ("pac,,,01310999,01310000,1000,10.00,3", "the CEP range ends before it starts"),
        ("pac,SP,,,,1kg,10.00,3", WHOLE_NUMBERS),
        ("pac,SP,,,,1000,R$ 10,3", WHOLE_NUMBERS),
        ("pac,SP,,,,1000,10.00,3.5", WHOLE_NUMBERS),
        ("pac,SP,,,,1000,NaN,3", WHOLE_NUMBERS),
        ("pac,SP,,,,1000,Infinity,3", WHOLE_NUMBERS),
        ("pac,SP,,,,1000,1e30,3", WHOLE_NUMBERS),
        ("pac,SP,,,,0,10.00,3", NOT_NEGATIVE),
        ("pac,SP,,,,1000,-1.00,3", NOT_NEGATIVE),
        ("pac,SP,,,,1000,10.999,3", NOT_NEGATIVE),
        ("pac,SP,,,,1000,100000.00,3", NOT_NEGATIVE),
        ("pac,SP,,,,1000,10.00,366", NOT_NEGATIVE),
        ("pac,SP,,,,2000000,10.00,3", NOT_NEGATIVE),
    ],
)
def test_a_bad_line_refuses_the_file_and_changes_nothing(pac, line, error):
    # when
    with pytest.raises(RateFileInvalid) as invalid:
        shipping_rates_import(content=rate_file("pac,SP,,,,2000,19.90,4", line))
    # then
    assert invalid.value.errors == [f"Line 3: {error}."]
    assert table("pac") == OLD_TABLE


def test_every_bad_line_is_listed_by_its_line_number_in_the_file(pac):
    # given: a good line, a bad one, a blank line, a repeated destination and weight, a bad one
    lines = [
        "pac,SP,,,,1000,10.00,3",
        "pac,XX,,,,1000,10.00,3",
        "",
        "pac,sp,,,,1000,12,4",
        "pac,,,,,1000,-1,3",
    ]
    # when
    with pytest.raises(RateFileInvalid) as invalid:
        shipping_rates_import(content=rate_file(*lines))
    # then
    assert invalid.value.errors == [
        "Line 3: unknown state “XX”.",
        "Line 5: the same destination and weight appear twice.",
        f"Line 6: {NOT_NEGATIVE}.",
    ]
    assert table("pac") == OLD_TABLE


@pytest.mark.parametrize(
    "content, error",
    [
        ("service,state,area,max_weight_grams,price,days\npac,SP,,1000,10.00,3\n", COLUMNS_ERROR),
        ("", COLUMNS_ERROR),
        (rate_file(), "The file has no rates."),
    ],
    ids=["missing-columns", "empty", "header-only"],
)
def test_a_file_without_the_columns_or_any_rate_is_refused(pac, content, error):
    with pytest.raises(RateFileInvalid) as invalid:
        shipping_rates_import(content=content)
    assert invalid.value.errors == [error]
    assert table("pac") == OLD_TABLE


def upload(client, content: bytes):
    file = SimpleUploadedFile("rates.csv", content, content_type="text/csv")
    return client.post(IMPORT_URL, {"file": file}, headers={"accept-language": "en"})


@pytest.fixture(params=["superuser", Role.MANAGER])
def rates_admin(request, admin_client, staff_client):
    return admin_client if request.param == "superuser" else staff_client(request.param)


def test_a_rates_admin_imports_a_good_file(pac, rates_admin):
    # when
    response = upload(rates_admin, rate_file("pac,SP,capital,,,2000,14.90,3").encode())
    # then
    assert response.status_code == 302
    assert response.url == reverse("admin:logistics_carrierservice_changelist")
    assert table("pac") == [SP_CAPITAL]


def test_a_bad_file_shows_its_errors_and_changes_nothing(pac, admin_client):
    # when
    response = upload(admin_client, rate_file("ups,SP,,,,1000,10.00,3", "pac,XX,,,,1000,10.00,3").encode())
    # then
    assert response.status_code == 200
    assert response.context["errors"] == ["Line 2: unknown service “ups”.", "Line 3: unknown state “XX”."]
    assert "Line 3: unknown state “XX”." in response.content.decode()
    assert table("pac") == OLD_TABLE


def test_a_file_not_in_utf8_is_refused_by_the_form(pac, admin_client):
    # when
    response = upload(
        admin_client, rate_file("pac,SP,,,,1000,10.00,3", "pac,PR,,,,1,São,3").encode("latin-1")
    )
    # then
    assert response.status_code == 200
    assert response.context["form"].errors == {"file": ["Save the file as CSV in UTF-8."]}
    assert table("pac") == OLD_TABLE


def test_a_file_with_a_nul_in_a_cell_is_refused_by_the_form(pac, admin_client):
    # when
    response = upload(admin_client, rate_file("pac,SP,,,,1000,10.00,3", "pac\x00,PR,,,,1,5.00,3").encode())
    # then
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "file": ["Line 3: it holds characters the store cannot accept, such as a NUL byte."]
    }
    assert table("pac") == OLD_TABLE


@pytest.mark.parametrize("role", [Role.WAREHOUSE, Role.SHIPPING])
def test_staff_who_may_not_change_rates_are_forbidden(pac, staff_client, role):
    # when
    response = upload(staff_client(role), rate_file("pac,SP,capital,,,2000,14.90,3").encode())
    # then
    assert response.status_code == 403
    assert table("pac") == OLD_TABLE
