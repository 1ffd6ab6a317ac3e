from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from storefront.catalog.barcodes import gtin_check_digit, validate_ean
from storefront.catalog.models import AttributeValue, Product, ProductRelation, Variant
from tests.catalog.factories import (
    AttributeFactory,
    CategoryFactory,
    ProductFactory,
    VariantFactory,
    product_with_variants,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def create_variant(**fields) -> Variant:
    """Write a variant row directly, as a bug or a raw import would, past every form and service."""
    fields.setdefault("product", ProductFactory(variant=None))
    fields.setdefault("sku", f"RAW-{Variant.objects.count()}")
    fields.setdefault("price", Decimal("10.00"))
    with transaction.atomic():
        return Variant.objects.create(**fields)


# EAN


@pytest.mark.parametrize(
    "ean",
    [
        pytest.param("4006381333931", id="EAN-13"),
        pytest.param("7891000053508", id="Brazilian EAN-13"),
        pytest.param("73513537", id="EAN-8"),
        pytest.param("10012345000017", id="GTIN-14"),
    ],
)
def test_a_valid_ean_passes(ean):
    # given a barcode whose last digit is its GS1 check digit
    # when / then
    validate_ean(ean)


def test_the_check_digit_follows_gs1_weights():
    # given the data digits of the EAN-13 4006381333931
    # when
    digit = gtin_check_digit("400638133393")
    # then
    assert digit == 1


def test_an_ean_with_a_wrong_check_digit_is_refused():
    # given a valid EAN-13 with its last digit changed
    # when
    with pytest.raises(ValidationError) as error:
        validate_ean("4006381333932")
    # then
    assert error.value.messages == ["This EAN's check digit is wrong."]
    assert error.value.code == "ean_check_digit"


@pytest.mark.parametrize(
    "ean",
    [
        pytest.param("40063813339A1", id="letters"),
        pytest.param("400638133393", id="12 digits"),
        pytest.param("1234567", id="7 digits"),
        pytest.param("4006 381333931", id="space"),
        pytest.param("", id="empty"),
    ],
)
def test_an_ean_that_is_not_8_13_or_14_digits_is_refused(ean):
    # given / when
    with pytest.raises(ValidationError) as error:
        validate_ean(ean)
    # then
    assert error.value.messages == ["An EAN has 8, 13 or 14 digits."]
    assert error.value.code == "ean_format"


def test_an_ean_with_non_ascii_digits_is_refused_with_the_format_message():
    # given an 8-character value whose last character is a superscript two
    ean = "7351353²"
    # when
    with pytest.raises(ValidationError) as error:
        validate_ean(ean)
    # then
    assert error.value.messages == ["An EAN has 8, 13 or 14 digits."]


# Variant constraints


def test_a_variant_price_of_zero_is_refused_by_the_database():
    # given / when / then
    with pytest.raises(IntegrityError, match="variant_price_positive"):
        create_variant(price=Decimal("0.00"))


def test_a_compare_at_price_equal_to_the_price_is_refused_by_the_database():
    # given / when / then
    with pytest.raises(IntegrityError, match="variant_compare_at_above_price"):
        create_variant(price=Decimal("50.00"), compare_at_price=Decimal("50.00"))


def test_a_compare_at_price_above_the_price_is_stored():
    # given / when
    variant = create_variant(price=Decimal("50.00"), compare_at_price=Decimal("59.90"))
    # then
    assert Variant.objects.get(pk=variant.pk).compare_at_price == Decimal("59.90")


def test_a_negative_cost_price_is_refused_by_the_database():
    # given / when / then
    with pytest.raises(IntegrityError, match="variant_cost_not_negative"):
        create_variant(cost_price=Decimal("-1.00"))


def test_two_variants_cannot_share_an_ean():
    # given
    create_variant(ean="4006381333931")
    # when / then
    with pytest.raises(IntegrityError):
        create_variant(ean="4006381333931")


def test_many_variants_may_have_no_ean():
    # given / when
    create_variant(ean="")
    create_variant(ean="")
    # then
    assert Variant.objects.filter(ean="").count() == 2


def test_two_variants_cannot_share_a_sku():
    # given
    create_variant(sku="CAM-P-AZUL")
    # when / then
    with pytest.raises(IntegrityError):
        create_variant(sku="CAM-P-AZUL")


def test_full_clean_refuses_a_zero_price_on_the_field():
    # given
    variant = VariantFactory.build(price=Decimal("0.00"))
    # when
    with pytest.raises(ValidationError) as error:
        variant.full_clean(exclude=["product"])
    # then
    assert error.value.message_dict["price"] == ["Ensure this value is greater than or equal to 0.01."]


def test_full_clean_refuses_a_bad_ean_on_the_field():
    # given
    variant = VariantFactory.build(ean="4006381333932")
    # when
    with pytest.raises(ValidationError) as error:
        variant.full_clean(exclude=["product"])
    # then
    assert error.value.message_dict["ean"] == ["This EAN's check digit is wrong."]


# Other constraints


def test_an_attribute_cannot_have_two_values_with_the_same_slug():
    # given
    size = AttributeFactory()
    AttributeValue.objects.create(attribute=size, value="P", slug="p")
    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        AttributeValue.objects.create(attribute=size, value="Pequeno", slug="p")


def test_a_product_cannot_be_related_to_itself():
    # given
    product = ProductFactory(variant=None)
    # when / then
    with pytest.raises(IntegrityError, match="product_relation_not_self"), transaction.atomic():
        ProductRelation.objects.create(
            product=product, related=product, kind=ProductRelation.Kind.SAME_CATEGORY
        )


def test_a_product_is_related_to_another_only_once():
    # given
    product, other = ProductFactory(variant=None), ProductFactory(variant=None)
    ProductRelation.objects.create(product=product, related=other, kind=ProductRelation.Kind.SAME_CATEGORY)
    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        ProductRelation.objects.create(
            product=product, related=other, kind=ProductRelation.Kind.BOUGHT_TOGETHER
        )


def test_a_product_slug_is_unique():
    # given
    ProductFactory(slug="camiseta-basica", variant=None)
    # when / then
    with pytest.raises(ValidationError) as error:
        ProductFactory(slug="camiseta-basica", variant=None)
    assert error.value.message_dict["slug"] == ["Product with this Slug already exists."]


# Properties


def test_ancestor_ids_list_the_path_from_the_root():
    # given
    root = CategoryFactory()
    middle = CategoryFactory(parent=root)
    leaf = CategoryFactory(parent=middle)
    # when / then
    assert leaf.ancestor_ids == [root.pk, middle.pk]


def test_a_root_category_has_no_ancestors():
    # given / when / then
    assert CategoryFactory().ancestor_ids == []


def test_discount_percent_compares_the_lowest_price_with_its_old_price():
    # given
    product = product_with_variants({"price": Decimal("75.00"), "compare_at_price": Decimal("100.00")})
    # when / then
    assert product.discount_percent == 25


def test_discount_percent_rounds_down():
    # given 1 - 66.67/100 = 33.33%
    product = product_with_variants({"price": Decimal("66.67"), "compare_at_price": Decimal("100.00")})
    # when / then
    assert product.discount_percent == 33


def test_there_is_no_discount_without_an_old_price():
    # given / when / then
    assert ProductFactory(price=Decimal("75.00")).discount_percent is None


def test_a_variant_is_available_when_active_with_online_stock():
    # given / when / then
    assert VariantFactory.build(stock=1).is_available is True


@pytest.mark.parametrize(
    ("is_active", "stock"), [pytest.param(True, 0, id="no stock"), pytest.param(False, 5, id="inactive")]
)
def test_a_variant_is_unavailable_when_inactive_or_out_of_stock(is_active, stock):
    # given / when / then
    assert VariantFactory.build(is_active=is_active, stock=stock).is_available is False


def test_published_lists_only_published_products():
    # given
    shown = ProductFactory(variant=None)
    ProductFactory(variant=None, is_published=False)
    # when / then
    assert list(Product.objects.published()) == [shown]


def test_urls_use_the_slugs():
    # given
    product = ProductFactory(slug="camiseta-basica", category=CategoryFactory(slug="roupas"), variant=None)
    # when / then
    assert product.get_absolute_url() == "/p/camiseta-basica/"
    assert product.category.get_absolute_url() == "/c/roupas/"


def test_names_are_readable():
    # given
    size = AttributeFactory(name="Tamanho", slug="tamanho")
    value = AttributeValue.objects.create(attribute=size, value="GG", slug="gg")
    variant = VariantFactory(sku="CAM-GG")
    # when / then
    assert str(value) == "Tamanho: GG"
    assert str(variant) == "CAM-GG"
    assert str(variant.product) == variant.product.name
