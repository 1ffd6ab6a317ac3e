from celery import shared_task


@shared_task(name="cart.carts_abandoned_record")
def carts_abandoned_record() -> None:
    from storefront.cart.services import carts_abandoned_record

    carts_abandoned_record()
