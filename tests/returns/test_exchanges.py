"""Exchanges: the replacement is an order of its own, its stock held from the approval, that
ships once the return is back and accepted, or at once when a manager trusts the customer."""

from decimal import Decimal

import pytest
from django.urls import reverse

from backoffice.roles import Role
from core.actor import Actor, PermissionMissing
from core.money import format_brl
from inventory.models import Reservation
from inventory.services import stock_reserve
from orders.exceptions import OrderAwaitsReturn
from orders.models import Order, RecoveryOpportunity, Refund
from orders.selectors import order_hold_counts, order_hold_queue
from orders.services.review import order_approve
from returns.exceptions import ExchangeNotPending, ReplacementCheaper, ReplacementNotAvailable
from returns.models import ReturnPolicy, ReturnRequest, ReturnUnit
from returns.notifications import return_links
from returns.services import (
    LineAsk,
    UnitDecision,
    return_approve,
    return_exchange_ship_now,
    return_inspect,
    return_receive,
    return_request_create,
    return_withdraw,
)
from support.notifications.models import Notification
from tests.accounts.factories import UserFactory
from tests.catalog.factories import ProductFactory, VariantFactory
from tests.logistics.factories import stocked_variant
from tests.orders.test_payment_start import pay_by_card
from tests.returns.factories import delivered_order, other_variant_in_stock, photo

pytestmark = pytest.mark.django_db

RS = ReturnRequest.Status
Disposition = ReturnUnit.Disposition
JOB = Actor.job("test")
PT = {"HTTP_ACCEPT_LANGUAGE": "pt-br"}


def _other_size(variant, *, price: str = "100.00"):
    """Another variant of the same product, in stock."""
    return other_variant_in_stock(variant, price=price)


def _other_product(*, price: str):
    """A variant of another product, in stock."""
    return other_variant_in_stock(ProductFactory(stock=0).variants.get(), price=price)


def _exchange(order, replacement, *, reason=ReturnRequest.Reason.REGRET, quantity=None, **fields):
    line = order.lines.get()
    evidence = (
        {"description": "Veio com defeito.", "photos": [photo()]}
        if reason != ReturnRequest.Reason.REGRET
        else {}
    )
    return return_request_create(
        order_id=order.pk,
        actor=Actor.customer(order.customer),
        reason=reason,
        lines=[
            LineAsk(
                order_line_id=line.pk,
                quantity=quantity or line.quantity,
                replacement_variant_id=replacement.pk,
            )
        ],
        resolution=ReturnRequest.Resolution.EXCHANGE,
        **evidence,
        **fields,
    )


def _back(capture, request, *dispositions):
    """The parcel arrives and each unit is inspected as `dispositions` say."""
    line = request.order.lines.get()
    with capture(execute=True):
        return_receive(code=request.tracking_code, actor=JOB)
        return_inspect(
            request_id=request.pk,
            actor=JOB,
            decisions=[
                UnitDecision(
                    order_line_id=line.pk,
                    disposition=disposition,
                    note="Riscado." if disposition == Disposition.REFUSED else "",
                )
                for disposition in dispositions
            ],
        )
    request.refresh_from_db()
    return request


