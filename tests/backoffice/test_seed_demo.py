import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Exists, OuterRef

from backoffice import demo_data
from backoffice.demo_data import MAX_VARIANTS
from backoffice.management.commands.seed_demo import IMAGE_POOL
from backoffice.roles import Role
from inventory.models import Bin, StockMovement
from storefront.accounts.models import User
from storefront.catalog.barcodes import validate_ean
from storefront.catalog.models import (
    AttributeValue,
    Brand,
    Category,
    PricePolicy,
    Product,
    ProductImage,
    Variant,
)
from storefront.promotions.models import Voucher

pytestmark = pytest.mark.django_db

BENCH = {"slug__startswith": "bench-"}


def seed(*args: str) -> str:
    output = StringIO()
    call_command("seed_demo", *args, stdout=output, stderr=StringIO())
    return output.getvalue()


def catalog_counts() -> dict[str, int]:
    return {
        "categories": Category.objects.count(),
        "brands": Brand.objects.count(),
        "attribute values": AttributeValue.objects.count(),
        "products": Product.objects.count(),
        "variants": Variant.objects.count(),
        "variant values": Variant.attribute_values.through.objects.count(),
        "images": ProductImage.objects.count(),
        "users": User.objects.count(),
        "vouchers": Voucher.objects.count(),
        "bins": Bin.objects.count(),
        "stock movements": StockMovement.objects.count(),
        "price policies": PricePolicy.objects.count(),
    }


def test_seed_demo_builds_a_believable_store(settings):
    # given
    settings.DEBUG = True
    # when
    seed()
    # then: a two-level category tree with every product on a leaf
    roots = Category.objects.filter(parent=None)
    assert set(roots.values_list("slug", flat=True)) == {"roupas", "eletronicos", "casa", "beleza"}
    assert not roots.annotate(leaves=Count("children")).filter(leaves__lt=2).exists()
    assert set(Product.objects.values_list("category__depth", flat=True)) == {1}
    # clothes carry a size guide, and shoes one of their own
    assert "Busto/tórax" in Category.objects.get(slug="roupas").size_guide
    assert "Comprimento do pé" in Category.objects.get(slug="calcados").size_guide
    assert Brand.objects.count() >= 10
    # and a few hundred published products, each with variants, pictures and listing data
    products = Product.objects.published().annotate(variant_count=Count("variants", distinct=True))
    assert products.count() >= 250
    assert not products.filter(variant_count=0).exists()
    assert not products.filter(variant_count__gt=MAX_VARIANTS).exists()
    image_counts = set(
        products.annotate(image_count=Count("images", distinct=True)).values_list("image_count", flat=True)
    )
    assert image_counts == {1, 2, 3}
    assert not products.filter(price_from__isnull=True).exists()
    assert not products.filter(main_image__isnull=True).exists()
    assert not products.filter(search_text="").exists()
    assert products.filter(is_featured=True).exists()
    # and some of them sold out
    assert products.filter(in_stock=False).exists()
    assert products.filter(in_stock=True).count() > 5 * products.filter(in_stock=False).count()
    # and variants a shop could sell: barcodes, prices, costs, weights, attributes
    variants = Variant.objects.all()
    for ean in variants.values_list("ean", flat=True):
        validate_ean(ean)
    assert variants.filter(compare_at_price__isnull=False).exists()
    assert not variants.filter(cost_price__isnull=True).exists()
    assert not variants.filter(weight_grams=0).exists()
    assert 0.03 < variants.filter(stock_online=0).count() / variants.count() < 0.25
    assert variants.filter(attribute_values__attribute__slug="voltagem").exists()
    assert variants.filter(attribute_values__attribute__slug="tamanho").exists()


def test_seed_demo_runs_twice_without_creating_anything_twice(settings):
    settings.DEBUG = True
    seed()
    counts = catalog_counts()
    output = seed()
    assert catalog_counts() == counts
    assert "300 products (0 new)" in output
    assert re.search(r"Manager +gerente@loja\.example +\(already there, password unchanged\)", output)
    manager = User.objects.get(email="gerente@loja.example")
    assert manager.is_staff
    assert manager.groups.filter(name=Role.MANAGER).exists()


# The staff logins are the same whatever the catalog; a one-product catalog keeps these quick.


def test_seed_demo_uses_the_demo_password_only_in_debug_mode(settings):
    settings.DEBUG = True
    output = seed("--products", "1")
    assert re.search(r"Manager +gerente@loja\.example +loja-demo-2026", output)


def test_seed_demo_outside_debug_mode_gives_staff_a_random_password(settings):
    settings.DEBUG = False
    seed("--products", "1")
    manager = User.objects.get(email="gerente@loja.example")
    assert not manager.check_password("loja-demo-2026")


