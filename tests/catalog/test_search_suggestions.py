"""Search that helps: "did you mean" when the words match nothing, suggestions while
typing, and a result count in good Portuguese."""

import pytest
from django.db import connection
from django.urls import reverse
from django.utils.translation import gettext, ngettext, override

from storefront.catalog import views
from storefront.catalog.cache import catalog_version_bump
from storefront.catalog.models import SearchWord
from storefront.catalog.services import search_words_rebuild
from storefront.catalog.suggestions import search_completion_list, search_correction_get
from tests.catalog.factories import BrandFactory, CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    """Values cached by an earlier test must not answer this one."""
    catalog_version_bump()


@pytest.fixture
def shirts():
    clothes = CategoryFactory(name="Roupas", slug="roupas")
    category = CategoryFactory(name="Camisetas", slug="camisetas", parent=clothes)
    brand = BrandFactory(name="Pindorama", slug="pindorama")
    return [
        ProductFactory(name="Camiseta básica de algodão", category=category, brand=brand),
        ProductFactory(name="Camiseta estampada tropical", category=category),
        ProductFactory(name="Calça jeans reta", category=CategoryFactory(name="Calças", parent=clothes)),
    ]


def get(client, url, **params):
    return client.get(url, params, HTTP_ACCEPT_LANGUAGE="pt-br")


# The vocabulary


def test_saving_products_fills_the_vocabulary_without_accents_or_short_words(shirts):
    # given / when: the products above were saved
    words = set(SearchWord.objects.values_list("word", flat=True))
    # then
    assert {"camiseta", "basica", "algodao", "estampada", "tropical", "pindorama", "camisetas"} <= words
    assert "de" not in words


def test_the_daily_rebuild_drops_words_nothing_uses(shirts):
    # given
    SearchWord.objects.create(word="sapatilha")
    # when
    search_words_rebuild()
    # then
    words = set(SearchWord.objects.values_list("word", flat=True))
    assert "sapatilha" not in words
    assert "camiseta" in words


# "Did you mean"


def test_a_misspelt_word_is_corrected_to_a_word_of_the_catalog(shirts):
    # given / when / then
    assert search_correction_get(term="camizeta") == "camiseta"
    assert search_correction_get(term="Camizeta Estanpada") == "camiseta estampada"


def test_words_that_find_products_need_no_correction(shirts):
    # given / when / then
    assert search_correction_get(term="camiseta") is None
    assert search_correction_get(term="algodão") is None


def test_nothing_is_suggested_when_no_word_is_close(shirts):
    # given / when / then
    assert search_correction_get(term="xpto") is None
    assert search_correction_get(term="") is None


def test_a_correction_that_would_find_nothing_is_not_offered(shirts):
    # given: a word left in the vocabulary by a product since unpublished
    SearchWord.objects.create(word="sapatilha")
    # when / then
    assert search_correction_get(term="sapatilla") is None


@pytest.mark.postgres
def test_on_postgresql_the_closest_word_is_read_from_the_trigram_index(shirts):
    # given
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    query = (
        SearchWord.objects.filter(word__trigram_similar="camizeta")
        .order_by("word")
        .values_list("word", flat=True)
    )
    # when
    plan = query.explain()
    # then
    assert "search_word_trgm_idx" in plan
    assert search_correction_get(term="camizeta") == "camiseta"


def test_the_correction_is_kept_until_the_catalog_changes(shirts, django_assert_num_queries):
    # given
    search_correction_get(term="camizeta")
    # when / then
    with django_assert_num_queries(0):
        assert search_correction_get(term="camizeta") == "camiseta"


def test_the_search_page_offers_the_correction_as_a_link(client, shirts):
    # given / when
    response = get(client, reverse("catalog:search"), q="camizeta")
    # then
    assert 'data-testid="search-correction"' in response.text
    assert f'href="{reverse("catalog:search")}?q=camiseta"' in response.text


def test_the_search_page_of_words_that_match_offers_no_correction(client, shirts):
    # given / when
    response = get(client, reverse("catalog:search"), q="camiseta")
    # then
    assert 'data-testid="search-correction"' not in response.text


