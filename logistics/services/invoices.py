"""Fiscal invoice records (NF-e), numbered without gaps per series: the outgoing invoice each
shipment carries, and the entry invoice of goods a customer sends back."""

import secrets
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from core.money import quantize_brl
from core.sequences import sequence_next
from logistics.access_keys import access_key
from logistics.adapters.invoices import InvoiceIssuer
from logistics.exceptions import OrderNotInvoiced
from logistics.models import InvoiceRecord, Shipment
from orders.models import Order, OrderLine


def invoice_issuer() -> InvoiceIssuer:
    return import_string(settings.STORE_INVOICE_ISSUER)()


def _discount_in_proportion(*, items: Decimal, discount_total: Decimal, items_total: Decimal) -> Decimal:
    """The share of a discount that falls on `items` out of `items_total`, never more than them."""
    if not items_total:
        return Decimal("0.00")
    return min(items, quantize_brl(discount_total * items / items_total))


def _invoice_record_issue(
    *, state: str, recipient_document: str, items: Decimal, discount: Decimal, freight: Decimal, **fields
) -> InvoiceRecord:
    """Take the series' next number, key it, have the issuer authorise it and record it with
    `fields` (kind, shipment or order, ...). The series' counter stays locked until the
    caller's transaction commits, so numbers never repeat nor skip."""
    series = settings.STORE_INVOICE_SERIES
    issued_at = timezone.now()
    number = sequence_next(f"invoice:{series}")
    key = access_key(
        state=state,
        issued_on=timezone.localdate(issued_at),
        cnpj=settings.STORE_COMPANY_CNPJ,
        series=series,
        number=number,
        code=secrets.randbelow(100_000_000),
    )
    total = items - discount + freight
    authorisation = invoice_issuer().authorise(
        access_key=key, total=total, recipient_document=recipient_document
    )
    return InvoiceRecord.objects.create(
        series=series,
        number=number,
        access_key=key,
        authorisation=authorisation.protocol,
        issued_at=issued_at,
        issuer_name=settings.STORE_COMPANY_NAME,
        issuer_cnpj=settings.STORE_COMPANY_CNPJ,
        items_total=items,
        freight_total=freight,
        discount_total=discount,
        total=total,
        **fields,
    )


def invoice_issue(*, shipment: Shipment) -> InvoiceRecord:
    """Number, key and authorise the invoice of a packed shipment: its items, the order's
    freight on its first shipment, and the order's discounts in proportion to the items.

    Must run inside the caller's transaction, last before it commits: the series' counter
    stays locked until then, so numbers never repeat nor skip even when packers race.
    """
    order = shipment.order
    items = quantize_brl(
        sum((line.order_line.unit_price * line.quantity for line in shipment.lines.all()), Decimal("0"))
    )
    is_first = not InvoiceRecord.objects.filter(shipment__order=order).exists()
    return _invoice_record_issue(
        state=shipment.warehouse.state or settings.STORE_COMPANY_STATE,
        recipient_document=order.invoice_document,
        items=items,
        discount=_discount_in_proportion(
            items=items, discount_total=order.discount_total, items_total=order.items_total
        ),
        freight=order.shipping_total if is_first else Decimal("0.00"),
        kind=InvoiceRecord.Kind.OUTGOING,
        shipment=shipment,
    )


def invoice_issue_entry(
    *, order: Order, lines: list[tuple[OrderLine, int]], freight: Decimal, source: str
) -> InvoiceRecord:
    """Number, key and authorise the entry invoice of units of `order` a customer sent back:
    the units at the prices they were sold at, less the discount in the proportion the order's
    first outgoing invoice gave, plus `freight` (the shipping given back), referring to that
    invoice's access key. Issued once per `source` (say "return:12"): asking again returns the
    first record.

    Must run inside the caller's transaction, last before it commits, as `invoice_issue`; the
    caller holds the lock of what `source` names, so one source is never issued twice at once.
    Raises OrderNotInvoiced when no outgoing invoice of the order stands.
    """
    issued = InvoiceRecord.objects.filter(source=source).first()
    if issued is not None:
        return issued
    if not lines or any(line.order_id != order.pk or quantity < 1 for line, quantity in lines):
        raise ValueError("an entry invoice takes one or more units of the order's own lines")
    outgoing = (
        InvoiceRecord.objects.filter(
            kind=InvoiceRecord.Kind.OUTGOING, shipment__order=order, cancelled_at__isnull=True
        )
        .select_related("shipment__warehouse")
        .order_by("issued_at", "pk")
        .first()
    )
    if outgoing is None:
        raise OrderNotInvoiced()
    items = quantize_brl(sum((line.unit_price * quantity for line, quantity in lines), Decimal("0")))
    return _invoice_record_issue(
        state=outgoing.shipment.warehouse.state or settings.STORE_COMPANY_STATE,
        recipient_document=order.invoice_document,
        items=items,
        discount=_discount_in_proportion(
            items=items, discount_total=outgoing.discount_total, items_total=outgoing.items_total
        ),
        freight=quantize_brl(freight),
        kind=InvoiceRecord.Kind.ENTRY,
        order=order,
        referenced_key=outgoing.access_key,
        source=source,
    )
