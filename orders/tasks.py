from celery import shared_task


@shared_task(name="orders.product_sales_refresh")
def product_sales_refresh() -> None:
    from orders.services import product_sales_refresh
    from storefront.catalog.tasks import product_relations_refresh as product_relations_refresh_task

    product_sales_refresh()
    # Products nobody bought together yet get their category's best sellers, now up to date.
    product_relations_refresh_task.delay()
