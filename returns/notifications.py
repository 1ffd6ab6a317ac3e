"""What the customer hears as their return moves: each step once, on the order's channel
(email, or WhatsApp when they chose it), with the links a guest opens without logging in."""

from django.conf import settings
from django.urls import reverse

from orders.selectors import order_access_token
from orders.services.notifications import order_notify
from returns.models import ReturnRequest
from support.notifications.models import Notification

STEPS = frozenset(
    {
        "requested",
        "approved",
        "rejected",
        "authorised",
        "received",
        "inspected",
        "refunded",
        "expired",
        "withdrawn",
        "exchange_shipping",
    }
)


def return_links(*, request: ReturnRequest) -> dict[str, str]:
    """Absolute links to the request's page, its printable authorisation and, for an exchange,
    the replacement order's page (where a difference is paid)."""
    query = f"?t={order_access_token(order=request.order)}"

    def link(name: str) -> str:
        return settings.SITE_URL + reverse(name, kwargs={"number": request.number}) + query

    links = {
        "return_url": link("returns:return-detail"),
        "authorisation_url": link("returns:return-authorisation"),
    }
    exchange = request.exchange_order
    if exchange is not None:
        links["exchange_url"] = (
            settings.SITE_URL
            + reverse("checkout:order-track", kwargs={"number": exchange.number})
            + f"?t={order_access_token(order=exchange)}"
        )
    return links


def return_notify(*, request: ReturnRequest, step: str) -> Notification:
    """Tell the customer the request reached `step`; the same step is never told twice."""
    if step not in STEPS:
        raise ValueError(f"unknown return step {step}")
    kind = Notification.Kind.RETURN_UPDATE
    return order_notify(
        kind=kind,
        order=request.order,
        dedup_key=f"{kind}:{request.pk}:{step}",
        request=request,
        return_lines=list(request.lines.select_related("order_line", "replacement_variant__product")),
        exchange_order=request.exchange_order,
        step=step,
        **return_links(request=request),
    )
