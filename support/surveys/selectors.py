"""Reads of the surveys: the signed links customers answer through, what is due to be sent,
and the results (NPS and CSAT by carrier, product, category, agent and month, and the
comments) for the back office and the KPI dashboards."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core import signing
from django.db.models import Avg, Count, Exists, Max, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf, TruncMonth
from django.urls import reverse
from django.utils import timezone

from logistics.models import TrackingEvent
from orders.models import Order
from support.models import Channel, Ticket
from support.notifications.models import MarketingConsent
from support.notifications.selectors import marketing_latest_given
from support.surveys.exceptions import SurveyLinkExpired, SurveyLinkInvalid, SurveyNotYours
from support.surveys.models import DETRACTOR_UP_TO, PROMOTER_FROM, Survey, SurveyPolicy

EMAIL = MarketingConsent.Channel.EMAIL

ACCESS_SALT = "surveys.answer"
# A survey link works this long; later answers would say little about the purchase.
ACCESS_MAX_AGE = 60 * 24 * 3600
# An order not asked within this long of its due day (the job was stopped, the feature just
# turned on) is not asked any more: a survey that late is noise to the customer.
ASK_WITHIN = timedelta(days=30)
# Resolved tickets whose survey task was lost are found by the reconciler this long after.
TICKET_RECONCILE_WITHIN = timedelta(days=2)
TICKET_RECONCILE_AFTER = timedelta(minutes=10)
# Tickets the store opened itself, or a consumer body brought, are not surveyed.
TICKETS_NOT_SURVEYED = (Channel.INTERNAL, Channel.CONSUMER_BODY)


def survey_policy() -> SurveyPolicy:
    """The store's survey policy (its defaults until a manager saves one)."""
    return SurveyPolicy.objects.order_by("pk").first() or SurveyPolicy()


# --- Links ---------------------------------------------------------------------------------


def survey_token(*, survey: Survey, score: int | None = None) -> str:
    """The signed part of a survey link: the survey, and the score a one-click link gives."""
    return signing.dumps([survey.pk, score], salt=ACCESS_SALT)


def survey_path(*, survey: Survey, score: int | None = None) -> str:
    return reverse(
        "support:surveys:survey-answer", kwargs={"token": survey_token(survey=survey, score=score)}
    )


def survey_url(*, survey: Survey, score: int | None = None) -> str:
    """The absolute link a message carries."""
    return f"{settings.SITE_URL}{survey_path(survey=survey, score=score)}"


def survey_links(*, survey: Survey) -> dict:
    """The links a survey message carries: the page with the whole scale, and one link per score."""
    return {
        "survey_url": survey_url(survey=survey),
        "score_links": [(score, survey_url(survey=survey, score=score)) for score in survey.scale],
    }


def survey_get_for_link(*, token: str, user=None) -> tuple[Survey, int | None]:
    """The survey a signed link names and the score it carries (None for the page of the whole
    scale). A signed-in customer may answer only their own survey; a guest's order is answered
    through its link alone.

    Raises SurveyLinkInvalid (altered, or no such survey), SurveyLinkExpired or SurveyNotYours.
    """
    try:
        payload = signing.loads(token, salt=ACCESS_SALT, max_age=ACCESS_MAX_AGE)
    except signing.SignatureExpired as error:
        raise SurveyLinkExpired() from error
    except signing.BadSignature as error:
        raise SurveyLinkInvalid() from error
    if not (
        isinstance(payload, list)
        and len(payload) == 2
        and isinstance(payload[0], int)
        and (payload[1] is None or isinstance(payload[1], int))
    ):
        raise SurveyLinkInvalid()
    survey_id, score = payload
    survey = Survey.objects.select_related("order", "ticket").filter(pk=survey_id).first()
    if survey is None:
        raise SurveyLinkInvalid()
    if user is not None and user.is_authenticated and survey.customer_id and survey.customer_id != user.pk:
        raise SurveyNotYours()
    return survey, score


# --- What is due -----------------------------------------------------------------------------


