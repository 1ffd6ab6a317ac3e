"""What search suggests (reads only): a correction when the words as typed match nothing
("você quis dizer camiseta?"), and completions while the shopper types (products,
categories, brands). Both are kept in the cache until the catalog changes, so a term asked
again costs no query.

Corrections come from the vocabulary of product names, brands and categories
(`SearchWord`): on PostgreSQL the closest word by trigram similarity, read from its trigram
index; on SQLite the closest by `difflib` over the vocabulary, read once per catalog version.
A correction is offered only when it finds products itself.
"""

import difflib
import hashlib
import re
from dataclasses import dataclass, field

from django.contrib.postgres.search import TrigramDistance
from django.db import connection
from django.db.models import Exists, OuterRef, QuerySet, Value
from django.urls import reverse
from django.utils.http import urlencode

from storefront.catalog.cache import catalog_cached
from storefront.catalog.models import Brand, Category, Product, SearchWord
from storefront.catalog.selectors import product_search_has_words, search_term_words
from storefront.catalog.text import SEARCH_WORD_MIN_LENGTH, unaccent

# Words looked at in a term: a longer "term" is a sentence, not something to correct.
TERM_MAX_WORDS = 6
# pg_trgm similarity (shared trigrams over all trigrams) from which a vocabulary word may
# replace a typed one: "camizeta" and "camiseta" share 6 of 12, 0.5.
SIMILARITY_MIN = 0.35
# difflib's ratio on SQLite: "camizeta" and "camiseta" score 0.875.
DIFFLIB_CUTOFF = 0.75

COMPLETION_MIN_LENGTH = 2
COMPLETION_PRODUCTS = 6
COMPLETION_OTHERS = 3  # categories, and brands


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


# "Did you mean"


def search_correction_get(*, term: str) -> str | None:
    """A term close to `term` that finds products, when the words of `term` as typed find
    none; None otherwise."""
    words = search_term_words(term)
    if not words or len(words) > TERM_MAX_WORDS:
        return None
    # The cache keeps no None: "" stands for "nothing to suggest".
    return catalog_cached(f"search-correction:{_digest(' '.join(words))}", lambda: _correction(words)) or None


def _correction(words: list[str]) -> str:
    if product_search_has_words(term=" ".join(words)):
        return ""
    correctable = [word for word in words if len(word) >= SEARCH_WORD_MIN_LENGTH and not word.isdigit()]
    if not correctable:
        return ""
    closest = (
        _closest_words_postgres(correctable)
        if connection.vendor == "postgresql"
        else _closest_words(correctable)
    )
    corrected = [closest.get(word, word) for word in words]
    if corrected == words:
        return ""
    suggestion = " ".join(corrected)
    return suggestion if product_search_has_words(term=suggestion) else ""


def _closest_words_postgres(words: list[str]) -> dict[str, str]:
    """Each word's nearest vocabulary word by trigram distance, in one query: a union of one
    `ORDER BY word <-> %s LIMIT 1` per word, each answered by the trigram index."""
    nearest = [
        SearchWord.objects.filter(word__trigram_similar=word)  # `%`: the index finds the candidates
        .annotate(asked=Value(position), distance=TrigramDistance("word", word))
        .order_by("distance")
        .values_list("asked", "word", "distance")[:1]
        for position, word in enumerate(words)
    ]
    rows = nearest[0].union(*nearest[1:], all=True) if len(nearest) > 1 else nearest[0]
    return {words[position]: found for position, found, distance in rows if distance <= 1 - SIMILARITY_MIN}


def _closest_words(words: list[str]) -> dict[str, str]:
    vocabulary = catalog_cached(
        "search-vocabulary", lambda: list(SearchWord.objects.values_list("word", flat=True))
    )
    known = set(vocabulary)
    closest = {}
    for word in words:
        if word in known:
            continue
        matches = difflib.get_close_matches(word, vocabulary, n=1, cutoff=DIFFLIB_CUTOFF)
        if matches:
            closest[word] = matches[0]
    return closest


# Completions while typing


@dataclass(frozen=True)
class Completion:
    label: str
    url: str


@dataclass(frozen=True)
class Completions:
    products: list[Completion] = field(default_factory=list)
    categories: list[Completion] = field(default_factory=list)
    brands: list[Completion] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.products or self.categories or self.brands)


def search_completion_list(*, term: str) -> Completions:
    """Products, categories and brands whose words start with the words typed so far, best
    sellers first; at most three queries, none for a term asked before the catalog changed."""
    words = search_term_words(term)[:TERM_MAX_WORDS]
    if len(" ".join(words)) < COMPLETION_MIN_LENGTH:
        return Completions()
    return catalog_cached(f"search-completions:{_digest(' '.join(words))}", lambda: _completions(words))


def _completions(words: list[str]) -> Completions:
    return Completions(
        products=_product_completions(words),
        categories=_named_completions(words, _category_names())[:COMPLETION_OTHERS],
        brands=_named_completions(words, _brand_names())[:COMPLETION_OTHERS],
    )


def _starts_a_word(word: str) -> str:
    return rf"(^| ){re.escape(word)}"


def _product_completions(words: list[str]) -> list[Completion]:
    # Words under three letters would have PostgreSQL read every product (the trigram index
    # needs three): they narrow the products only along with a longer word.
    if not any(len(word) >= SEARCH_WORD_MIN_LENGTH for word in words):
        return []
    products: QuerySet[Product] = Product.objects.listed()
    for word in words:
        products = products.filter(search_text__regex=_starts_a_word(word))
    rows = products.order_by("-sales_count", "pk").values_list("name", "slug")[:COMPLETION_PRODUCTS]
    return [
        Completion(label=name, url=reverse("catalog:product-detail", kwargs={"slug": slug}))
        for name, slug in rows
    ]


def _category_names() -> list[tuple[str, str, str]]:
    """(name without accents, name, link) of every category, read once per catalog version."""
    return catalog_cached(
        "search-category-names",
        lambda: [
            (unaccent(name), name, reverse("catalog:category-detail", kwargs={"slug": slug}))
            for name, slug in Category.objects.order_by("depth", "position", "name").values_list(
                "name", "slug"
            )
        ],
    )


def _brand_names() -> list[tuple[str, str, str]]:
    """(name without accents, name, search link) of every brand that has listed products."""
    listed = Product.objects.listed().filter(brand=OuterRef("pk"))
    return catalog_cached(
        "search-brand-names",
        lambda: [
            (unaccent(name), name, f"{reverse('catalog:search')}?{urlencode({'q': name})}")
            for name in Brand.objects.filter(Exists(listed)).order_by("name").values_list("name", flat=True)
        ],
    )


def _named_completions(words: list[str], names: list[tuple[str, str, str]]) -> list[Completion]:
    patterns = [re.compile(_starts_a_word(word)) for word in words]
    return [
        Completion(label=name, url=url)
        for plain, name, url in names
        if all(pattern.search(plain) for pattern in patterns)
    ]
