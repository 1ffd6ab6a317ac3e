from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from storefront.catalog.models import Attribute, Brand, Product, Variant
from storefront.catalog.services import (
    attribute_value_upsert,
    brand_upsert,
    category_upsert,
    product_upsert,
    variant_save,
)

pytestmark = pytest.mark.django_db

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "catalog.csv"
CATEGORIES = [("roupas", "Roupas"), ("eletronicos", "Eletrônicos"), ("casa", "Casa"), ("beleza", "Beleza")]


@pytest.fixture
def categories():
    return {slug: category_upsert(slug=slug, name=name) for slug, name in CATEGORIES}


def export(*options: str) -> str:
    output = StringIO()
    call_command("export_catalog", *options, "--language", "en", stdout=output, stderr=StringIO())
    return output.getvalue()


def run_import(path: Path) -> str:
    output = StringIO()
    call_command("import_catalog", str(path), "--language", "en", stdout=output, stderr=StringIO())
    return output.getvalue()


def wipe_products() -> None:
    Product.objects.all().delete()
    Brand.objects.all().delete()
    Attribute.objects.all().delete()


def test_export_writes_one_row_per_variant_in_the_import_format(categories):
    # given
    brand = brand_upsert(slug="malha-brasil", name="Malha Brasil")
    product = product_upsert(
        slug="camiseta-basica",
        category=categories["roupas"],
        name="Camiseta básica",
        brand=brand,
        description="<p>Algodão, <em>macio</em></p>",
        is_featured=True,
    )
    size = attribute_value_upsert(attribute_slug="tamanho", attribute_name="Tamanho", slug="p", value="P")
    colour = attribute_value_upsert(attribute_slug="cor", attribute_name="Cor", slug="azul", value="Azul")
    variant_save(
        variant=Variant(
            product=product,
            sku="CAM-P",
            ean="7891000000014",
            price=Decimal("1234.5"),
            compare_at_price=Decimal("1299"),
            weight_grams=170,
            length_cm=Decimal("30"),
        ),
        attribute_values=[size, colour],
    )
    variant_save(
        variant=Variant(product=product, sku="CAM-M", price=Decimal("59.90"), is_active=False, position=1)
    )
    # when
    output = export()
    # then
    assert output.splitlines() == [
        "product_slug,product_name,category_slug,brand_slug,brand_name,description,seo_title,"
        "seo_description,is_published,is_featured,sku,ean,price,compare_at_price,cost_price,"
        "weight_grams,length_cm,width_cm,height_cm,attributes,is_active",
        "camiseta-basica,Camiseta básica,roupas,malha-brasil,Malha Brasil,"
        '"<p>Algodão, <em>macio</em></p>",,,1,1,CAM-P,7891000000014,1234.50,1299.00,,170,30.0,0.0,0.0,'
        "Cor=Azul;Tamanho=P,1",
        "camiseta-basica,Camiseta básica,roupas,malha-brasil,Malha Brasil,"
        '"<p>Algodão, <em>macio</em></p>",,,1,1,CAM-M,,59.90,,,0,0.0,0.0,0.0,,0',
    ]


def test_export_then_import_gives_back_the_same_catalog(tmp_path, categories):
    # given: a catalog that came in through the documented example
    run_import(EXAMPLE)
    exported = tmp_path / "export.csv"
    call_command("export_catalog", str(exported), stdout=StringIO(), stderr=StringIO())
    # when: importing it over itself changes nothing...
    assert (
        run_import(exported)
        .strip()
        .endswith("Products created: 0, updated: 0. Variants created: 0, updated: 0.")
    )
    # ...and into an empty catalog brings everything back
    wipe_products()
    output = run_import(exported)
    # then
    assert "Products created: 5, updated: 0. Variants created: 10, updated: 0." in output
    again = tmp_path / "again.csv"
    call_command("export_catalog", str(again), stdout=StringIO(), stderr=StringIO())
    assert again.read_text(encoding="utf-8") == exported.read_text(encoding="utf-8")


def test_the_excel_flavour_round_trips_too(tmp_path, categories):
    # given
    run_import(EXAMPLE)
    exported = tmp_path / "excel.csv"
    # when
    output = StringIO()
    call_command(
        "export_catalog", str(exported), "--excel", "--language", "en", stdout=output, stderr=StringIO()
    )
    # then
    assert output.getvalue().strip() == f"Exported 10 variants to {exported}."
    content = exported.read_bytes()
    assert content.startswith(b"\xef\xbb\xbfproduct_slug;product_name;")
    assert b";1299,00;1499,00;820,00;" in content
    wipe_products()
    assert "Variants created: 10" in run_import(exported)
    assert Variant.objects.get(sku="RIG-41MM").price == Decimal("1299.00")


def test_export_runs_a_bounded_number_of_queries(categories, django_assert_max_num_queries):
    # given: 50 products of 2 variants, each with an attribute value
    brand = brand_upsert(slug="marca", name="Marca")
    sizes = [
        attribute_value_upsert(
            attribute_slug="tamanho", attribute_name="Tamanho", slug=slug, value=slug.upper()
        )
        for slug in ("p", "m")
    ]
    for number in range(50):
        product = product_upsert(
            slug=f"produto-{number}", category=categories["casa"], name=f"Produto {number}", brand=brand
        )
        for position, size in enumerate(sizes):
            variant_save(
                variant=Variant(product=product, sku=f"SKU-{number}-{position}", price=Decimal("10.00")),
                attribute_values=[size],
            )
    # when: the variants and, per chunk, their attribute values
    with django_assert_max_num_queries(2):
        output = export()
    # then
    assert len(output.splitlines()) == 101
    assert "produto-49,Produto 49,casa,marca,Marca" in output
