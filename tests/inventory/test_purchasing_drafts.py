"""Purchase orders drafted by hand or from the reorder list, edited while drafts, then sent."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from backoffice.roles import Role
from core.actor import Actor, PermissionMissing
from inventory.exceptions import (
    InvalidQuantity,
    InvalidUnitCost,
    PurchaseLineDuplicate,
    PurchaseOrderEmpty,
    PurchaseOrderNotDraft,
    VariantUnknown,
)
from inventory.models import PurchaseOrder, PurchaseOrderLine, ReorderRule, Supplier
from inventory.selectors import replenishment_needs
from inventory.services import (
    purchase_order_cancel,
    purchase_order_draft,
    purchase_order_line_add,
    purchase_order_line_change,
    purchase_order_line_remove,
    purchase_order_send,
    purchase_orders_from_reorder,
    stock_receive,
)
from tests.catalog.factories import ProductFactory
from tests.inventory.factories import WarehouseFactory

pytestmark = pytest.mark.django_db

JOB = Actor.job("test")


def supplier(name="Distribuidora Horizonte", cnpj="11222333000181", lead_time_days=5) -> Supplier:
    return Supplier.objects.create(name=name, cnpj=cnpj, lead_time_days=lead_time_days)


def variant(*, on_hand=0, cost=None):
    variant = ProductFactory(stock=0).variants.get()
    if cost is not None:
        variant.cost_price = cost
        variant.save(update_fields=["cost_price"])
    if on_hand:
        stock_receive(variant_id=variant.pk, warehouse=WarehouseFactory(), quantity=on_hand, actor=JOB)
    return variant


def rule(variant, *, supplier, minimum=10, maximum=30) -> ReorderRule:
    return ReorderRule.objects.create(
        variant=variant, warehouse=WarehouseFactory(), minimum=minimum, maximum=maximum, supplier=supplier
    )


def draft(supplier_row=None) -> PurchaseOrder:
    return purchase_order_draft(supplier=supplier_row or supplier(), warehouse=WarehouseFactory(), actor=JOB)


def sent_order(supplier_row, variant, quantity) -> PurchaseOrder:
    order = purchase_order_draft(supplier=supplier_row, warehouse=WarehouseFactory(), actor=JOB)
    purchase_order_line_add(
        purchase_order_id=order.pk, variant_id=variant.pk, quantity=quantity, unit_cost=None, actor=JOB
    )
    return purchase_order_send(purchase_order_id=order.pk, actor=JOB)


# Drafting by hand


def test_a_draft_is_expected_after_the_suppliers_lead_time():
    order = draft(supplier(lead_time_days=12))
    assert order.status == PurchaseOrder.Status.DRAFT
    assert order.expected_on == timezone.localdate() + timedelta(days=12)


def test_a_line_takes_the_variants_cost_price_when_no_cost_is_given():
    order, item = draft(), variant(cost=Decimal("12.30"))
    line = purchase_order_line_add(
        purchase_order_id=order.pk, variant_id=item.pk, quantity=4, unit_cost=None, actor=JOB
    )
    assert (line.quantity_ordered, line.unit_cost) == (4, Decimal("12.30"))


@pytest.mark.parametrize("quantity", [0, -3, True, "2"])
def test_a_line_without_a_positive_whole_quantity_is_refused(quantity):
    order, item = draft(), variant()
    with pytest.raises(InvalidQuantity):
        purchase_order_line_add(
            purchase_order_id=order.pk, variant_id=item.pk, quantity=quantity, unit_cost=None, actor=JOB
        )
    assert not PurchaseOrderLine.objects.exists()


@pytest.mark.parametrize("cost", [Decimal("-1"), Decimal("1.234"), "abc"])
def test_a_line_with_a_bad_unit_cost_is_refused(cost):
    order, item = draft(), variant()
    with pytest.raises(InvalidUnitCost):
        purchase_order_line_add(
            purchase_order_id=order.pk, variant_id=item.pk, quantity=1, unit_cost=cost, actor=JOB
        )
    assert not PurchaseOrderLine.objects.exists()


def test_an_unknown_variant_is_refused():
    order = draft()
    with pytest.raises(VariantUnknown):
        purchase_order_line_add(
            purchase_order_id=order.pk, variant_id=987654, quantity=1, unit_cost=None, actor=JOB
        )
    assert not PurchaseOrderLine.objects.exists()


def test_a_variant_twice_on_one_order_is_refused_and_the_first_line_kept():
    order, item = draft(), variant()
    purchase_order_line_add(
        purchase_order_id=order.pk, variant_id=item.pk, quantity=3, unit_cost=None, actor=JOB
    )
    with pytest.raises(PurchaseLineDuplicate) as refused:
        purchase_order_line_add(
            purchase_order_id=order.pk, variant_id=item.pk, quantity=5, unit_cost=None, actor=JOB
        )
    assert item.sku in refused.value.message
    assert list(order.lines.values_list("quantity_ordered", flat=True)) == [3]


def test_a_sent_order_cannot_be_edited_or_cancelled_as_a_draft():
    item = variant()
    order = sent_order(supplier(), item, 6)
    line = order.lines.get()
    with pytest.raises(PurchaseOrderNotDraft):
        purchase_order_line_change(
            purchase_order_id=order.pk, line_id=line.pk, quantity=9, unit_cost=Decimal("1"), actor=JOB
        )
    with pytest.raises(PurchaseOrderNotDraft):
        purchase_order_line_add(
            purchase_order_id=order.pk, variant_id=variant().pk, quantity=1, unit_cost=None, actor=JOB
        )
    with pytest.raises(PurchaseOrderNotDraft):
        purchase_order_line_remove(purchase_order_id=order.pk, line_id=line.pk, actor=JOB)
    with pytest.raises(PurchaseOrderNotDraft):
        purchase_order_cancel(purchase_order_id=order.pk, actor=JOB)
    with pytest.raises(PurchaseOrderNotDraft):
        purchase_order_send(purchase_order_id=order.pk, actor=JOB)
    line.refresh_from_db()
    order.refresh_from_db()
    assert (line.quantity_ordered, order.status) == (6, PurchaseOrder.Status.ORDERED)


def test_sending_records_who_and_when_and_makes_it_owed(make_staff):
    clerk = make_staff(Role.WAREHOUSE)
    item = variant()
    rule(item, supplier=supplier(), minimum=10, maximum=30)
    order = purchase_order_draft(supplier=Supplier.objects.get(), warehouse=WarehouseFactory(), actor=JOB)
    purchase_order_line_add(
        purchase_order_id=order.pk, variant_id=item.pk, quantity=8, unit_cost=None, actor=JOB
    )
    assert replenishment_needs().get().incoming == 0  # a draft is not owed yet
    purchase_order_send(purchase_order_id=order.pk, actor=Actor.staff(clerk))
    order.refresh_from_db()
    assert order.status == PurchaseOrder.Status.ORDERED
    assert order.sent_by == f"staff:{clerk.email}"
    assert order.sent_at is not None
    assert replenishment_needs().get().incoming == 8


def test_an_empty_draft_is_not_sent():
    order = draft()
    with pytest.raises(PurchaseOrderEmpty):
        purchase_order_send(purchase_order_id=order.pk, actor=JOB)
    order.refresh_from_db()
    assert order.status == PurchaseOrder.Status.DRAFT


def test_a_draft_is_cancelled():
    order = draft()
    purchase_order_cancel(purchase_order_id=order.pk, actor=JOB)
    order.refresh_from_db()
    assert order.status == PurchaseOrder.Status.CANCELLED


def test_roles_without_purchasing_may_not_draft_or_send(make_staff):
    order = draft()
    for role in (Role.SUPPORT_AGENT, Role.SHIPPING):
        actor = Actor.staff(make_staff(role))
        with pytest.raises(PermissionMissing):
            purchase_order_draft(supplier=order.supplier, warehouse=order.warehouse, actor=actor)
        with pytest.raises(PermissionMissing):
            purchase_order_send(purchase_order_id=order.pk, actor=actor)
        with pytest.raises(PermissionMissing):
            purchase_orders_from_reorder(actor=actor)
    assert PurchaseOrder.objects.count() == 1


# From the reorder list


def test_suggested_quantity_reaches_the_maximum_less_what_is_free_and_already_ordered():
    horizonte = supplier(lead_time_days=9)
    item = variant(on_hand=3, cost=Decimal("7.50"))
    rule(item, supplier=horizonte, minimum=10, maximum=30)
    sent_order(horizonte, item, 4)  # 4 owed by the supplier
    result = purchase_orders_from_reorder(actor=JOB)
    [order] = result.created
    line = order.lines.get()
    assert (line.variant_id, line.quantity_ordered, line.unit_cost) == (item.pk, 30 - 3 - 4, Decimal("7.50"))
    assert order.status == PurchaseOrder.Status.DRAFT
    assert order.expected_on == timezone.localdate() + timedelta(days=9)


def test_one_draft_per_supplier():
    horizonte, aurora = supplier(), supplier(name="Aurora Têxtil", cnpj="04252011000110", lead_time_days=2)
    for item_supplier in (horizonte, horizonte, aurora):
        rule(variant(), supplier=item_supplier)
    result = purchase_orders_from_reorder(actor=JOB)
    assert result.lines_added == 3
    by_supplier = {order.supplier_id: order.lines.count() for order in result.created}
    assert by_supplier == {horizonte.pk: 2, aurora.pk: 1}


def test_drafting_twice_adds_nothing_while_the_drafts_exist():
    horizonte = supplier()
    rule(variant(), supplier=horizonte)
    rule(variant(), supplier=horizonte)
    purchase_orders_from_reorder(actor=JOB)
    again = purchase_orders_from_reorder(actor=JOB)
    assert (again.created, again.extended, again.lines_added, again.already_drafted) == ([], [], 0, 2)
    assert PurchaseOrder.objects.count() == 1
    assert PurchaseOrderLine.objects.count() == 2


def test_a_new_need_joins_the_suppliers_open_draft():
    horizonte = supplier()
    rule(variant(), supplier=horizonte)
    [order] = purchase_orders_from_reorder(actor=JOB).created
    rule(variant(), supplier=horizonte)
    result = purchase_orders_from_reorder(actor=JOB)
    assert (result.created, result.extended, result.lines_added) == ([], [order], 1)
    assert order.lines.count() == 2


def test_after_sending_a_draft_only_what_is_still_missing_is_drafted():
    horizonte = supplier()
    item = variant()
    rule(item, supplier=horizonte, minimum=10, maximum=30)
    [order] = purchase_orders_from_reorder(actor=JOB).created
    purchase_order_send(purchase_order_id=order.pk, actor=JOB)
    result = purchase_orders_from_reorder(actor=JOB)
    assert result.lines_added == 0  # 30 owed: no longer below the minimum
    assert PurchaseOrder.objects.count() == 1


def test_variants_without_a_supplier_are_reported_not_ordered():
    lonely = variant()
    rule(lonely, supplier=None)
    result = purchase_orders_from_reorder(actor=JOB)
    assert result.without_supplier == [lonely.sku]
    assert not PurchaseOrder.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_drafting_from_two_sessions_at_once_drafts_once(migrated_defaults):
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    horizonte = supplier()
    for _ in range(3):
        rule(variant(), supplier=horizonte)

    def run():
        try:
            return purchase_orders_from_reorder(actor=JOB).lines_added
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        added = sorted(pool.map(lambda _i: run(), range(2)))
    assert added == [0, 3]
    assert PurchaseOrder.objects.count() == 1
    assert PurchaseOrderLine.objects.count() == 3
