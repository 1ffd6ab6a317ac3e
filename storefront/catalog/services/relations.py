"""What a product page suggests, and the sales figures behind it."""

from django.db import transaction

from storefront.catalog.cache import catalog_changed
from storefront.catalog.models import (
    Product,
    ProductRelation,
)

RELATED_LIMIT = 8
RELATIONS_BATCH = 500

# Related products


@transaction.atomic
def product_relations_replace(*, product_id: int, related: list[tuple[int, int]], kind: str) -> None:
    """Replace a product's related list with `(related_id, score)` pairs, best first."""
    ProductRelation.objects.filter(product_id=product_id).delete()
    ProductRelation.objects.bulk_create(
        ProductRelation(
            product_id=product_id, related_id=related_id, kind=kind, score=score, position=position
        )
        for position, (related_id, score) in enumerate(related[:RELATED_LIMIT])
        if related_id != product_id
    )


@transaction.atomic
def product_relations_set_bought_together(*, lists: dict[int, list[tuple[int, int]]]) -> None:
    """Store the "customers also bought" lists (product id -> `(related_id, times)` best
    first); products left out lose theirs and get category best sellers on the next refresh."""
    ProductRelation.objects.filter(kind=ProductRelation.Kind.BOUGHT_TOGETHER).exclude(
        product_id__in=list(lists)
    ).delete()
    for product_id, related in lists.items():
        product_relations_replace(
            product_id=product_id, related=related, kind=ProductRelation.Kind.BOUGHT_TOGETHER
        )
    catalog_changed()


@transaction.atomic
def product_sales_counts_set(*, counts: dict[int, int]) -> None:
    """Record the units sold per product, which the best-seller order reads; products not
    named sold none."""
    Product.objects.exclude(pk__in=list(counts)).exclude(sales_count=0).update(sales_count=0)
    Product.objects.bulk_update(
        [Product(pk=product_id, sales_count=units) for product_id, units in counts.items()],
        ["sales_count"],
        batch_size=1000,
    )
    catalog_changed()


def product_relations_refresh(*, after_id: int = 0) -> int | None:
    """Refresh the related lists of one batch of published products; return the last id
    when more remain. Products with no "bought together" list get their category's best
    sellers; the orders app replaces those with co-purchases as orders come in."""
    batch = list(
        Product.objects.published()
        .filter(pk__gt=after_id)
        .exclude(relations__kind=ProductRelation.Kind.BOUGHT_TOGETHER)
        .order_by("pk")
        .values_list("pk", "category_id")[:RELATIONS_BATCH]
    )
    for product_id, category_id in batch:
        best_sellers = (
            Product.objects.published()
            .filter(category_id=category_id, in_stock=True)
            .exclude(pk=product_id)
            .order_by("-sales_count", "-published_at")
            .values_list("pk", "sales_count")[:RELATED_LIMIT]
        )
        product_relations_replace(
            product_id=product_id, related=list(best_sellers), kind=ProductRelation.Kind.SAME_CATEGORY
        )
    catalog_changed()
    return batch[-1][0] if len(batch) == RELATIONS_BATCH else None
