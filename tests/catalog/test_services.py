from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from storefront.catalog.cache import VERSION_KEY, catalog_version
from storefront.catalog.models import Attribute, Brand, Category, Product, ProductRelation, Variant
from storefront.catalog.services import (
    attribute_value_upsert,
    brand_upsert,
    category_save,
    category_upsert,
    product_refresh_summary,
    product_relations_refresh,
    product_relations_replace,
    product_save,
    product_upsert,
    products_set_published,
    relations,
    variant_delete,
    variant_save,
    variant_set_stock_online,
)
from storefront.catalog.tasks import product_relations_refresh as product_relations_refresh_task
from tests.catalog.factories import (
    AttributeValueFactory,
    BrandFactory,
    CategoryFactory,
    ProductFactory,
    VariantFactory,
    product_with_variants,
)

pytestmark = pytest.mark.django_db

SAME_CATEGORY = ProductRelation.Kind.SAME_CATEGORY
BOUGHT_TOGETHER = ProductRelation.Kind.BOUGHT_TOGETHER


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def new_product(**fields) -> Product:
    """An unsaved product in a saved category, for the services to save."""
    fields.setdefault("category", CategoryFactory())
    return ProductFactory.build(**fields)


def tree_of(category: Category) -> list[tuple[str, str, int]]:
    """(slug, path, depth) of a category and its subtree, as stored."""
    return list(
        Category.objects.filter(path__startswith=Category.objects.get(pk=category.pk).path)
        .order_by("depth")
        .values_list("slug", "path", "depth")
    )


# Categories


def test_category_save_gives_each_level_of_a_tree_its_path_and_depth():
    # given / when
    clothing = category_save(category=Category(name="Roupas", slug="roupas"))
    men = category_save(category=Category(name="Masculino", slug="masculino", parent=clothing))
    shirts = category_save(category=Category(name="Camisetas", slug="camisetas", parent=men))
    # then
    assert tree_of(clothing) == [
        ("roupas", f"/{clothing.pk}/", 0),
        ("masculino", f"/{clothing.pk}/{men.pk}/", 1),
        ("camisetas", f"/{clothing.pk}/{men.pk}/{shirts.pk}/", 2),
    ]


def test_moving_a_category_deeper_moves_its_whole_subtree():
    # given electronics > phones > smartphones > android, and clothing > men
    electronics = CategoryFactory(slug="eletronicos")
    phones = CategoryFactory(slug="telefones", parent=electronics)
    smartphones = CategoryFactory(slug="smartphones", parent=phones)
    android = CategoryFactory(slug="android", parent=smartphones)
    men = CategoryFactory(slug="masculino", parent=CategoryFactory(slug="roupas"))
    # when
    phones.parent = men
    category_save(category=phones)
    # then
    base = men.path
    assert tree_of(phones) == [
        ("telefones", f"{base}{phones.pk}/", 2),
        ("smartphones", f"{base}{phones.pk}/{smartphones.pk}/", 3),
        ("android", f"{base}{phones.pk}/{smartphones.pk}/{android.pk}/", 4),
    ]


def test_moving_a_category_to_the_root_moves_its_whole_subtree_up():
    # given
    electronics = CategoryFactory(slug="eletronicos")
    phones = CategoryFactory(slug="telefones", parent=electronics)
    smartphones = CategoryFactory(slug="smartphones", parent=phones)
    android = CategoryFactory(slug="android", parent=smartphones)
    # when
    smartphones.parent = None
    category_save(category=smartphones)
    # then
    assert tree_of(smartphones) == [
        ("smartphones", f"/{smartphones.pk}/", 0),
        ("android", f"/{smartphones.pk}/{android.pk}/", 1),
    ]


