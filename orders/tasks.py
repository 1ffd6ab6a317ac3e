from celery import shared_task
from django.db import OperationalError

from orders.adapters.base import GatewayUnavailable, SettlementInProgress

# Provider hiccups and database deadlocks pass; a card stays authorised until one run settles it.
SETTLE_RETRY = {
    "autoretry_for": (GatewayUnavailable, OperationalError, SettlementInProgress),
    "retry_backoff": True,
    "max_retries": 8,
}


@shared_task(name="orders.product_sales_refresh")
def product_sales_refresh() -> None:
    from orders.services import product_sales_refresh
    from storefront.catalog.tasks import product_relations_refresh as product_relations_refresh_task

    product_sales_refresh()
    # Products nobody bought together yet get their category's best sellers, now up to date.
    product_relations_refresh_task.delay()


@shared_task(bind=True, name="orders.payments_expire")
def payments_expire(self) -> None:
    from orders.services.payments import EXPIRE_BATCH, payments_expire

    if payments_expire() == EXPIRE_BATCH:
        self.delay()


@shared_task(bind=True, name="orders.orders_unpaid_cancel")
def orders_unpaid_cancel(self) -> None:
    from orders.services.payments import EXPIRE_BATCH, orders_unpaid_cancel

    if orders_unpaid_cancel() == EXPIRE_BATCH:
        self.delay()


@shared_task(name="orders.payment_capture", **SETTLE_RETRY)
def payment_capture(*, payment_id: int) -> None:
    from orders.services.payments import payment_capture

    payment_capture(payment_id=payment_id)


@shared_task(name="orders.payment_void", **SETTLE_RETRY)
def payment_void(*, payment_id: int) -> None:
    from orders.services.payments import payment_void

    payment_void(payment_id=payment_id)


@shared_task(name="orders.payment_reverse", **SETTLE_RETRY)
def payment_reverse(*, payment_id: int) -> None:
    from orders.services.payments import payment_reverse

    payment_reverse(payment_id=payment_id)


@shared_task(name="orders.payment_charge_cancel", **SETTLE_RETRY)
def payment_charge_cancel(*, payment_id: int) -> None:
    from orders.services.payments import payment_charge_cancel

    payment_charge_cancel(payment_id=payment_id)


@shared_task(
    name="orders.order_analyse", autoretry_for=(OperationalError,), retry_backoff=True, max_retries=8
)
def order_analyse(*, order_id: int) -> None:
    from orders.services.risk import order_analyse

    order_analyse(order_id=order_id)


@shared_task(name="orders.orders_analyse_reconcile")
def orders_analyse_reconcile() -> None:
    from orders.services.risk import orders_analyse_reconcile

    orders_analyse_reconcile()


@shared_task(name="orders.payments_settle_reconcile")
def payments_settle_reconcile() -> None:
    from orders.services.payments import payments_settle_reconcile

    payments_settle_reconcile()


@shared_task(name="orders.orders_stock_recheck")
def orders_stock_recheck() -> None:
    from orders.services.risk import orders_stock_recheck

    orders_stock_recheck()


def _refund_execute_failure(self, exc, task_id, args, kwargs, einfo) -> None:
    from orders.services.refunds import refund_fail

    refund_fail(refund_id=kwargs["refund_id"], error=f"{type(exc).__name__}: {exc}")


# A provider outage or a deadlock passes; anything else (the provider refusing) fails the
# refund at once for a person to look at.
@shared_task(
    name="orders.refund_execute",
    autoretry_for=(GatewayUnavailable, OperationalError),
    retry_backoff=True,
    max_retries=8,
    on_failure=_refund_execute_failure,
)
def refund_execute(*, refund_id: int) -> None:
    from orders.services.refunds import refund_execute

    refund_execute(refund_id=refund_id)


@shared_task(bind=True, name="orders.refunds_reconcile")
def refunds_reconcile(self) -> None:
    from orders.services.refunds import RECONCILE_BATCH, refunds_reconcile

    if refunds_reconcile() == RECONCILE_BATCH:
        self.delay()