def order_ids_due_survey(*, now: datetime, days: int, limit: int) -> list[int]:
    """Orders whose last parcel was delivered `days` ago or more (within ASK_WITHIN of that)
    and that have no survey yet, oldest first. Found from the carriers' delivery events by
    their indexed kind and time, so the query stays small however many orders there are."""
    due_at = now - timedelta(days=days)
    delivered = TrackingEvent.objects.filter(
        kind=TrackingEvent.Kind.DELIVERED, created_at__lte=due_at, created_at__gt=due_at - ASK_WITHIN
    ).values("shipment__order_id")
    return list(
        Order.objects.filter(pk__in=delivered, status__in=[Order.Status.DELIVERED, Order.Status.COMPLETED])
        .exclude(Exists(Survey.objects.filter(order=OuterRef("pk"), kind=Survey.Kind.NPS)))
        # Surveys are marketing: not for those who withdrew consent by email (their orders would
        # otherwise stay due and fill every batch).
        .alias(email_consent=marketing_latest_given(email=OuterRef("email"), channel=EMAIL))
        .filter(Q(email_consent__isnull=True) | Q(email_consent=True))
        .annotate(last_delivered_at=Max("shipments__delivered_at"))
        .filter(last_delivered_at__lte=due_at)
        .order_by("last_delivered_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def ticket_ids_unsurveyed(*, now: datetime, limit: int) -> list[int]:
    """Resolved tickets of the last days with someone to ask and no survey: their survey task
    was lost on its way (the resolution enqueues it)."""
    return list(
        Ticket.objects.filter(
            status=Ticket.Status.RESOLVED,
            resolved_at__gte=now - TICKET_RECONCILE_WITHIN,
            resolved_at__lte=now - TICKET_RECONCILE_AFTER,
        )
        .exclude(channel__in=TICKETS_NOT_SURVEYED)
        .filter(
            Q(customer__isnull=False)
            | ~Q(contact_email="")
            | Q(channel=Channel.WHATSAPP, contact_phone__gt="")
        )
        .exclude(Exists(Survey.objects.filter(ticket=OuterRef("pk"), kind=Survey.Kind.CSAT)))
        .alias(survey_email=Coalesce(NullIf("contact_email", Value("")), "customer__email"))
        .alias(email_consent=marketing_latest_given(email=OuterRef("survey_email"), channel=EMAIL))
        .filter(Q(email_consent__isnull=True) | Q(email_consent=True))
        .order_by("resolved_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


# --- Results -------------------------------------------------------------------------------


@dataclass(frozen=True)
class NpsRow:
    """NPS of a group of answers: promoters (9-10) minus detractors (0-6), in points of percent,
    with the counts and the average per-aspect scores (1-5) of those who gave them."""

    key: object
    label: str
    answers: int
    promoters: int
    passives: int
    detractors: int
    product: Decimal | None = None
    delivery: Decimal | None = None
    packaging: Decimal | None = None

    @property
    def nps(self) -> int | None:
        if not self.answers:
            return None
        share = Decimal(100 * (self.promoters - self.detractors)) / self.answers
        return int(share.quantize(Decimal("1"), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class CsatRow:
    """CSAT of a group of answers: the average score (1-5), and the share of 4 and 5."""

    key: object
    label: str
    answers: int
    average: Decimal | None
    satisfied: int

    @property
    def satisfied_share(self) -> int | None:
        if not self.answers:
            return None
        return int((Decimal(100 * self.satisfied) / self.answers).quantize(Decimal("1"), ROUND_HALF_UP))


def _tenth(value) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def month_range(month: date) -> tuple[datetime, datetime]:
    """The instants a month of the store's calendar starts and ends at."""
    first = date(month.year, month.month, 1)
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return (
        timezone.make_aware(datetime.combine(first, time.min)),
        timezone.make_aware(datetime.combine(following, time.min)),
    )


def _answered(kind: str, month: date | None) -> QuerySet[Survey]:
    surveys = Survey.objects.filter(kind=kind, answered_at__isnull=False)
    if month is not None:
        start, end = month_range(month)
        surveys = surveys.filter(answered_at__gte=start, answered_at__lt=end)
    return surveys


def _nps_figures() -> dict:
    # distinct: an order with two lines of one product or category joins twice.
    return {
        "answers": Count("pk", distinct=True),
        "promoters": Count("pk", distinct=True, filter=Q(score__gte=PROMOTER_FROM)),
        "detractors": Count("pk", distinct=True, filter=Q(score__lte=DETRACTOR_UP_TO)),
        "product": Avg("product_score"),
        "delivery": Avg("delivery_score"),
        "packaging": Avg("packaging_score"),
    }


def _nps_row(values: dict, *, key_field: str | None, label_field: str | None) -> NpsRow:
    return NpsRow(
        key=values[key_field] if key_field else None,
        label=(values[label_field] or "") if label_field else "",
        answers=values["answers"],
        promoters=values["promoters"],
        passives=values["answers"] - values["promoters"] - values["detractors"],
        detractors=values["detractors"],
        product=_tenth(values["product"]),
        delivery=_tenth(values["delivery"]),
        packaging=_tenth(values["packaging"]),
    )


def nps_summary(*, month: date | None = None) -> NpsRow:
    """The NPS of every answer (of `month`, when given)."""
    values = _answered(Survey.Kind.NPS, month).aggregate(**_nps_figures())
    return _nps_row(values, key_field=None, label_field=None)


def _nps_grouped(*, month: date | None, key: str, label: str) -> list[NpsRow]:
    rows = (
        _answered(Survey.Kind.NPS, month)
        .values(*dict.fromkeys([key, label]))
        .annotate(**_nps_figures())
        .order_by("-answers", label)
    )
    return [_nps_row(values, key_field=key, label_field=label) for values in rows]


def nps_by_carrier(*, month: date | None = None) -> list[NpsRow]:
    """NPS per carrier that delivered the order (kept on the survey when it was sent)."""
    return _nps_grouped(month=month, key="carrier", label="carrier")


def nps_by_category(*, month: date | None = None) -> list[NpsRow]:
    """NPS per category of the products bought; an order counts once in each of its categories."""
    return _nps_grouped(
        month=month,
        key="order__lines__variant__product__category_id",
        label="order__lines__variant__product__category__name",
    )


def nps_by_product(*, month: date | None = None, limit: int | None = None, offset: int = 0) -> list[NpsRow]:
    """NPS per product bought, most answered first; an order counts once for each of its
    products. `limit` and `offset` page through a catalog of any size."""
    rows = (
        _answered(Survey.Kind.NPS, month)
        .values("order__lines__variant__product_id", "order__lines__variant__product__name")
        .annotate(**_nps_figures())
        .order_by("-answers", "order__lines__variant__product__name")
    )
    if limit is not None:
        rows = rows[offset : offset + limit]
    return [
        _nps_row(
            values,
            key_field="order__lines__variant__product_id",
            label_field="order__lines__variant__product__name",
        )
        for values in rows
    ]


def nps_product_count(*, month: date | None = None) -> int:
    """How many products `nps_by_product` lists."""
    return (
        _answered(Survey.Kind.NPS, month)
        .filter(order__lines__variant__product__isnull=False)
        .values("order__lines__variant__product_id")
        .distinct()
        .count()
    )


def _month_start(value: datetime | date) -> date:
    return date(value.year, value.month, 1)


def _months_back(*, until: date, months: int) -> date:
    index = until.year * 12 + until.month - 1 - (months - 1)
    return date(index // 12, index % 12 + 1, 1)


def nps_by_month(*, months: int = 12, today: date | None = None) -> list[NpsRow]:
    """NPS of each of the last `months` months that had answers, the latest first."""
    today = today or timezone.localdate()
    start, _end = month_range(_months_back(until=today, months=months))
    rows = (
        Survey.objects.filter(kind=Survey.Kind.NPS, answered_at__gte=start)
        .annotate(month=TruncMonth("answered_at"))
        .values("month")
        .annotate(**_nps_figures())
        .order_by("-month")
    )
    return [
        _nps_row({**values, "month": _month_start(values["month"])}, key_field="month", label_field=None)
        for values in rows
    ]


def _csat_figures() -> dict:
    return {
        "answers": Count("pk"),
        "average": Avg("score"),
        "satisfied": Count("pk", filter=Q(score__gte=4)),
    }


def _csat_row(values: dict, *, key, label: str) -> CsatRow:
    return CsatRow(
        key=key,
        label=label,
        answers=values["answers"],
        average=_tenth(values["average"]),
        satisfied=values["satisfied"],
    )


def csat_summary(*, month: date | None = None) -> CsatRow:
    values = _answered(Survey.Kind.CSAT, month).aggregate(**_csat_figures())
    return _csat_row(values, key=None, label="")


def csat_by_agent(*, month: date | None = None) -> list[CsatRow]:
    """CSAT per agent the ticket was assigned to when it was resolved (kept on the survey)."""
    rows = (
        _answered(Survey.Kind.CSAT, month)
        .values("agent_id", "agent__full_name", "agent__email")
        .annotate(**_csat_figures())
        .order_by("-answers", "agent__full_name")
    )
    return [
        _csat_row(
            values, key=values["agent_id"], label=values["agent__full_name"] or values["agent__email"] or ""
        )
        for values in rows
    ]


def csat_by_month(*, months: int = 12, today: date | None = None) -> list[CsatRow]:
    today = today or timezone.localdate()
    start, _end = month_range(_months_back(until=today, months=months))
    rows = (
        Survey.objects.filter(kind=Survey.Kind.CSAT, answered_at__gte=start)
        .annotate(month=TruncMonth("answered_at"))
        .values("month")
        .annotate(**_csat_figures())
        .order_by("-month")
    )
    return [_csat_row(values, key=_month_start(values["month"]), label="") for values in rows]


def survey_comment_list(*, month: date | None = None) -> QuerySet[Survey]:
    """Answers with a comment, the latest first, with the order or ticket they are about and
    the follow-up ticket when there is one."""
    surveys = Survey.objects.exclude(comment="").filter(answered_at__isnull=False)
    if month is not None:
        start, end = month_range(month)
        surveys = surveys.filter(answered_at__gte=start, answered_at__lt=end)
    return surveys.select_related("order", "ticket", "follow_up_ticket").order_by("-answered_at", "-pk")


def survey_months(*, months: int = 12, today: date | None = None) -> list[date]:
    """The months the results page offers, the current one first."""
    today = today or timezone.localdate()
    return [_months_back(until=today, months=count) for count in range(1, months + 1)]
