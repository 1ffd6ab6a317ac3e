"""How long a customer may ask to return something, by the consumer code (CDC) and the
store's own policy, counted in São Paulo days from the carrier's delivery event.

A window "ends on" a day: the customer may ask until 23:59 of that day, store time.
"""

from datetime import date, timedelta

from returns.models import ReturnPolicy, ReturnRequest

Reason = ReturnRequest.Reason
REGRET_DAYS = 7  # CDC art. 49: right of regret for purchases made away from a shop
DEFECT_DAYS = 30  # CDC art. 26 I: apparent defects of non-durable goods
DURABLE_DEFECT_DAYS = 90  # CDC art. 26 II: apparent defects of durable goods
# A wrong or missing item and damage in transport are apparent defects of the delivery.
DEFECT_REASONS = frozenset({Reason.DEFECT, Reason.WRONG_ITEM, Reason.MISSING_ITEM, Reason.TRANSPORT_DAMAGE})
# Decided at once, no questions asked; the others wait for the returns team.
AUTO_APPROVED = frozenset({Reason.REGRET, Reason.DISSATISFACTION})
# Reasons the law makes the store pay the shipping back for.
SHIPPING_REFUNDED_BY_LAW = frozenset(set(Reason.values) - {Reason.DISSATISFACTION})
# The longest any window runs from delivery, for deciding when a sale is final.
LONGEST_DAYS = max(REGRET_DAYS, DEFECT_DAYS, DURABLE_DEFECT_DAYS)


def window_ends_on(
    *,
    reason: str,
    delivered_on: date,
    is_durable: bool,
    policy: ReturnPolicy,
    noticed_on: date | None = None,
) -> date:
    """The last day a customer may ask to return an item delivered on `delivered_on`."""
    defect_days = DURABLE_DEFECT_DAYS if is_durable else DEFECT_DAYS
    if reason == Reason.REGRET:
        return delivered_on + timedelta(days=REGRET_DAYS)
    if reason in DEFECT_REASONS:
        return delivered_on + timedelta(days=defect_days)
    if reason == Reason.HIDDEN_DEFECT:  # CDC art. 26 §3: counted from when the defect shows up
        return max(noticed_on or delivered_on, delivered_on) + timedelta(days=defect_days)
    return delivered_on + timedelta(days=policy.satisfaction_days)


def sale_final_on(*, delivered_on: date, policy: ReturnPolicy) -> date:
    """The day after which no window counted from delivery is open any more."""
    return delivered_on + timedelta(days=max(LONGEST_DAYS, policy.satisfaction_days))
