"""PostgreSQL search: the vector and text the services keep, and the GIN indexes that serve them."""

import pytest
from django.contrib.postgres.search import SearchQuery
from django.db import connection

from storefront.catalog.models import Product
from storefront.catalog.selectors import TRIGRAM_THRESHOLD, product_search
from storefront.catalog.services import product_refresh_search
from tests.catalog.factories import BrandFactory, CategoryFactory, ProductFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

ROWS_FOR_THE_PLANNER = 2_000


def portuguese(words: str) -> SearchQuery:
    return SearchQuery(words, config="portuguese")


def index_definition(name: str) -> str | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'catalog_product' AND indexname = %s", [name]
        )
        row = cursor.fetchone()
    return row[0] if row else None


@pytest.fixture
def big_catalog():
    """Enough products that an index is worth using, written in bulk and then given their
    search data by the same service product_save calls."""
    category = CategoryFactory(name="Roupas")
    names = ["Bermuda jeans", "Vestido floral", "Jaqueta corta-vento", "Meia esportiva", "Boné aba reta"]
    products = Product.objects.bulk_create(
        Product(category=category, name=f"{names[i % len(names)]} {i}", slug=f"item-{i}", is_published=True)
        for i in range(ROWS_FOR_THE_PLANNER)
    )
    wanted = ProductFactory(category=category, name="Camiseta básica de algodão")
    product_refresh_search(product_ids=[product.pk for product in products])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE catalog_product")
        # Inside the test's transaction only: make the planner show what the index can do.
        cursor.execute("SET LOCAL enable_seqscan = off")
    return wanted


def test_product_save_fills_the_search_vector():
    # given / when
    product = ProductFactory(
        name="Camiseta Térmica", brand=BrandFactory(name="Aurora"), category=CategoryFactory(name="Roupas")
    )
    # then
    assert Product.objects.get(pk=product.pk).search_vector is not None
    assert list(Product.objects.filter(search_vector=portuguese("camisetas"))) == [product]


def test_the_search_vector_ignores_accents():
    # given
    product = ProductFactory(name="Calça Térmica")
    # when
    found = Product.objects.filter(search_vector=portuguese("calca termica"))
    # then
    assert list(found) == [product]


def test_the_search_vector_covers_brand_category_and_description():
    # given
    product = ProductFactory(
        name="Camiseta",
        brand=BrandFactory(name="Aurora"),
        category=CategoryFactory(name="Vestuário"),
        description="<p>Tecido de <strong>linho</strong></p>",
    )
    # when / then
    for word in ["aurora", "vestuario", "linho"]:
        assert list(Product.objects.filter(search_vector=portuguese(word))) == [product], word


def test_the_full_text_index_exists():
    # given / when
    definition = index_definition("product_search_vector_idx")
    # then
    assert definition == (
        "CREATE INDEX product_search_vector_idx ON public.catalog_product USING gin (search_vector)"
    )


def test_the_trigram_index_exists():
    # given / when
    definition = index_definition("product_search_text_trgm_idx")
    # then
    assert definition == (
        "CREATE INDEX product_search_text_trgm_idx ON public.catalog_product "
        "USING gin (search_text gin_trgm_ops)"
    )


def test_a_full_text_query_uses_the_gin_index(big_catalog):
    # given
    query = Product.objects.filter(search_vector=portuguese("camiseta")).values("pk")
    # when
    plan = query.explain()
    print(f"\nEXPLAIN full text:\n{plan}")  # noqa: T201 -- the plan is part of the evidence asked for
    # then
    assert "product_search_vector_idx" in plan
    assert list(query) == [{"pk": big_catalog.pk}]


def test_a_misspelt_word_uses_the_trigram_index(big_catalog):
    # given "camizeta", a typo of "camiseta"
    query = Product.objects.filter(search_text__trigram_word_similar="camizeta").values("pk")
    # when
    plan = query.explain()
    print(f"\nEXPLAIN trigram word similarity:\n{plan}")  # noqa: T201 -- the plan is part of the evidence asked for
    # then
    assert "%>" in str(query.query)
    assert "product_search_text_trgm_idx" in plan


def test_a_misspelt_word_finds_the_product_below_the_default_threshold(big_catalog):
    # given word_similarity('camizeta', 'camiseta basica ...') = 0.5, under pg_trgm's default 0.6
    # when
    found = product_search(term="camizeta").values_list("pk", flat=True)
    # then
    assert list(found) == [big_catalog.pk]


def test_store_connections_lower_the_trigram_threshold_so_one_typo_still_matches():
    with connection.cursor() as cursor:
        cursor.execute("SHOW pg_trgm.word_similarity_threshold")
        assert float(cursor.fetchone()[0]) == TRIGRAM_THRESHOLD
