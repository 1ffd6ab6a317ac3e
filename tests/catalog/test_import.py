import csv
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import translation

from storefront.catalog.exceptions import CatalogRowRejected
from storefront.catalog.importing import catalog_parse, parse_decimal
from storefront.catalog.models import Attribute, AttributeValue, Brand, Product, Variant
from storefront.catalog.services import (
    catalog_import,
    category_upsert,
    product_upsert,
    variant_save,
)

pytestmark = pytest.mark.django_db

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "catalog.csv"
HEADER = (
    "product_slug,product_name,category_slug,brand_slug,brand_name,description,is_published,"
    "is_featured,sku,ean,price,compare_at_price,cost_price,weight_grams,length_cm,width_cm,"
    "height_cm,attributes,is_active"
)
GOOD_ROWS = [
    "camiseta-basica,Camiseta básica,roupas,malha-brasil,Malha Brasil,"
    '"<p>Algodão <strong>macio</strong></p><script>alert(1)</script>",sim,não,'
    'CAM-P,7891000000014,59.90,79.90,22.00,170,"30,0",25,2,Tamanho=P;Cor=Azul,sim',
    # Later rows of a product may leave its product-level cells empty.
    'camiseta-basica,,,,,,,,CAM-M,7891000000021,"1.234,56","1.299,00",,180,30,25,2,Tamanho=M;Cor=azul,1',
    "fone-bluetooth,Fone Bluetooth,eletronicos,,,,0,1,FONE-1,,599,,,250,18.5,15,8,,0",
]


def csv_file(
    tmp_path: Path, *rows: str, header: str = HEADER, delimiter: str = ",", bom: bool = False
) -> Path:
    """A catalog file from comma-separated lines, rewritten as a spreadsheet would save it
    with another `delimiter` (quoting the cells that hold it) if asked."""
    text = "\r\n".join([header, *rows]) + "\r\n"
    if delimiter != ",":
        output = StringIO()
        csv.writer(output, delimiter=delimiter).writerows(csv.reader(StringIO(text, newline="")))
        text = output.getvalue()
    path = tmp_path / "catalog.csv"
    path.write_text(text, encoding="utf-8-sig" if bom else "utf-8", newline="")
    return path


def run_import(path: Path, *options: str, language: str = "en") -> str:
    output = StringIO()
    call_command(
        "import_catalog", str(path), "--language", language, *options, stdout=output, stderr=StringIO()
    )
    return output.getvalue()


def import_report(path: Path, *, language: str = "en") -> list[str]:
    with pytest.raises(CommandError) as error:
        run_import(path, language=language)
    return str(error.value).splitlines()


@pytest.fixture
def categories():
    return {
        slug: category_upsert(slug=slug, name=name)
        for slug, name in [
            ("roupas", "Roupas"),
            ("eletronicos", "Eletrônicos"),
            ("casa", "Casa"),
            ("beleza", "Beleza"),
        ]
    }


def catalog_state() -> dict[str, list]:
    """Every catalog row the import may write, with its last change."""
    return {
        "products": list(Product.objects.order_by("pk").values_list("slug", "updated_at")),
        "variants": list(Variant.objects.order_by("pk").values_list("sku", "position", "updated_at")),
        "brands": list(Brand.objects.order_by("pk").values_list("slug", "name", "updated_at")),
        "attributes": list(Attribute.objects.order_by("pk").values_list("slug", "name")),
        "values": list(AttributeValue.objects.order_by("pk").values_list("slug", "value", "updated_at")),
        "links": list(Variant.attribute_values.through.objects.order_by("pk").values_list("pk", flat=True)),
    }


def assert_nothing_written() -> None:
    assert not Product.objects.exists()
    assert not Variant.objects.exists()
    assert not Brand.objects.exists()
    assert not Attribute.objects.exists()


# Good files


