"""The search vocabulary: the words of what is published, that a misspelt search word is
corrected to."""

from collections.abc import Iterable

from django.db import transaction

from storefront.catalog.models import Product, SearchWord
from storefront.catalog.text import search_words

DELETE_BATCH = 500


def search_words_add(*, texts: Iterable[str]) -> None:
    """Add the words of `texts` (product names with their brand and category) to the
    vocabulary; words already there are left alone."""
    words = set().union(*(search_words(text) for text in texts))
    SearchWord.objects.bulk_create(
        [SearchWord(word=word) for word in sorted(words)], batch_size=1000, ignore_conflicts=True
    )


def search_words_rebuild() -> int:
    """Make the vocabulary the words of what is published now, dropping the words of renamed
    or unpublished products; return how many words it holds. Run daily: between runs a stale
    word at worst offers a correction that the search checks before showing it."""
    words: set[str] = set()
    for text in Product.objects.published().values_list("search_text", flat=True).iterator(chunk_size=2000):
        words |= search_words(text)
    stale = [pk for pk, word in SearchWord.objects.values_list("pk", "word").iterator() if word not in words]
    with transaction.atomic():
        for start in range(0, len(stale), DELETE_BATCH):
            SearchWord.objects.filter(pk__in=stale[start : start + DELETE_BATCH]).delete()
        search_words_add(texts=words)
    return len(words)