def test_moving_a_category_leaves_the_rest_of_the_tree_alone():
    # given
    electronics = CategoryFactory(slug="eletronicos")
    phones = CategoryFactory(slug="telefones", parent=electronics)
    tvs = CategoryFactory(slug="tvs", parent=electronics)
    clothing = CategoryFactory(slug="roupas")
    # when
    phones.parent = clothing
    category_save(category=phones)
    # then
    assert tree_of(electronics) == [
        ("eletronicos", f"/{electronics.pk}/", 0),
        ("tvs", f"/{electronics.pk}/{tvs.pk}/", 1),
    ]


def test_a_category_cannot_be_its_own_parent():
    # given
    clothing = CategoryFactory()
    # when
    clothing.parent = clothing
    with pytest.raises(ValidationError) as error:
        category_save(category=clothing)
    # then
    assert error.value.message_dict == {
        "parent": ["A category cannot sit under itself or one of its subcategories."]
    }
    assert Category.objects.get(pk=clothing.pk).parent_id is None


def test_a_category_cannot_move_under_one_of_its_descendants():
    # given
    clothing = CategoryFactory()
    men = CategoryFactory(parent=clothing)
    shirts = CategoryFactory(parent=men)
    # when
    clothing.parent = shirts
    with pytest.raises(ValidationError) as error:
        category_save(category=clothing)
    # then
    assert error.value.message_dict == {
        "parent": ["A category cannot sit under itself or one of its subcategories."]
    }
    assert tree_of(clothing)[0] == (clothing.slug, f"/{clothing.pk}/", 0)


def test_category_upsert_updates_the_category_with_that_slug():
    # given
    original = category_upsert(slug="roupas", name="Roupa")
    # when
    updated = category_upsert(slug="roupas", name="Roupas", position=3, icon="bag")
    # then
    assert updated.pk == original.pk
    assert Category.objects.values_list("name", "position", "icon").get(pk=original.pk) == (
        "Roupas",
        3,
        "bag",
    )


def test_renaming_a_category_refreshes_the_search_text_of_its_products():
    # given
    category = CategoryFactory(name="Roupas")
    product = ProductFactory(category=category, name="Camiseta")
    # when
    category.name = "Vestuário"
    category_save(category=category)
    # then
    assert Product.objects.get(pk=product.pk).search_text == "camiseta vestuario"


def test_saving_a_category_drops_the_cached_pages_after_commit(django_capture_on_commit_callbacks):
    # given
    before = catalog_version()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        category_save(category=Category(name="Roupas", slug="roupas"))
    # then
    assert catalog_version() == before + 1


# Brands and attributes


def test_brand_upsert_renames_the_brand_with_that_slug():
    # given
    brand_upsert(slug="aurora", name="Aurora")
    # when
    brand_upsert(slug="aurora", name="Aurora Têxtil")
    # then
    assert list(Brand.objects.values_list("slug", "name")) == [("aurora", "Aurora Têxtil")]


def test_attribute_value_upsert_creates_the_attribute_once():
    # given
    attribute_value_upsert(attribute_slug="tamanho", attribute_name="Tamanho", slug="p", value="P")
    # when
    medium = attribute_value_upsert(attribute_slug="tamanho", attribute_name="Tamanho", slug="m", value="M")
    # then
    assert Attribute.objects.get().slug == "tamanho"
    assert list(medium.attribute.values.values_list("slug", flat=True)) == ["m", "p"]


# Products


def test_product_save_removes_scripts_from_the_description():
    # given
    product = new_product(description="<p>Algodão</p><script>alert('x')</script>")
    # when
    product_save(product=product)
    # then
    assert Product.objects.get(pk=product.pk).description == "<p>Algodão</p>"


def test_product_save_keeps_the_formatting_staff_may_use():
    # given
    html = "<h3>Detalhes</h3><p><strong>100%</strong> <em>algodão</em></p><ul><li>Leve</li></ul>"
    product = new_product(description=html)
    # when
    product_save(product=product)
    # then
    assert Product.objects.get(pk=product.pk).description == html


