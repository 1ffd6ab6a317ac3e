"""Entry invoices of goods a customer sends back: the same series as the outgoing ones, the
outgoing invoice's key referred to, its discount in proportion, issued once per source."""

from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from logistics.access_keys import is_valid_access_key
from logistics.exceptions import OrderNotInvoiced
from logistics.models import InvoiceRecord
from logistics.services import invoice_issue_entry
from tests.logistics.factories import shipped_order, stocked_variant, validated_order

pytestmark = pytest.mark.django_db


def issue_entry(order, *, units: int = 1, freight: str = "0.00", source: str = "return:1") -> InvoiceRecord:
    with transaction.atomic():
        return invoice_issue_entry(
            order=order,
            lines=[(order.lines.get(), units)],
            freight=Decimal(freight),
            source=source,
        )


def test_an_entry_invoice_continues_the_series_and_refers_to_the_outgoing_invoice(
    django_capture_on_commit_callbacks,
):
    # given
    outgoing = shipped_order(django_capture_on_commit_callbacks).invoice
    # when
    entry = issue_entry(outgoing.shipment.order, freight="20.00")
    # then
    assert (entry.kind, entry.series, entry.number) == (
        InvoiceRecord.Kind.ENTRY,
        outgoing.series,
        outgoing.number + 1,
    )
    assert (entry.order, entry.shipment, entry.source) == (outgoing.shipment.order, None, "return:1")
    assert entry.referenced_key == outgoing.access_key
    assert is_valid_access_key(entry.access_key) and entry.access_key != outgoing.access_key
    assert entry.authorisation
    assert (entry.items_total, entry.discount_total, entry.freight_total, entry.total) == (100, 0, 20, 120)
    # ...and the next outgoing invoice takes the number after it
    assert shipped_order(django_capture_on_commit_callbacks).invoice.number == entry.number + 1


def test_the_discount_falls_on_the_returned_units_as_on_the_outgoing_invoice(
    django_capture_on_commit_callbacks,
):
    # given: two units of 100.00 with 15.00 off the order
    order = shipped_order(
        django_capture_on_commit_callbacks,
        lines=[(stocked_variant(), 2)],
        discount_total=Decimal("15.00"),
        shipping_total=Decimal("35.00"),
    ).order
    assert order.shipments.get().invoice.discount_total == Decimal("15.00")
    # when
    entry = issue_entry(order, units=1)
    # then
    assert (entry.items_total, entry.discount_total, entry.freight_total, entry.total) == (
        Decimal("100.00"),
        Decimal("7.50"),
        Decimal("0.00"),
        Decimal("92.50"),
    )


def test_issuing_again_for_the_same_source_returns_the_first_invoice(django_capture_on_commit_callbacks):
    # given
    order = shipped_order(django_capture_on_commit_callbacks).order
    first = issue_entry(order, source="return:7")
    # when
    again = issue_entry(order, units=1, freight="9.99", source="return:7")
    # then
    assert again.pk == first.pk and again.freight_total == 0
    assert InvoiceRecord.objects.filter(kind=InvoiceRecord.Kind.ENTRY).count() == 1
    assert issue_entry(order, source="return:8").number == first.number + 1  # no number spent


def test_an_order_without_an_invoice_standing_is_refused(django_capture_on_commit_callbacks):
    # given: one order never packed, another whose only invoice was voided
    never_packed = validated_order(django_capture_on_commit_callbacks)
    voided = shipped_order(django_capture_on_commit_callbacks).invoice
    InvoiceRecord.objects.filter(pk=voided.pk).update(cancelled_at=timezone.now())
    issued = list(InvoiceRecord.objects.values_list("pk", flat=True))
    for order in (never_packed, voided.shipment.order):
        # when
        with pytest.raises(OrderNotInvoiced) as refused:
            issue_entry(order)
        # then
        assert refused.value.message == "Este pedido não tem nota fiscal de saída para a devolução."
    assert list(InvoiceRecord.objects.values_list("pk", flat=True)) == issued
