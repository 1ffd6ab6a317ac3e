from dataclasses import dataclass

from django.http import Http404

from returns.models import ReturnPolicy
from returns.windows import DEFECT_DAYS, DURABLE_DEFECT_DAYS, REGRET_DAYS
from storefront.pages.models import StorePage


def store_page_get(*, slug: str) -> StorePage:
    page = StorePage.objects.filter(slug=slug).first()
    if page is None:
        raise Http404("No such page.")
    return page


@dataclass(frozen=True)
class ReturnTerms:
    """What a customer may send back and when, as the returns desk applies it today."""

    regret_days: int
    non_durable_defect_days: int
    durable_defect_days: int
    satisfaction_days: int
    satisfaction_refunds_shipping: bool


def return_terms() -> ReturnTerms:
    policy = ReturnPolicy.objects.order_by("pk").first() or ReturnPolicy()
    return ReturnTerms(
        regret_days=REGRET_DAYS,
        non_durable_defect_days=DEFECT_DAYS,
        durable_defect_days=DURABLE_DEFECT_DAYS,
        satisfaction_days=policy.satisfaction_days,
        satisfaction_refunds_shipping=policy.satisfaction_refunds_shipping,
    )
