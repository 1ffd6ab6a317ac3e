"""Reads shaped for the return pages: what a customer may still return and until when, a
request with everything its page shows, and the returns team's queues."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.core import signing
from django.db.models import Count, Max, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from inventory.models import Bin
from logistics.models import Shipment
from orders.models import Order, OrderLine
from orders.selectors import ACCESS_MAX_AGE, ACCESS_SALT
from returns.models import (
    OPEN_STATUSES,
    ReturnEvent,
    ReturnLine,
    ReturnPolicy,
    ReturnRequest,
    ReturnTrackingEvent,
    ReturnUnit,
)
from returns.windows import window_ends_on
from storefront.catalog.models import Variant

RS = ReturnRequest.Status
# Inspected and finished requests count the units accepted; rejected and expired ones none.
FINISHED_WITH_UNITS = (RS.INSPECTED, RS.REFUNDED, RS.EXCHANGED, RS.CLOSED)


def return_policy() -> ReturnPolicy:
    """The store's return policy (its defaults until a manager saves one)."""
    return ReturnPolicy.objects.order_by("pk").first() or ReturnPolicy()


def order_delivered_on(*, order: Order) -> date | None:
    """The day (store time) the carrier delivered the order's last parcel; None until then."""
    delivered_at = order.shipments.aggregate(last=Max("delivered_at"))["last"]
    return timezone.localdate(delivered_at) if delivered_at else None


def units_claimed(*, order_id: int, exclude_request_id: int | None = None) -> dict[int, int]:
    """Units of each order line already asked back: all of an open request, the accepted
    ones of a finished request."""
    claimed: dict[int, int] = defaultdict(int)
    lines = ReturnLine.objects.filter(request__order_id=order_id).exclude(request_id=exclude_request_id)
    for line_id, status, quantity, accepted in lines.values_list(
        "order_line_id", "request__status", "quantity", "accepted_quantity"
    ):
        if status in FINISHED_WITH_UNITS:
            claimed[line_id] += accepted
        elif status in OPEN_STATUSES:
            claimed[line_id] += quantity
    return claimed


@dataclass
class ReturnableLine:
    """One order line as the return form shows it."""

    line: OrderLine
    returnable: int
    claimed: int
    ends_on: dict[str, date] = field(default_factory=dict)  # reason -> last day
    replacements: list[Variant] = field(default_factory=list)  # the product's variants on sale

    @property
    def regret_ends_on(self) -> date | None:
        return self.ends_on.get(ReturnRequest.Reason.REGRET)

    @property
    def defect_ends_on(self) -> date | None:
        return self.ends_on.get(ReturnRequest.Reason.DEFECT)


def returnable_lines(
    *, order: Order, today: date | None = None, with_replacements: bool = False
) -> list[ReturnableLine]:
    """Each line of a delivered order with how many units may still be asked back, the last
    day for each reason (empty before delivery) and, if asked, the variants of its product on
    sale now (an exchange's choices). A fixed number of queries whatever the order's size."""
    today = today or timezone.localdate()
    delivered_on = order_delivered_on(order=order)
    policy = return_policy()
    claimed = units_claimed(order_id=order.pk)
    lines = list(order.lines.select_related("variant__product").order_by("pk"))
    on_sale = defaultdict(list)
    replacements = (
        Variant.objects.filter(
            product_id__in={line.variant.product_id for line in lines},
            is_active=True,
            stock_online__gt=0,
            product__is_published=True,
        )
        .select_related("product")
        .prefetch_related("attribute_values")
        .order_by("product_id", "position", "pk")
    )
    for variant in replacements if with_replacements else ():
        on_sale[variant.product_id].append(variant)
    rows = []
    for line in lines:
        taken = claimed.get(line.pk, 0)
        ends_on = {}
        if delivered_on is not None:
            ends_on = {
                reason: window_ends_on(
                    reason=reason,
                    delivered_on=delivered_on,
                    is_durable=line.variant.product.is_durable,
                    policy=policy,
                )
                for reason in ReturnRequest.Reason.values
                if reason != ReturnRequest.Reason.HIDDEN_DEFECT
            }
        rows.append(
            ReturnableLine(
                line=line,
                returnable=max(line.quantity - taken, 0),
                claimed=taken,
                ends_on=ends_on,
                replacements=on_sale[line.variant.product_id],
            )
        )
    return rows


def _with_page_data(queryset: QuerySet[ReturnRequest]) -> QuerySet[ReturnRequest]:
    return queryset.select_related(
        "order", "customer", "carrier_service", "ticket", "exchange_order"
    ).prefetch_related(
        Prefetch(
            "lines",
            queryset=ReturnLine.objects.select_related("order_line", "replacement_variant__product"),
        ),
        Prefetch("lines__units", queryset=ReturnUnit.objects.select_related("bin", "lot")),
        Prefetch("events", queryset=ReturnEvent.objects.order_by("created_at", "pk")),
        Prefetch("tracking_events", queryset=ReturnTrackingEvent.objects.order_by("occurred_at", "pk")),
        "photos",
    )