def test_another_size_is_held_at_once_and_ships_when_the_return_is_accepted(
    django_capture_on_commit_callbacks,
):
    order = delivered_order(django_capture_on_commit_callbacks)
    bought = order.lines.get()
    size_m = _other_size(bought.variant)
    with django_capture_on_commit_callbacks(execute=True):
        request = _exchange(order, size_m)
    request.refresh_from_db()
    exchange = Order.objects.get(pk=request.exchange_order_id)
    # Regret is approved at once: the replacement is an order of its own, nothing to pay,
    # its unit held, waiting for the items to come back.
    assert request.status == RS.AWAITING_SHIPMENT
    assert (exchange.channel, exchange.grand_total, exchange.shipping_total) == (
        Order.Channel.EXCHANGE,
        Decimal("0.00"),
        Decimal("0.00"),
    )
    assert (exchange.status, exchange.hold_reason, exchange.awaits_return) == (
        Order.Status.ON_HOLD,
        Order.HoldReason.RETURN,
        True,
    )
    assert (exchange.cep, exchange.email) == (order.cep, order.email)
    assert exchange.lines.get().variant == size_m
    held = Reservation.objects.get(reference=f"order:{exchange.pk}")
    assert (held.level.variant_id, held.quantity, held.status) == (size_m.pk, 1, Reservation.Status.ALLOCATED)
    size_m.refresh_from_db()
    assert size_m.stock_online == 2

    request = _back(django_capture_on_commit_callbacks, request, Disposition.RESTOCK)

    assert request.status == RS.EXCHANGED
    assert request.items_refund == Decimal("0.00")  # the item's value went into the replacement
    exchange.refresh_from_db()
    assert (exchange.status, exchange.awaits_return) == (Order.Status.VALIDATED, False)
    # Regret: the law gives the shipping back, even in an exchange.
    refund = Refund.objects.get(source=f"return:{request.pk}")
    assert refund.amount == order.shipping_total == request.shipping_refund
    assert refund.order == order


def test_a_dearer_product_is_paid_as_a_difference_and_still_waits_for_the_return(
    django_capture_on_commit_callbacks,
):
    order = delivered_order(django_capture_on_commit_callbacks)
    dearer = _other_product(price="150.00")
    with django_capture_on_commit_callbacks(execute=True):
        request = _exchange(order, dearer)
    exchange = Order.objects.get(pk=ReturnRequest.objects.get(pk=request.pk).exchange_order_id)
    assert exchange.status == Order.Status.AWAITING_PAYMENT
    assert (exchange.items_total, exchange.discount_total, exchange.grand_total) == (
        Decimal("150.00"),
        Decimal("100.00"),
        Decimal("50.00"),
    )

    with django_capture_on_commit_callbacks(execute=True):
        payment = pay_by_card(exchange, installments=1)
    exchange.refresh_from_db()
    assert payment.amount == Decimal("50.00")
    assert (exchange.status, exchange.hold_reason) == (Order.Status.ON_HOLD, Order.HoldReason.RETURN)

    manager = Actor.job("manager")
    with django_capture_on_commit_callbacks(execute=True):
        return_exchange_ship_now(request_id=request.pk, actor=manager)
    exchange.refresh_from_db()
    assert exchange.status == Order.Status.VALIDATED
    with pytest.raises(ExchangeNotPending):
        return_exchange_ship_now(request_id=request.pk, actor=manager)


def test_another_product_cheaper_than_what_was_bought_is_refused_and_nothing_is_stored(
    django_capture_on_commit_callbacks,
):
    order = delivered_order(django_capture_on_commit_callbacks)
    with pytest.raises(ReplacementCheaper) as refused:
        _exchange(order, _other_product(price="80.00"))
    assert format_brl(Decimal("100.00")) in refused.value.message
    assert not ReturnRequest.objects.exists()
    assert not Order.objects.filter(channel=Order.Channel.EXCHANGE).exists()


def test_a_replacement_sold_out_is_refused_to_the_customer_who_chooses_again(
    django_capture_on_commit_callbacks,
):
    order = delivered_order(django_capture_on_commit_callbacks)
    sold_out = VariantFactory(product=order.lines.get().variant.product)
    with pytest.raises(ReplacementNotAvailable):
        _exchange(order, sold_out)
    assert not ReturnRequest.objects.exists()