def test_a_good_file_creates_products_variants_brands_and_attributes(tmp_path, categories):
    # when
    output = run_import(csv_file(tmp_path, *GOOD_ROWS))
    # then
    assert output.strip() == (
        "Import done. Rows: 3. Products created: 2, updated: 0. Variants created: 3, updated: 0."
    )
    shirt = Product.objects.select_related("brand", "category").get(slug="camiseta-basica")
    assert (shirt.name, shirt.category.slug, shirt.brand.name) == (
        "Camiseta básica",
        "roupas",
        "Malha Brasil",
    )
    assert shirt.description == "<p>Algodão <strong>macio</strong></p>"
    assert (shirt.is_published, shirt.is_featured) == (True, False)
    assert shirt.price_from == Decimal("59.90")
    small, medium = shirt.variants.order_by("position")
    assert (small.sku, small.position, medium.sku, medium.position) == ("CAM-P", 0, "CAM-M", 1)
    assert (small.ean, small.price, small.compare_at_price, small.cost_price) == (
        "7891000000014",
        Decimal("59.90"),
        Decimal("79.90"),
        Decimal("22.00"),
    )
    assert (medium.price, medium.compare_at_price, medium.cost_price) == (
        Decimal("1234.56"),
        Decimal("1299.00"),
        None,
    )
    assert (small.weight_grams, small.length_cm, small.width_cm, small.height_cm) == (
        170,
        Decimal("30.0"),
        Decimal("25.0"),
        Decimal("2.0"),
    )
    assert {str(value) for value in small.attribute_values.all()} == {"Tamanho: P", "Cor: Azul"}
    # "azul" is the value "Azul" already created on the row before, not a second one
    assert {str(value) for value in medium.attribute_values.all()} == {"Tamanho: M", "Cor: Azul"}
    assert AttributeValue.objects.filter(attribute__slug="cor").count() == 1
    headphones = Product.objects.get(slug="fone-bluetooth")
    assert (headphones.brand, headphones.is_published, headphones.is_featured) == (None, False, True)
    variant = headphones.variants.get()
    assert (variant.ean, variant.length_cm, variant.is_active) == ("", Decimal("18.5"), False)
    assert not variant.attribute_values.exists()


def test_a_semicolon_file_with_a_byte_order_mark_imports_the_same(tmp_path, categories):
    # given: what Brazilian Excel saves as "CSV UTF-8"
    path = csv_file(tmp_path, *GOOD_ROWS, delimiter=";", bom=True)
    assert path.read_bytes().startswith(b"\xef\xbb\xbfproduct_slug;product_name;")
    # when
    run_import(path)
    # then
    assert sorted(Variant.objects.values_list("sku", "price")) == [
        ("CAM-M", Decimal("1234.56")),
        ("CAM-P", Decimal("59.90")),
        ("FONE-1", Decimal("599.00")),
    ]
    assert Product.objects.get(slug="camiseta-basica").brand.slug == "malha-brasil"


def test_importing_the_same_file_again_changes_nothing(tmp_path, categories):
    # given
    path = csv_file(tmp_path, *GOOD_ROWS)
    run_import(path)
    before = catalog_state()
    # when
    output = run_import(path)
    # then
    assert catalog_state() == before
    assert output.strip() == (
        "Import done. Rows: 3. Products created: 0, updated: 0. Variants created: 0, updated: 0."
    )


def test_an_import_updates_changed_rows_and_keeps_columns_the_file_lacks(tmp_path, categories):
    # given
    run_import(csv_file(tmp_path, *GOOD_ROWS))
    # when: a file with the required columns only, a new price and a new variant
    output = run_import(
        csv_file(
            tmp_path,
            "camiseta-basica,Camiseta básica,roupas,CAM-P,49.90",
            "camiseta-basica,Camiseta básica,roupas,CAM-G,64.90",
            header="product_slug,product_name,category_slug,sku,price",
        )
    )
    # then
    assert output.strip() == (
        "Import done. Rows: 2. Products created: 0, updated: 0. Variants created: 1, updated: 1."
    )
    small = Variant.objects.get(sku="CAM-P")
    assert (small.price, small.ean, small.compare_at_price) == (
        Decimal("49.90"),
        "7891000000014",
        Decimal("79.90"),
    )
    assert small.attribute_values.count() == 2
    shirt = Product.objects.get(slug="camiseta-basica")
    assert shirt.brand.slug == "malha-brasil"
    assert shirt.description == "<p>Algodão <strong>macio</strong></p>"
    assert list(shirt.variants.order_by("position").values_list("sku", "position")) == [
        ("CAM-P", 0),
        ("CAM-M", 1),
        ("CAM-G", 2),
    ]
    assert shirt.price_from == Decimal("49.90")


def test_the_documented_example_imports_cleanly(categories):
    # when
    output = run_import(EXAMPLE)
    # then
    assert output.strip() == (
        "Import done. Rows: 10. Products created: 5, updated: 0. Variants created: 10, updated: 0."
    )
    assert Brand.objects.get(slug="sol-e-pele").name == "Sol & Pele"
    assert Variant.objects.get(sku="RIG-45MM").price == Decimal("1399.00")
    assert run_import(EXAMPLE).strip().endswith("Variants created: 0, updated: 0.")