def test_bulk_mode_builds_a_benchmark_catalog_ready_for_listings():
    # when
    output = seed("--products", "300")
    # then
    products = Product.objects.filter(**BENCH)
    assert products.count() == 300
    assert "300 products, 300 new" in output
    assert products.filter(is_published=True, published_at__isnull=False).count() == 300
    assert not products.filter(price_from__isnull=True).exists()
    assert not products.filter(main_image__isnull=True).exists()
    assert not products.filter(search_text="").exists()
    assert set(products.values_list("category__depth", flat=True)) == {1}
    sellable = Variant.objects.filter(product=OuterRef("pk"), is_active=True, stock_online__gt=0)
    assert not products.exclude(in_stock=Exists(sellable)).exists()
    assert products.filter(in_stock=True).exists()
    assert products.filter(in_stock=False).exists()


def test_bulk_mode_shares_a_small_pool_of_pictures_with_thumbnails():
    seed("--products", "300")
    images = ProductImage.objects.filter(product__slug__startswith="bench-")
    assert images.values("product").distinct().count() == 300
    assert IMAGE_POOL <= images.values("image").distinct().count() < IMAGE_POOL + 3
    assert not images.filter(thumbnails={}).exists()


def test_bulk_mode_runs_twice_without_adding_anything():
    seed("--products", "300")
    counts = catalog_counts()
    output = seed("--products", "300")
    assert catalog_counts() == counts
    assert "300 products, 0 new, 300 already there" in output


def test_bulk_mode_adds_only_the_missing_products():
    seed("--products", "120")
    seed("--products", "150")
    assert Product.objects.filter(**BENCH).count() == 150
    assert Product.objects.filter(**BENCH).order_by("-slug").first().slug == "bench-000150"


def test_bulk_mode_refuses_a_count_out_of_range():
    with pytest.raises(CommandError, match="--products must be between 1 and 999999"):
        seed("--products", "0")
    assert not Product.objects.exists()


def test_demo_stock_goes_through_the_inventory_ledger():
    from django.db.models import Sum

    from inventory.models import StockLevel
    from storefront.catalog.models import Variant

    call_command("seed_demo", "--products", "30", stdout=StringIO())

    output = StringIO()
    call_command("check_stock", stdout=output, stderr=StringIO())
    assert "agree with the ledger" in output.getvalue()
    for level in StockLevel.objects.select_related("variant", "warehouse"):
        assert level.movements.aggregate(total=Sum("on_hand_change"))["total"] == level.on_hand
        assert level.warehouse.sells_online
        assert level.variant.stock_online == level.on_hand
    assert not Variant.objects.filter(stock_online__gt=0, stock_levels__isnull=True).exists()


def test_the_demo_store_quotes_delivery_everywhere():
    from decimal import Decimal as D

    from logistics.selectors import Parcel, shipping_quote

    call_command("seed_demo", "--products", "1", stdout=StringIO())
    call_command("seed_demo", "--products", "1", stdout=StringIO())  # rates are replaced, not doubled
    assert [o.code for o in shipping_quote(cep="01310-100", parcel=Parcel(500, D("1000")))] == [
        "pac",
        "rapida",
        "sedex",
    ]
    assert len(shipping_quote(cep="69005-070", parcel=Parcel(500, D("1000")))) == 3


def test_the_demo_store_has_vouchers_to_try():
    call_command("seed_demo", "--products", "1", stdout=StringIO())
    welcome = Voucher.objects.get(code="BEMVINDO10")
    assert (welcome.kind, welcome.value, welcome.max_uses_per_customer) == ("percentage", 10, 1)
    assert Voucher.objects.filter(kind="free_shipping", min_order__gt=0).exists()


def test_the_demo_store_has_stock_work_to_show():
    from inventory.models import Bin, PurchaseOrder, ReorderRule

    call_command("seed_demo", "--products", "10", stdout=StringIO())
    call_command("seed_demo", "--products", "10", stdout=StringIO())
    # a bin per category and level, and the default bin; seeding twice adds none
    assert Bin.objects.filter(warehouse__sells_online=True).count() == len(demo_data.demo_bins()) + 1
    assert ReorderRule.objects.count() == 6
    assert PurchaseOrder.objects.get().lines.count() == 3


def test_the_demo_store_has_lost_carts_to_call():
    from orders.models import RecoveryOpportunity

    call_command("seed_demo", "--products", "10", stdout=StringIO())
    call_command("seed_demo", "--products", "10", stdout=StringIO())
    lost = RecoveryOpportunity.objects.order_by("lost_at")
    assert [opportunity.email for opportunity in lost] == [
        "juliana.ramos@example.com.br",
        "carlos.pereira@example.com.br",
        "marina.costa@example.com.br",
    ]
    assert all(opportunity.phone and opportunity.lines and opportunity.value for opportunity in lost)