def test_a_replacement_sold_out_before_staff_approve_turns_into_a_refund(
    django_capture_on_commit_callbacks, make_staff
):
    order = delivered_order(django_capture_on_commit_callbacks)
    last_one = _other_size(order.lines.get().variant)
    request = _exchange(order, last_one, reason=ReturnRequest.Reason.DEFECT)
    assert request.status == RS.REQUESTED
    stock_reserve(lines=[(last_one.pk, 3)], reference="order:someone-else", actor=JOB)

    with django_capture_on_commit_callbacks(execute=True):
        return_approve(request_id=request.pk, actor=Actor.staff(make_staff(Role.RETURNS)))
    request.refresh_from_db()
    assert request.status == RS.AWAITING_SHIPMENT
    assert request.resolution == ReturnRequest.Resolution.REFUND and request.exchange_order is None
    assert "sold out" in request.decision_note or "esgot" in request.decision_note


def test_a_unit_refused_at_inspection_calls_the_exchange_off_and_refunds_what_was_accepted(
    django_capture_on_commit_callbacks,
):
    variant = stocked_variant(units=5)
    order = delivered_order(django_capture_on_commit_callbacks, lines=[(variant, 2)])
    size_m = _other_size(variant)
    with django_capture_on_commit_callbacks(execute=True):
        request = _exchange(order, size_m)
    request.refresh_from_db()
    exchange = request.exchange_order
    assert size_m.stock_online == 3

    request = _back(django_capture_on_commit_callbacks, request, Disposition.RESTOCK, Disposition.REFUSED)

    assert (request.status, request.resolution) == (RS.REFUNDED, ReturnRequest.Resolution.REFUND)
    assert request.items_refund == Decimal("100.00")
    assert Refund.objects.get(source=f"return:{request.pk}").amount == request.refund_total
    exchange.refresh_from_db()
    assert (exchange.status, exchange.cancel_reason) == (
        Order.Status.CANCELLED,
        Order.CancelReason.EXCHANGE_CALLED_OFF,
    )
    size_m.refresh_from_db()
    assert size_m.stock_online == 3  # the held units are on sale again
    assert not RecoveryOpportunity.objects.filter(order=exchange).exists()


def test_withdrawing_the_return_cancels_its_replacement(django_capture_on_commit_callbacks):
    order = delivered_order(django_capture_on_commit_callbacks)
    size_m = _other_size(order.lines.get().variant)
    with django_capture_on_commit_callbacks(execute=True):
        request = _exchange(order, size_m)
        return_withdraw(request_id=request.pk, customer=order.customer)
    request.refresh_from_db()
    assert request.status == RS.CLOSED
    assert request.exchange_order.status == Order.Status.CANCELLED
    assert not Reservation.objects.filter(
        reference=f"order:{request.exchange_order_id}", status=Reservation.Status.ALLOCATED
    ).exists()


def test_the_store_policy_can_ship_every_replacement_at_once(django_capture_on_commit_callbacks):
    ReturnPolicy.objects.create(ship_replacement_at_once=True)
    order = delivered_order(django_capture_on_commit_callbacks)
    size_m = _other_size(order.lines.get().variant)
    with django_capture_on_commit_callbacks(execute=True):
        request = _exchange(order, size_m)
    request.refresh_from_db()
    assert request.ship_replacement_at_once
    assert request.exchange_order.status == Order.Status.VALIDATED


def test_only_who_may_ship_exchanges_early_does_it(django_capture_on_commit_callbacks, make_staff):
    order = delivered_order(django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        request = _exchange(order, _other_size(order.lines.get().variant))
    with pytest.raises(PermissionMissing):
        return_exchange_ship_now(request_id=request.pk, actor=Actor.staff(make_staff(Role.RETURNS)))
    with django_capture_on_commit_callbacks(execute=True):
        return_exchange_ship_now(request_id=request.pk, actor=Actor.staff(make_staff(Role.MANAGER)))
    request.refresh_from_db()
    assert request.exchange_order.status == Order.Status.VALIDATED


def test_the_customer_chooses_the_replacement_on_the_form_and_sees_it_held(
    client, django_capture_on_commit_callbacks
):
    order = delivered_order(django_capture_on_commit_callbacks, customer=UserFactory())
    client.force_login(order.customer)
    line = order.lines.get()
    size_m = _other_size(line.variant)
    data = {
        "reason": "regret",
        "parcel_mode": "drop_off",
        "resolution": "exchange",
        f"line_{line.pk}": 1,
        f"replace_{line.pk}": size_m.pk,
    }
    url = reverse("returns:return-create", args=[order.number])
    page = client.get(url, **PT).content.decode()
    assert f'<option value="{size_m.pk}">{size_m.sku} · {format_brl(size_m.price)}</option>' in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data, **PT)

    request = ReturnRequest.objects.get()
    assert response.status_code == 302
    assert request.lines.get().replacement_variant == size_m
    detail = client.get(response["Location"], **PT).content.decode()
    assert 'data-testid="return-exchange"' in detail and request.exchange_order.number in detail