def test_product_save_drops_event_handlers_styles_and_unknown_tags():
    # given
    product = new_product(
        description='<p onclick="steal()" style="color:red">Oi</p><iframe src="x"></iframe><img src=x>'
    )
    # when
    product_save(product=product)
    # then
    assert Product.objects.get(pk=product.pk).description == "<p>Oi</p>"


def test_product_save_marks_links_nofollow():
    # given
    product = new_product(description='<a href="https://example.com" target="_blank">guia</a>')
    # when
    product_save(product=product)
    # then
    assert (
        Product.objects.get(pk=product.pk).description
        == '<a href="https://example.com" rel="nofollow noopener">guia</a>'
    )


def test_product_save_stamps_the_first_publication():
    # given
    product = new_product(is_published=True)
    # when
    before = timezone.now()
    product_save(product=product)
    # then
    published_at = Product.objects.get(pk=product.pk).published_at
    assert before <= published_at <= timezone.now()


def test_product_save_leaves_a_draft_unstamped():
    # given
    product = new_product(is_published=False)
    # when
    product_save(product=product)
    # then
    assert Product.objects.get(pk=product.pk).published_at is None


def test_republishing_a_product_keeps_its_first_publication_date():
    # given a product published, then taken down
    product = ProductFactory(is_published=True)
    first = product.published_at
    product.is_published = False
    product_save(product=product)
    # when
    product.is_published = True
    product_save(product=product)
    # then
    assert Product.objects.get(pk=product.pk).published_at == first


def test_product_save_fills_the_search_text_without_accents():
    # given
    product = new_product(
        name="Calça Térmica", brand=BrandFactory(name="Açaí Sports"), category=CategoryFactory(name="Roupas")
    )
    # when
    product_save(product=product)
    # then
    assert Product.objects.get(pk=product.pk).search_text == "calca termica acai sports roupas"


def test_product_save_refuses_a_product_without_a_name_and_saves_nothing():
    # given
    product = new_product(name="")
    # when
    with pytest.raises(ValidationError) as error:
        product_save(product=product)
    # then
    assert error.value.message_dict == {"name": ["This field cannot be blank."]}
    assert not Product.objects.exists()


def test_saving_a_product_drops_the_cached_pages_after_commit(django_capture_on_commit_callbacks):
    # given
    product = ProductFactory()
    before = catalog_version()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        product.name = "Camiseta nova"
        product_save(product=product)
    # then
    assert catalog_version() == before + 1


def test_product_upsert_updates_the_product_with_that_slug():
    # given
    category = CategoryFactory()
    original = product_upsert(slug="camiseta", category=category, name="Camiseta")
    # when
    updated = product_upsert(slug="camiseta", category=category, name="Camiseta básica", is_featured=True)
    # then
    assert updated.pk == original.pk
    assert Product.objects.values_list("name", "is_featured").get() == ("Camiseta básica", True)


# Publishing in bulk


def test_products_set_published_publishes_and_counts_only_the_changed_ones():
    # given
    drafts = ProductFactory.create_batch(2, is_published=False)
    live = ProductFactory(is_published=True)
    # when
    changed = products_set_published(product_ids=[p.pk for p in [*drafts, live]], is_published=True)
    # then
    assert changed == 2
    assert Product.objects.filter(is_published=True).count() == 3


def test_products_set_published_stamps_the_first_publication():
    # given
    draft = ProductFactory(is_published=False)
    # when
    products_set_published(product_ids=[draft.pk], is_published=True)
    # then
    assert Product.objects.get(pk=draft.pk).published_at is not None


def test_products_set_published_keeps_an_earlier_publication_date():
    # given a product published before, now unpublished
    product = ProductFactory(is_published=True)
    first = product.published_at
    products_set_published(product_ids=[product.pk], is_published=False)
    # when
    products_set_published(product_ids=[product.pk], is_published=True)
    # then
    assert Product.objects.get(pk=product.pk).published_at == first


def test_products_set_published_unpublishes():
    # given
    products = ProductFactory.create_batch(2)
    # when
    changed = products_set_published(product_ids=[p.pk for p in products], is_published=False)
    # then
    assert changed == 2
    assert not Product.objects.published().exists()


