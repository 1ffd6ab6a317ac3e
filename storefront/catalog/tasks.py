from celery import shared_task


@shared_task(
    name="catalog.product_image_make_thumbnails", autoretry_for=(OSError,), retry_backoff=True, max_retries=5
)
def product_image_make_thumbnails(*, image_id: int) -> None:
    from storefront.catalog.services import product_image_make_thumbnails

    product_image_make_thumbnails(image_id=image_id)


@shared_task(bind=True, name="catalog.product_relations_refresh")
def product_relations_refresh(self, *, after_id: int = 0) -> None:
    from storefront.catalog.services import product_relations_refresh

    last_id = product_relations_refresh(after_id=after_id)
    if last_id is not None:
        self.delay(after_id=last_id)


@shared_task(name="catalog.catalog_version_bumps_owed_pay")
def catalog_version_bumps_owed_pay() -> None:
    from storefront.catalog.cache import catalog_version_bumps_owed_pay

    catalog_version_bumps_owed_pay()


@shared_task(bind=True, name="catalog.stock_alerts_notify")
def stock_alerts_notify(self, *, variant_id: int) -> None:
    from storefront.catalog.services import stock_alerts_notify

    if stock_alerts_notify(variant_id=variant_id):
        self.delay(variant_id=variant_id)


@shared_task(bind=True, name="catalog.stock_alerts_reconcile")
def stock_alerts_reconcile(self, *, after_id: int = 0) -> None:
    from storefront.catalog.services import stock_alerts_reconcile

    last_id = stock_alerts_reconcile(after_id=after_id)
    if last_id is not None:
        self.delay(after_id=last_id)


@shared_task(name="catalog.search_words_rebuild")
def search_words_rebuild() -> None:
    from storefront.catalog.services import search_words_rebuild

    search_words_rebuild()
