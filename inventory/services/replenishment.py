"""The daily look at what fell below its minimum, sent to the stock team."""

from django.db import transaction
from django.utils import timezone

from inventory.models import ReorderRule, Supplier, Warehouse
from inventory.selectors import replenishment_needs
from storefront.accounts.selectors import staff_team
from support.notifications.models import Notification
from support.notifications.services import notification_queue

# Whoever may receive goods is on the stock team.
STOCK_TEAM_PERMISSION = "inventory.receive_stock"


def replenishment_notify() -> int:
    """Tell every member of the stock team, once a day, which variants to reorder and how
    many; return how many variants are below their minimum."""
    needs = list(replenishment_needs())
    if not needs:
        return 0
    today = timezone.localdate()
    for member in staff_team(permission=STOCK_TEAM_PERMISSION):
        notification_queue(
            kind=Notification.Kind.LOW_STOCK,
            dedup_key=f"low_stock:{today.isoformat()}:{member.pk}",
            recipient=member,
            context={"needs": needs, "day": today},
        )
    return len(needs)


@transaction.atomic
def reorder_rule_set(
    *, variant_id: int, warehouse: Warehouse, minimum: int, maximum: int, supplier: Supplier | None = None
) -> ReorderRule:
    """Keep a variant between these quantities in a warehouse, bought from `supplier` when
    given (the rule's supplier is kept otherwise). Raises ValidationError when the maximum is
    below the minimum."""
    rule = ReorderRule.objects.filter(variant_id=variant_id, warehouse=warehouse).first() or ReorderRule(
        variant_id=variant_id, warehouse=warehouse
    )
    rule.minimum, rule.maximum = minimum, maximum
    if supplier is not None:
        rule.supplier = supplier
    rule.full_clean(validate_unique=False, validate_constraints=True)
    rule.save()
    return rule