def test_publishing_in_bulk_drops_the_cached_pages_after_commit(django_capture_on_commit_callbacks):
    # given
    draft = ProductFactory(is_published=False)
    before = catalog_version()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        products_set_published(product_ids=[draft.pk], is_published=True)
    # then
    assert catalog_version() == before + 1


def test_publishing_ids_from_an_iterator_stamps_the_publication():
    # given
    draft = ProductFactory(is_published=False)
    # when
    products_set_published(product_ids=iter([draft.pk]), is_published=True)
    # then
    assert Product.objects.get(pk=draft.pk).published_at is not None


# Price and availability summary


def test_price_from_is_the_lowest_active_variant_price():
    # given / when
    product = product_with_variants({"price": Decimal("129.90")}, {"price": Decimal("89.90")})
    # then
    assert product.price_from == Decimal("89.90")


def test_compare_at_from_is_the_old_price_of_the_cheapest_variant():
    # given / when
    product = product_with_variants(
        {"price": Decimal("129.90"), "compare_at_price": Decimal("199.90")},
        {"price": Decimal("89.90"), "compare_at_price": Decimal("99.90")},
    )
    # then
    assert (product.price_from, product.compare_at_from) == (Decimal("89.90"), Decimal("99.90"))


def test_compare_at_from_is_empty_when_the_cheapest_variant_has_no_old_price():
    # given / when
    product = product_with_variants(
        {"price": Decimal("129.90"), "compare_at_price": Decimal("199.90")}, {"price": Decimal("89.90")}
    )
    # then
    assert product.compare_at_from is None


def test_inactive_variants_do_not_set_the_price():
    # given / when
    product = product_with_variants(
        {"price": Decimal("129.90")},
        {"price": Decimal("9.90"), "compare_at_price": Decimal("19.90"), "is_active": False},
    )
    # then
    assert (product.price_from, product.compare_at_from) == (Decimal("129.90"), None)


def test_a_product_is_in_stock_when_an_active_variant_has_online_stock():
    # given / when
    product = product_with_variants({"stock": 0}, {"stock": 3})
    # then
    assert product.in_stock is True


def test_a_product_without_online_stock_is_out_of_stock():
    # given / when
    product = product_with_variants({"stock": 0}, {"stock": 0})
    # then
    assert product.in_stock is False


def test_stock_of_an_inactive_variant_does_not_make_a_product_available():
    # given / when
    product = product_with_variants({"stock": 0}, {"stock": 7, "is_active": False})
    # then
    assert product.in_stock is False


def test_a_product_whose_variants_are_all_inactive_has_no_price():
    # given
    product = product_with_variants({"price": Decimal("50.00"), "stock": 2})
    Variant.objects.filter(product=product).update(is_active=False)
    # when
    product_refresh_summary(product_ids=[product.pk])
    # then
    product.refresh_from_db()
    assert (product.price_from, product.compare_at_from, product.in_stock) == (None, None, False)


def test_product_refresh_summary_touches_only_the_products_asked_for():
    # given two products whose variants were changed behind the services' back
    asked, other = ProductFactory(price=Decimal("10.00")), ProductFactory(price=Decimal("10.00"))
    Variant.objects.update(price=Decimal("20.00"))
    # when
    product_refresh_summary(product_ids=[asked.pk])
    # then
    assert Product.objects.get(pk=asked.pk).price_from == Decimal("20.00")
    assert Product.objects.get(pk=other.pk).price_from == Decimal("10.00")


# Variants


def test_variant_save_refreshes_the_product_price():
    # given
    product = ProductFactory(price=Decimal("99.90"))
    variant = product.variants.get()
    # when
    variant.price = Decimal("79.90")
    variant_save(variant=variant)
    # then
    assert Product.objects.get(pk=product.pk).price_from == Decimal("79.90")


