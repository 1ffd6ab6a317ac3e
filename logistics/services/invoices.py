"""The fiscal invoice record each shipment carries: numbered without gaps per series."""

import secrets
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from core.money import quantize_brl
from core.sequences import sequence_next
from logistics.access_keys import access_key
from logistics.adapters.invoices import InvoiceIssuer
from logistics.models import InvoiceRecord, Shipment


def invoice_issuer() -> InvoiceIssuer:
    return import_string(settings.STORE_INVOICE_ISSUER)()


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
    discount = (
        min(items, quantize_brl(order.discount_total * items / order.items_total)) if order.items_total else 0
    )
    freight = order.shipping_total if is_first else Decimal("0.00")
    series = settings.STORE_INVOICE_SERIES
    issued_at = timezone.now()
    number = sequence_next(f"invoice:{series}")
    key = access_key(
        state=shipment.warehouse.state or settings.STORE_COMPANY_STATE,
        issued_on=timezone.localdate(issued_at),
        cnpj=settings.STORE_COMPANY_CNPJ,
        series=series,
        number=number,
        code=secrets.randbelow(100_000_000),
    )
    total = items - discount + freight
    authorisation = invoice_issuer().authorise(access_key=key, total=total, recipient_cpf=order.cpf)
    return InvoiceRecord.objects.create(
        shipment=shipment,
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
    )