def test_dry_run_checks_the_file_and_writes_nothing(tmp_path, categories):
    output = run_import(csv_file(tmp_path, *GOOD_ROWS), "--dry-run")
    assert output.strip() == "The file is valid. Rows: 3. Nothing was written (--dry-run)."
    assert_nothing_written()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1234.56", "1234.56"),
        ("1.234,56", "1234.56"),
        ("1234,56", "1234.56"),
        ("1,234.56", "1234.56"),
        ("R$ 1.234,56", "1234.56"),
        ("1.234.567", "1234567"),
        ("1.234", "1.234"),
        ("59", "59"),
        ("-5,00", "-5.00"),
    ],
)
def test_numbers_are_read_the_brazilian_and_the_english_way(text, expected):
    assert parse_decimal(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["abc", "1,2,3", "12.34.5", "1.234,5.6", "", "1e3"])
def test_what_is_not_a_number_is_refused(text):
    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            parse_decimal(text)
        assert error.value.messages == ["Enter a number such as 1234.56 or 1.234,56."]


# Bad files


def test_one_bad_row_writes_nothing_and_says_where_and_why(tmp_path, categories):
    # given: the middle row has a price that is not a number
    bad = GOOD_ROWS[1].replace('"1.234,56"', "doze reais")
    path = csv_file(tmp_path, GOOD_ROWS[0], bad, GOOD_ROWS[2])
    # when
    report = import_report(path)
    # then
    assert report == [
        "1 problem found; nothing was imported.",
        "Row 3, column price: Enter a number such as 1234.56 or 1.234,56.",
    ]
    assert_nothing_written()


def test_the_report_speaks_the_chosen_language(tmp_path, categories):
    # given: row 2 lacks its SKU
    path = csv_file(tmp_path, GOOD_ROWS[0].replace("CAM-P", ""))
    # when
    english = import_report(path, language="en")
    portuguese = import_report(path, language="pt-br")
    # then
    assert english[1] == "Row 2, column sku: This field is required."
    with translation.override("pt-br"):
        # The frame may not be translated yet; the reason is, by Django's own catalogue.
        expected = translation.gettext("Row %(row)s, column %(column)s: %(reason)s") % {
            "row": 2,
            "column": "sku",
            "reason": "Este campo é obrigatório.",
        }
    assert portuguese[1] == expected
    assert_nothing_written()


def test_every_bad_row_is_reported(tmp_path, categories):
    # given
    path = csv_file(
        tmp_path,
        GOOD_ROWS[0],
        # repeats row 2's SKU; a bad EAN; a negative price and compare-at price
        "camiseta-basica,,,,,,,,CAM-P,7891000000015,-5,-3,,180,30,25,2,Tamanho=M,sim",
        # another name and category for the same product; compare-at price below the price;
        # grams with letters; a malformed attribute list; neither yes nor no
        "camiseta-basica,Camisa,sapatos,,,,,,CAM-G,,10,9.99,,abc,30,25,2,Tamanho,talvez",
        # no product slug; too many decimals; the same attribute twice
        ",Outro,roupas,,,,,,OUT-1,,10.999,,,,,,,Cor=Azul;cor=Verde,sim",
        # an unknown category; a brand slug nobody knows; the EAN of row 2
        "chinelo,Chinelo,calcados,marca-x,,,,,CHI-1,7891000000014,19.90,,,,,,,,",
    )
    # when
    report = import_report(path)
    # then
    assert report == [
        "16 problems found; nothing was imported.",
        "Row 3, column sku: SKU CAM-P is repeated: it is already on row 2.",
        "Row 3, column ean: This EAN's check digit is wrong.",
        "Row 3, column price: Must be greater than zero.",
        "Row 3, column compare_at_price: Must be greater than zero.",
        "Row 4, column product_name: Differs from row 2 of the same product.",
        "Row 4, column category_slug: Differs from row 2 of the same product.",
        "Row 4, column compare_at_price: Must be above the price (10).",
        "Row 4, column weight_grams: Enter a whole number such as 1200.",
        "Row 4, column attributes: Write attributes as Name=Value pairs separated by semicolons, "
        "e.g. Tamanho=M;Cor=Azul.",
        "Row 4, column is_active: Enter sim or não (yes/no, true/false and 1/0 are also accepted).",
        "Row 5, column product_slug: This field is required.",
        "Row 5, column price: Use at most 2 decimal places.",
        "Row 5, column attributes: The attribute cor appears twice.",
        "Row 6, column category_slug: No category has the slug calcados.",
        "Row 6, column brand_slug: No brand has the slug marca-x; fill brand_name to create it.",
        "Row 6, column ean: EAN 7891000000014 is repeated: it is already on row 2.",
    ]
    assert_nothing_written()