def test_an_unknown_product_code_is_shown_on_its_field(client, django_capture_on_commit_callbacks):
    order = delivered_order(django_capture_on_commit_callbacks, customer=UserFactory())
    client.force_login(order.customer)
    line = order.lines.get()
    data = {
        "reason": "regret",
        "parcel_mode": "drop_off",
        "resolution": "exchange",
        f"line_{line.pk}": 1,
        f"replace_sku_{line.pk}": "NAO-EXISTE",
    }
    response = client.post(reverse("returns:return-create", args=[order.number]), data, **PT)
    assert response.status_code == 200
    assert response.context["form"].errors[f"replace_sku_{line.pk}"]
    assert not ReturnRequest.objects.exists()


def test_the_back_office_ships_a_replacement_early_for_a_manager(
    staff_client, django_capture_on_commit_callbacks
):
    order = delivered_order(django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        request = _exchange(order, _other_size(order.lines.get().variant))
    client = staff_client(Role.MANAGER)
    detail = client.get(reverse("backoffice:return-detail", args=[request.number]), **PT).content.decode()
    assert 'data-testid="ship-now"' in detail
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("backoffice:return-exchange-ship-now", args=[request.number]), **PT)
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.exchange_order.status == Order.Status.VALIDATED


def test_the_approval_tells_the_customer_the_difference_to_pay_with_the_replacements_link(
    django_capture_on_commit_callbacks,
):
    order = delivered_order(django_capture_on_commit_callbacks, language="en")
    with django_capture_on_commit_callbacks(execute=True):
        request = _exchange(order, _other_product(price="150.00"))
    request.refresh_from_db()
    approved = Notification.objects.get(dedup_key=f"{Notification.Kind.RETURN_UPDATE}:{request.pk}:approved")
    exchange = request.exchange_order
    amount = format_brl(Decimal("50.00"), "en")
    assert (
        f"Your replacement, order {exchange.number}, is reserved for you. Pay the difference of {amount}"
    ) in approved.body_text
    # the replacement's page, with a signed link (its signature carries the second it was made)
    assert return_links(request=request)["exchange_url"].split("?t=")[0] + "?t=" in approved.body_text
    assert "It ships as soon as the items you return arrive and are checked." in approved.body_text
    assert not Notification.objects.filter(dedup_key__endswith=f":{request.pk}:requested").exists()


def test_a_replacement_held_for_its_return_is_not_the_analysts_to_approve(
    django_capture_on_commit_callbacks, make_staff
):
    order = delivered_order(django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        request = _exchange(order, _other_size(order.lines.get().variant))
    exchange = Order.objects.get(pk=ReturnRequest.objects.get(pk=request.pk).exchange_order_id)
    assert exchange.hold_reason == Order.HoldReason.RETURN
    assert not order_hold_queue().filter(pk=exchange.pk).exists()
    assert Order.HoldReason.RETURN not in order_hold_counts()
    analyst = Actor.staff(make_staff(Role.ORDER_ANALYST))
    with pytest.raises(OrderAwaitsReturn):
        order_approve(order_id=exchange.pk, actor=analyst, seen=exchange.updated_at)
    exchange.refresh_from_db()
    assert exchange.status == Order.Status.ON_HOLD