def test_variant_save_sets_the_attribute_values():
    # given
    small, blue = AttributeValueFactory(value="P"), AttributeValueFactory(value="Azul")
    # when
    variant = VariantFactory(attribute_values=[small, blue])
    # then
    assert set(variant.attribute_values.all()) == {small, blue}


def test_variant_save_refuses_a_bad_ean_and_saves_nothing():
    # given
    variant = VariantFactory.build(product=ProductFactory(variant=None), ean="4006381333932")
    # when
    with pytest.raises(ValidationError) as error:
        variant_save(variant=variant)
    # then
    assert error.value.message_dict == {"ean": ["This EAN's check digit is wrong."]}
    assert not Variant.objects.exists()


def test_variant_save_refuses_an_old_price_not_above_the_price():
    # given
    variant = VariantFactory.build(
        product=ProductFactory(variant=None), price=Decimal("50.00"), compare_at_price=Decimal("40.00")
    )
    # when
    with translation.override("en"), pytest.raises(ValidationError) as error:
        variant_save(variant=variant)
    # then
    assert error.value.messages == ["The compare-at price must be above the price."]
    assert not Variant.objects.exists()


def test_variant_delete_refreshes_the_product_price():
    # given
    product = product_with_variants({"price": Decimal("10.00")}, {"price": Decimal("20.00")})
    # when
    variant_delete(variant=product.variants.get(price=Decimal("10.00")))
    # then
    assert Product.objects.get(pk=product.pk).price_from == Decimal("20.00")


# Online stock


def test_negative_online_stock_is_refused_and_nothing_changes():
    # given
    variant = VariantFactory(stock=4)
    # when
    with pytest.raises(ValueError, match=r"^Online stock cannot be negative\.$"):
        variant_set_stock_online(variant_id=variant.pk, quantity=-1)
    # then
    assert Variant.objects.get(pk=variant.pk).stock_online == 4


def test_stock_arriving_online_puts_the_product_in_stock():
    # given
    product = product_with_variants({"stock": 0})
    # when
    variant_set_stock_online(variant_id=product.variants.get().pk, quantity=5)
    # then
    assert Product.objects.get(pk=product.pk).in_stock is True
    assert Variant.objects.get(product=product).stock_online == 5


def test_selling_the_last_unit_online_takes_the_product_out_of_stock():
    # given
    product = product_with_variants({"stock": 1})
    # when
    variant_set_stock_online(variant_id=product.variants.get().pk, quantity=0)
    # then
    assert Product.objects.get(pk=product.pk).in_stock is False


def test_a_stock_change_drops_the_cached_pages_after_commit(django_capture_on_commit_callbacks):
    # given
    variant = VariantFactory(stock=0)
    before = catalog_version()
    # when
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        variant_set_stock_online(variant_id=variant.pk, quantity=5)
        # then: nothing is dropped while the transaction is open
        assert catalog_version() == before
    assert len(callbacks) == 1
    assert catalog_version() == before + 1


def test_an_unchanged_stock_keeps_the_cached_pages(django_capture_on_commit_callbacks):
    # given
    variant = VariantFactory(stock=5)
    # when
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        variant_set_stock_online(variant_id=variant.pk, quantity=5)
    # then
    assert callbacks == []


def test_the_cache_version_recovers_when_it_was_evicted(django_capture_on_commit_callbacks):
    # given a version in use, then lost to eviction
    variant = VariantFactory(stock=0)
    version_in_use = catalog_version()
    cache.delete(VERSION_KEY)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        variant_set_stock_online(variant_id=variant.pk, quantity=1)
    # then the new version never repeats an old one
    assert catalog_version() > version_in_use


# Related products


def test_product_relations_replace_stores_the_list_in_order():
    # given
    product, first, second = ProductFactory.create_batch(3)
    ProductRelation.objects.create(product=product, related=second, kind=SAME_CATEGORY)
    # when
    product_relations_replace(
        product_id=product.pk, related=[(first.pk, 9), (second.pk, 4)], kind=BOUGHT_TOGETHER
    )
    # then
    assert list(product.relations.values_list("related_id", "score", "position", "kind")) == [
        (first.pk, 9, 0, BOUGHT_TOGETHER),
        (second.pk, 4, 1, BOUGHT_TOGETHER),
    ]


