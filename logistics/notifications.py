"""The messages logistics sends: to customers as their parcel moves, to the stock team when
a pick comes up short, to the shipping team when deliveries run late. A delivery that goes
wrong becomes a ticket at the support desk (support.services.incidents)."""

from django.utils import timezone

from inventory.services.replenishment import STOCK_TEAM_PERMISSION
from logistics.models import PickLine, Shipment, TrackingEvent
from orders.services.notifications import order_notify
from storefront.accounts.selectors import staff_team
from support.notifications.models import Notification
from support.notifications.services import notification_queue

SHIPPING_TEAM_PERMISSION = "logistics.dispatch_shipment"
# Carrier news the customer hears about by email; the rest shows on the order's page.
NEWS_FOR_CUSTOMER = frozenset(
    {
        TrackingEvent.Kind.OUT_FOR_DELIVERY,
        TrackingEvent.Kind.DELIVERY_FAILED,
        TrackingEvent.Kind.DELIVERED,
        TrackingEvent.Kind.RETURNED,
    }
)


def shipment_shipped_notify(*, shipment: Shipment) -> Notification:
    """The parcel is with the carrier: its tracking code, the promised date and the link."""
    kind = Notification.Kind.SHIPMENT_SHIPPED
    return order_notify(kind=kind, order=shipment.order, shipment=shipment, dedup_key=f"{kind}:{shipment.pk}")


def shipment_news_notify(*, shipment: Shipment, event: TrackingEvent) -> Notification | None:
    """Out for delivery, a failed attempt, delivered, or back with us: the customer hears of it."""
    if event.kind not in NEWS_FOR_CUSTOMER:
        return None
    kind = Notification.Kind.SHIPMENT_NEWS
    return order_notify(
        kind=kind, order=shipment.order, shipment=shipment, dedup_key=f"{kind}:{event.pk}", event=event
    )


def _team_notify(*, kind: str, permission: str, dedup_key: str, context: dict) -> int:
    team = list(staff_team(permission=permission))
    for member in team:
        notification_queue(kind=kind, dedup_key=f"{dedup_key}:{member.pk}", recipient=member, context=context)
    return len(team)


def short_pick_notify(*, line: PickLine, missing: int) -> int:
    """The stock team counts the bin where a picker did not find what the records said."""
    return _team_notify(
        kind=Notification.Kind.SHORT_PICK,
        permission=STOCK_TEAM_PERMISSION,
        dedup_key=f"short_pick:{line.pk}",
        context={"line": line, "missing": missing},
    )


def shipments_late_alert(*, shipments: list[Shipment]) -> int:
    """Shipments past their promised date or without carrier news, in one message."""
    today = timezone.localdate()
    return _team_notify(
        kind=Notification.Kind.SHIPPING_ALERT,
        permission=SHIPPING_TEAM_PERMISSION,
        dedup_key=f"shipping_alert:late:{today.isoformat()}:{min(s.pk for s in shipments)}:{len(shipments)}",
        context={"shipments": shipments, "late": shipments, "today": today},
    )