def return_get_for_customer(*, customer, number: str) -> ReturnRequest:
    """The customer's own request; anyone else's is not found."""
    request = _with_page_data(ReturnRequest.objects.filter(order__customer=customer, number=number)).first()
    if request is None:
        raise Http404("No such return request.")
    return request


def return_get_for_guest(*, number: str, token: str) -> ReturnRequest:
    """The request of the order a signed link names (the order's link from its emails)."""
    try:
        order_number = signing.loads(token, salt=ACCESS_SALT, max_age=ACCESS_MAX_AGE)
    except signing.BadSignature as error:
        raise Http404("No such return request.") from error
    request = _with_page_data(ReturnRequest.objects.filter(order__number=order_number, number=number)).first()
    if request is None:
        raise Http404("No such return request.")
    return request


def return_get(*, number: str) -> ReturnRequest:
    """A request for the returns team's screen."""
    request = _with_page_data(ReturnRequest.objects.filter(number=number)).first()
    if request is None:
        raise Http404("No such return request.")
    return request


def return_list_for_order(*, order: Order) -> list[ReturnRequest]:
    return list(
        ReturnRequest.objects.filter(order=order)
        .select_related("ticket")
        .prefetch_related(Prefetch("lines", queryset=ReturnLine.objects.select_related("order_line")))
        .order_by("-created_at", "-pk")
    )


def units_returned(requests: list[ReturnRequest]) -> dict[int, int]:
    """Units of each order line accepted back, read from requests whose lines were loaded
    (`return_list_for_order`)."""
    returned: dict[int, int] = defaultdict(int)
    for request in requests:
        for line in request.lines.all():
            returned[line.order_line_id] += line.accepted_quantity
    return returned


# The returns team's queues: which statuses each one holds.
QUEUES: dict[str, tuple[str, ...]] = {
    "decide": (RS.REQUESTED,),
    "in_transit": (RS.APPROVED, RS.AWAITING_SHIPMENT, RS.IN_TRANSIT),
    "inspect": (RS.RECEIVED,),
    "settle": (RS.INSPECTED,),
    "done": (RS.REFUNDED, RS.EXCHANGED, RS.CLOSED, RS.REJECTED, RS.EXPIRED),
}


def return_queue(*, queue: str, search: str = "") -> QuerySet[ReturnRequest]:
    """One queue of requests, oldest first (newest first for finished ones), filtered by a
    request or order number, tracking code or email; paginated by the caller.

    A search stays within the queue, as the tabs and the page say. Each kind of term is read
    through an index of its own, never an OR across the join with the orders: an email on the
    order (stored in lower case), anything else as a request's number, the requests of an order
    (their numbers are `<order number>-D<n>`) or a tracking code."""
    requests = ReturnRequest.objects.filter(status__in=QUEUES.get(queue, QUEUES["decide"]))
    search = search.strip()
    if "@" in search:
        requests = requests.filter(order__email=search.lower())
    elif search:
        code = search.upper()
        requests = requests.filter(Q(number=code) | Q(number__startswith=f"{code}-D") | Q(tracking_code=code))
    order = ("-created_at", "-pk") if queue == "done" else ("created_at", "pk")
    return requests.select_related("order").order_by(*order)


def return_queue_counts() -> dict[str, int]:
    """How many requests wait in each working queue, in one query over the open ones."""
    by_status = dict(
        ReturnRequest.objects.filter(status__in=OPEN_STATUSES)
        .values_list("status")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return {
        queue: sum(by_status.get(status, 0) for status in statuses)
        for queue, statuses in QUEUES.items()
        if queue != "done"
    }


def return_unit_codes(*, request: ReturnRequest) -> dict[int, frozenset[str]]:
    """The codes a unit of each line of the request scans as (its SKU, upper case, and its
    variant's EAN), by order line: what the inspection checks a scanned code against. Reads the
    request's lines as loaded (`return_get`), plus one query for the EANs."""
    lines = list(request.lines.all())
    eans = dict(
        Variant.objects.filter(pk__in={line.order_line.variant_id for line in lines})
        .exclude(ean="")
        .values_list("pk", "ean")
    )
    return {
        line.order_line_id: frozenset(
            code for code in (line.order_line.sku.upper(), eans.get(line.order_line.variant_id, "")) if code
        )
        for line in lines
    }


def return_restock_bins(*, request: ReturnRequest) -> list[Bin]:
    """The bins a unit of the request may go back on sale in: the sellable bins of the
    warehouse the order left from (its first delivered parcel, where the carrier brings the
    return), the default bin first. One query."""
    warehouse = (
        Shipment.objects.filter(order_id=request.order_id, status=Shipment.Status.DELIVERED)
        .order_by("pk")
        .values("warehouse_id")[:1]
    )
    bins = Bin.objects.filter(warehouse_id=Subquery(warehouse), is_sellable=True, is_active=True).exclude(
        code=Bin.DISPATCH_CODE
    )
    return sorted(bins, key=lambda bin: (bin.code != Bin.DEFAULT_CODE, bin.position, bin.code))