def test_product_relations_replace_skips_the_product_itself():
    # given
    product, other = ProductFactory.create_batch(2)
    # when
    product_relations_replace(
        product_id=product.pk, related=[(product.pk, 9), (other.pk, 4)], kind=BOUGHT_TOGETHER
    )
    # then
    assert list(product.relations.values_list("related_id", flat=True)) == [other.pk]


def test_product_relations_replace_keeps_the_best_eight():
    # given
    product = ProductFactory()
    others = ProductFactory.create_batch(10)
    # when
    product_relations_replace(
        product_id=product.pk, related=[(p.pk, 100 - i) for i, p in enumerate(others)], kind=BOUGHT_TOGETHER
    )
    # then
    assert list(product.relations.values_list("related_id", flat=True)) == [p.pk for p in others[:8]]


def set_sales(product: Product, units: int) -> None:
    # Units sold are kept by the orders app, which does not exist yet.
    Product.objects.filter(pk=product.pk).update(sales_count=units)


def test_relations_refresh_lists_the_category_best_sellers_first():
    # given
    category = CategoryFactory()
    product = ProductFactory(category=category)
    few, many = ProductFactory(category=category), ProductFactory(category=category)
    set_sales(few, 3)
    set_sales(many, 30)
    # when
    product_relations_refresh()
    # then
    assert list(product.relations.values_list("related_id", "score", "kind")) == [
        (many.pk, 30, SAME_CATEGORY),
        (few.pk, 3, SAME_CATEGORY),
    ]


def test_relations_refresh_leaves_out_hidden_unavailable_and_foreign_products():
    # given
    category = CategoryFactory()
    product = ProductFactory(category=category)
    shown = ProductFactory(category=category)
    ProductFactory(category=category, is_published=False)
    ProductFactory(category=category, stock=0)
    ProductFactory(category=CategoryFactory())
    # when
    product_relations_refresh()
    # then
    assert list(product.relations.values_list("related_id", flat=True)) == [shown.pk]


def test_relations_refresh_keeps_bought_together_lists():
    # given
    category = CategoryFactory()
    product, bought, sibling = ProductFactory.create_batch(3, category=category)
    product_relations_replace(product_id=product.pk, related=[(bought.pk, 5)], kind=BOUGHT_TOGETHER)
    # when
    product_relations_refresh()
    # then
    assert list(product.relations.values_list("related_id", "kind")) == [(bought.pk, BOUGHT_TOGETHER)]
    assert set(sibling.relations.values_list("related_id", flat=True)) == {product.pk, bought.pk}


def test_relations_refresh_skips_unpublished_products():
    # given
    category = CategoryFactory()
    draft = ProductFactory(category=category, is_published=False)
    ProductFactory(category=category)
    # when
    product_relations_refresh()
    # then
    assert not draft.relations.exists()


def test_relations_refresh_works_in_batches_and_says_where_to_go_on(monkeypatch):
    # given
    monkeypatch.setattr(relations, "RELATIONS_BATCH", 2)
    category = CategoryFactory()
    _first, second, third = ProductFactory.create_batch(3, category=category)
    # when
    last_id = product_relations_refresh()
    # then
    assert last_id == second.pk
    assert not third.relations.exists()
    assert product_relations_refresh(after_id=last_id) is None
    assert third.relations.count() == 2


def test_the_relations_task_goes_through_every_batch(monkeypatch):
    # given
    monkeypatch.setattr(relations, "RELATIONS_BATCH", 2)
    products = ProductFactory.create_batch(5, category=CategoryFactory())
    # when
    product_relations_refresh_task.delay()
    # then
    assert [p.relations.count() for p in products] == [4, 4, 4, 4, 4]
