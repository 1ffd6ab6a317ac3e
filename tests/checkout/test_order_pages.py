"""What the customer's order pages say: nothing payable on a cancelled order, a held order
explained, how it was paid and what came back, each message once, dates nobody misreads."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from core.actor import Actor
from orders.models import Order, Payment
from orders.selectors import order_access_token
from orders.services.cancellation import order_cancel_by_staff
from orders.services.notices import PAID, sandbox_notice_deliver
from orders.services.payments import payment_start
from tests.orders.factories import OrderFactory
from tests.orders.test_payment_start import pay_by_card

pytestmark = pytest.mark.django_db

SAO_PAULO = ZoneInfo("America/Sao_Paulo")
AT_3_DEC_1527 = datetime(2026, 12, 3, 15, 27, tzinfo=SAO_PAULO)


def track(client, order, language="en"):
    response = client.get(
        reverse("checkout:order-track", args=[order.number]),
        {"t": order_access_token(order=order)},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 200
    return response.content.decode()


def confirmation(client, order, language="en"):
    response = client.get(
        reverse("checkout:order-confirmation", args=[order.number]),
        {"t": order_access_token(order=order)},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 200
    return response.content.decode()


def text_of(html: str, testid: str) -> str:
    """The text inside the element with this data-testid, tags and extra spaces dropped."""
    match = re.search(rf'data-testid="{testid}"[^>]*>(.*?)</(?:p|div)>', html, re.S)
    assert match, f"no {testid} on the page"
    return re.sub(r"[ \t\n]+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip()  # keeps no-break spaces


def cancel_as_customer(client, order):
    return client.post(
        reverse("checkout:order-cancel", args=[order.number]),
        {"t": order_access_token(order=order)},
        HTTP_ACCEPT_LANGUAGE="pt-br",
        follow=True,
    )


def test_a_cancelled_pix_order_offers_no_code_and_says_who_cancelled_it(
    client, django_capture_on_commit_callbacks
):
    # given
    order = OrderFactory()
    payment = payment_start(order_id=order.pk, method=Payment.Method.PIX)
    assert 'data-testid="pix-qr"' in confirmation(client, order, "pt-br")
    # when
    with django_capture_on_commit_callbacks(execute=True):
        cancel_as_customer(client, order)
    # then
    for html in (track(client, order, "pt-br"), confirmation(client, order, "pt-br")):
        assert 'data-testid="pix-qr"' not in html and 'data-testid="pix-code"' not in html
        assert payment.pix_code not in html
        assert "Pague até" not in html and "Obrigado" not in html
    html = confirmation(client, order)
    assert text_of(html, "confirmation-title") == f"Order {order.number} is cancelled."
    assert text_of(html, "payment-withdrawn") == (
        "The Pix code of this order was cancelled and can no longer be paid. Nothing was charged."
    )
    assert text_of(html, "order-status-note").startswith("You cancelled this order on ")


def test_a_cancelled_pix_order_whose_code_is_still_being_withdrawn_asks_not_to_pay_it(
    client, django_capture_on_commit_callbacks
):
    order = OrderFactory()
    payment = payment_start(order_id=order.pk, method=Payment.Method.PIX)
    with django_capture_on_commit_callbacks(execute=False):  # the withdrawal has not run yet
        cancel_as_customer(client, order)
    html = track(client, order)
    assert payment.pix_code not in html and 'data-testid="pix-qr"' not in html
    assert text_of(html, "payment-withdrawing") == (
        "Please do not pay the Pix code of this order: we are cancelling it with the bank. Nothing was "
        "charged, and if a payment still arrives we give it back in full."
    )


def test_a_cancelled_boleto_order_cannot_be_printed_and_says_the_boleto_was_written_off(
    client, django_capture_on_commit_callbacks
):
    order = OrderFactory()
    payment = payment_start(order_id=order.pk, method=Payment.Method.BOLETO)
    with django_capture_on_commit_callbacks(execute=True):
        order_cancel_by_staff(order_id=order.pk, actor=Actor.job("test"), note="pedido duplicado")
    html = track(client, order)
    assert payment.boleto_line not in html and 'data-testid="boleto-print"' not in html
    assert text_of(html, "payment-withdrawn") == (
        "The boleto of this order was written off at the bank and can no longer be paid. Nothing was charged."
    )
    assert text_of(html, "order-status-note").startswith("The store cancelled this order on ")
    boleto = reverse("checkout:order-boleto", args=[order.number])
    assert client.get(boleto, {"t": order_access_token(order=order)}).status_code == 404


def test_a_held_order_says_in_plain_words_it_is_being_reviewed_and_for_how_long(client):
    order = OrderFactory(status=Order.Status.ON_HOLD, hold_reason=Order.HoldReason.FRAUD)
    assert text_of(track(client, order), "order-status-note") == (
        "Your order is being reviewed. We are checking a few details before preparing it; this usually "
        "takes up to 1 business day. If we need anything from you, we will email you; otherwise there is "
        "nothing you need to do."
    )
    assert "Em análise" in track(client, order, "pt-br")


@pytest.mark.parametrize(
    ("method", "said"),
    [(Payment.Method.PIX, "Pix"), (Payment.Method.BOLETO, "Boleto")],
)
def test_the_payment_box_says_how_it_is_paid(client, method, said):
    order = OrderFactory()
    payment_start(order_id=order.pk, method=method)
    assert text_of(track(client, order), "payment-method") == said


def test_the_payment_box_names_the_card(client):
    order = OrderFactory()
    pay_by_card(order)
    assert text_of(track(client, order), "payment-method") == "Credit card: Visa ending in 1111"


def test_a_refunded_payment_says_how_much_how_and_when(client, django_capture_on_commit_callbacks):
    # given: paid by Pix, then cancelled by the store and refunded
    order = OrderFactory()
    payment = payment_start(order_id=order.pk, method=Payment.Method.PIX)
    with django_capture_on_commit_callbacks(execute=True):
        sandbox_notice_deliver(payment=payment, kind=PAID)
    with django_capture_on_commit_callbacks(execute=True):
        order_cancel_by_staff(order_id=order.pk, actor=Actor.job("test"), note="sem estoque")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REFUNDED
    Payment.objects.filter(pk=payment.pk).update(paid_at=AT_3_DEC_1527, refunded_at=AT_3_DEC_1527)
    # when
    html = track(client, order)
    # then
    assert (
        text_of(html, "payment-approved")
        == "Received R$\N{NO-BREAK SPACE}120.00 by Pix on 3 Dec 2026, 15:27."
    )
    assert text_of(html, "payment-refund") == (
        "Refunded R$\N{NO-BREAK SPACE}120.00 on 3 Dec 2026, 15:27. "
        "The money goes back by Pix to the account that paid, within 1 business day."
    )


def test_money_still_held_for_a_cancelled_order_is_said_to_be_on_its_way_back(client):
    order = OrderFactory(status=Order.Status.CANCELLED, cancel_reason=Order.CancelReason.CUSTOMER)
    Payment.objects.create(
        order=order,
        method=Payment.Method.BOLETO,
        amount=order.grand_total,
        gateway="sandbox",
        gateway_reference="bol_late",
        status=Payment.Status.PAID,
        paid_at=AT_3_DEC_1527,
    )
    assert text_of(track(client, order), "payment-refund").startswith(
        "This order is cancelled, so we are giving the R$\N{NO-BREAK SPACE}120.00 back. "
        "A boleto cannot be paid back automatically"
    )


def test_english_dates_are_unambiguous_and_portuguese_ones_day_first(client):
    order = OrderFactory(placed_at=AT_3_DEC_1527)
    event = order.events.create(to_status=order.status, actor="job:test")
    type(event).objects.filter(pk=event.pk).update(created_at=AT_3_DEC_1527)
    assert "3 Dec 2026, 15:27" in track(client, order, "en")
    assert "03/12/2026 15:27" in track(client, order, "pt-br")


def test_the_cancellation_message_shows_once(client, django_capture_on_commit_callbacks):
    order = OrderFactory()
    with django_capture_on_commit_callbacks(execute=True):
        html = cancel_as_customer(client, order).content.decode()
    assert html.count(f"O pedido {order.number} foi cancelado.") == 1


def test_a_checkout_message_shows_once(client):
    html = client.get(reverse("checkout:checkout-details"), HTTP_ACCEPT_LANGUAGE="pt-br", follow=True)
    assert html.content.decode().count('role="alert"') == 1


def test_a_card_order_cancelled_before_capture_says_the_hold_is_released(
    client, django_capture_on_commit_callbacks
):
    order = OrderFactory()
    pay_by_card(order)
    with django_capture_on_commit_callbacks(execute=True):
        order_cancel_by_staff(order_id=order.pk, actor=Actor.job("test"), note="cliente desistiu")
    assert Payment.objects.get().status == Payment.Status.VOIDED
    assert text_of(track(client, order), "payment-released") == (
        "The amount reserved on your card is released; depending on your bank it may take a few days to show."
    )
