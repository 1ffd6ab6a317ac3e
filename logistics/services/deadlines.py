"""Promised dates kept: shipments running late or gone quiet are listed and the shipping
team is told, once per shipment."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from logistics.models import Shipment
from logistics.notifications import shipments_late_alert
from logistics.selectors import shipment_list_overdue

ALERT_BATCH = 200


def shipments_overdue_alert(*, now: datetime | None = None) -> int:
    """Tell the shipping team, in one message, about shipments that went past their promised
    date or without carrier news since the last run; return how many."""
    now = now or timezone.now()
    with transaction.atomic():
        shipments = list(
            shipment_list_overdue(now=now)
            .filter(alerted_at__isnull=True)
            .select_for_update(of=("self",))[:ALERT_BATCH]
        )
        if shipments:
            Shipment.objects.filter(pk__in=[shipment.pk for shipment in shipments]).update(alerted_at=now)
            shipments_late_alert(shipments=shipments)
    return len(shipments)