def test_missing_columns_are_reported_once_not_on_every_row(tmp_path, categories):
    # given
    path = csv_file(
        tmp_path,
        "camiseta-basica,Camiseta básica,10",
        "camiseta-basica,Camiseta básica,12",
        header="product_slug,product_name,price,colour",
    )
    # when
    report = import_report(path)
    # then
    assert report == [
        "3 problems found; nothing was imported.",
        "Row 1, column category_slug: This required column is missing from the header.",
        "Row 1, column sku: This required column is missing from the header.",
        "Row 1, column colour: Unknown column.",
    ]


def test_a_sku_or_ean_of_another_product_is_refused(tmp_path, categories):
    # given
    other = product_upsert(slug="outro-produto", category=categories["roupas"], name="Outro produto")
    variant_save(variant=Variant(product=other, sku="CAM-P", price=Decimal("10.00")))
    variant_save(variant=Variant(product=other, sku="OUT-1", ean="7891000000021", price=Decimal("10.00")))
    before = catalog_state()
    # when
    report = import_report(csv_file(tmp_path, *GOOD_ROWS))
    # then
    assert report == [
        "2 problems found; nothing was imported.",
        "Row 2, column sku: SKU CAM-P already belongs to the product outro-produto.",
        "Row 3, column ean: EAN 7891000000021 already belongs to SKU OUT-1 (product outro-produto).",
    ]
    assert catalog_state() == before


def test_a_brand_gets_one_name_in_a_file(tmp_path, categories):
    path = csv_file(
        tmp_path,
        GOOD_ROWS[0],
        "bermuda,Bermuda,roupas,malha-brasil,Malha do Brasil,,,,BER-1,,89.90,,,,,,,,",
    )
    assert import_report(path)[1:] == [
        "Row 3, column brand_name: The brand malha-brasil has another name on row 2.",
    ]


def test_a_file_that_is_not_utf8_is_refused_whole(tmp_path, categories):
    path = tmp_path / "catalog.csv"
    path.write_bytes((HEADER + "\r\n" + GOOD_ROWS[0] + "\r\n").encode("cp1252"))
    assert import_report(path) == [
        "1 problem found; nothing was imported.",
        "The file is not UTF-8 text: save it as CSV UTF-8 and try again.",
    ]
    assert_nothing_written()


def test_a_file_with_a_nul_in_a_cell_is_refused_whole_naming_its_row(tmp_path, categories):
    path = tmp_path / "catalog.csv"
    path.write_bytes((HEADER + "\r\n" + GOOD_ROWS[0].replace(",", "\x00,", 1) + "\r\n").encode())
    report = import_report(path)
    assert report[0] == "1 problem found; nothing was imported."
    assert "it holds characters the store cannot accept, such as a NUL byte" in report[1]
    assert "2" in report[1]
    assert_nothing_written()


def test_a_failure_while_writing_rolls_back_the_whole_import(tmp_path, categories):
    # given: a file checked while its last SKU was free...
    parsed = catalog_parse(csv_file(tmp_path, *GOOD_ROWS).read_bytes())
    assert parsed.errors == []
    # ...and taken by another product before the write
    other = product_upsert(slug="outro-produto", category=categories["casa"], name="Outro produto")
    variant_save(variant=Variant(product=other, sku="FONE-1", price=Decimal("10.00")))
    # when
    with translation.override("en"), pytest.raises(CatalogRowRejected) as error:
        catalog_import(rows=parsed.rows)
    # then: the rows written before the failing one are gone too
    assert error.value.message == "Row 4: SKU FONE-1 already belongs to the product outro-produto."
    assert list(Product.objects.values_list("slug", flat=True)) == ["outro-produto"]
    assert list(Variant.objects.values_list("sku", flat=True)) == ["FONE-1"]
    assert not Brand.objects.exists()
    assert not AttributeValue.objects.exists()