def test_a_search_with_a_correction_runs_in_bounded_queries(client, django_assert_max_num_queries):
    # given: many products, the first search of a misspelt word (nothing cached yet)
    category = CategoryFactory(name="Camisetas")
    for number in range(30):
        ProductFactory(name=f"Camiseta número {number}", category=category, brand=BrandFactory())
    catalog_version_bump()
    # when
    with django_assert_max_num_queries(views.SEARCH_QUERIES + views.SEARCH_CORRECTION_QUERIES):
        response = get(client, reverse("catalog:search"), q="camizeta")
    # then
    assert response.status_code == 200
    assert 'data-testid="search-correction"' in response.text


# The count


@pytest.mark.parametrize(
    ("term", "count"),
    [("camiseta basica", 1), ("camiseta", 2), ("xpto", 0)],
)
def test_the_result_count_reads_well_in_portuguese(client, shirts, term, count):
    # given / when
    response = get(client, reverse("catalog:search"), q=term)
    # then
    with override("pt-br"):
        if count:
            expected = ngettext("%(counter)s product", "%(counter)s products", count) % {"counter": count}
        else:
            expected = gettext("No products found")
    assert f'data-testid="result-count">\n        {expected}\n' in response.text


# Suggestions while typing


def test_suggestions_offer_products_categories_and_brands_whose_words_start_with_the_typed(shirts):
    # given / when
    found = search_completion_list(term="cami")
    # then
    assert [item.label for item in found.products] == [
        "Camiseta básica de algodão",
        "Camiseta estampada tropical",
    ]
    assert [item.label for item in found.categories] == ["Camisetas"]
    assert found.brands == []
    assert found.products[0].url == shirts[0].get_absolute_url()


def test_suggestions_ignore_accents_and_match_brands(shirts):
    # given / when
    by_brand = search_completion_list(term="pindo")
    by_accent = search_completion_list(term="calç")
    # then
    assert [item.label for item in by_brand.brands] == ["Pindorama"]
    assert [item.url for item in by_brand.brands] == [reverse("catalog:search") + "?q=Pindorama"]
    assert [item.label for item in by_accent.categories] == ["Calças"]
    assert [item.label for item in by_accent.products] == ["Calça jeans reta"]


def test_a_word_inside_another_is_not_a_suggestion(shirts):
    # given / when: "pical" is inside "tropical" but starts no word
    found = search_completion_list(term="pical")
    # then
    assert found.is_empty


def test_one_letter_suggests_nothing(shirts, django_assert_num_queries):
    # given / when / then
    with django_assert_num_queries(0):
        assert search_completion_list(term="c").is_empty


def test_suggestions_run_in_bounded_queries_and_none_once_cached(client, django_assert_max_num_queries):
    # given: more products than are suggested
    category = CategoryFactory(name="Camisetas")
    for number in range(30):
        ProductFactory(name=f"Camiseta número {number}", category=category, brand=BrandFactory())
    url = reverse("catalog:search-suggest")
    # when
    with django_assert_max_num_queries(views.SEARCH_SUGGEST_QUERIES):
        first = client.get(url, {"q": "camis"}, HTTP_HX_REQUEST="true", HTTP_HX_TRIGGER="header-search")
    with django_assert_max_num_queries(0):
        again = client.get(url, {"q": "camis"}, HTTP_HX_REQUEST="true", HTTP_HX_TRIGGER="header-search")
    # then
    assert first.status_code == again.status_code == 200
    assert first.text.count('role="option"') == 6 + 1  # six products and the category
    assert 'id="header-search-listbox"' in first.text
    assert again.text == first.text


def test_suggestions_name_their_list_after_a_known_search_box_only(client, shirts):
    # given / when
    response = client.get(reverse("catalog:search-suggest"), {"q": "cami"}, HTTP_HX_TRIGGER='"><script>')
    # then
    assert 'id="search-listbox"' in response.text
    assert "<script>" not in response.text


def test_suggestions_for_nothing_are_empty(client, shirts):
    # given / when
    response = client.get(reverse("catalog:search-suggest"), {"q": "zzzz"})
    # then
    assert response.status_code == 200
    assert 'role="listbox"' not in response.text
