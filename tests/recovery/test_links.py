"""What a reminder's links do for the person who opens them: the cart comes back at today's
prices and the order counts as recovered; one click stops the reminders. Changed links and
items no longer for sale change nothing."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from orders.models import Order, RecoveryOpportunity
from storefront.cart.models import Cart
from storefront.catalog.models import Variant
from support.recovery.exceptions import RecoveryLinkInvalid
from support.recovery.models import RecoveryMessage, RecoveryOptOut
from support.recovery.services import recovery_link, recovery_reminders_send_due, recovery_unsubscribe_link
from tests.checkout.test_checkout_views import place, to_review
from tests.logistics.factories import service_and_box
from tests.orders.factories import BUYER, OrderFactory
from tests.recovery.factories import lost_cart, lost_order, variant_in_stock

pytestmark = pytest.mark.django_db

Status = RecoveryOpportunity.Status


def buy(client) -> None:
    to_review(client, payment={"delivery": "sedex"})
    place(client)


def local(url: str) -> str:
    return url.removeprefix("http://testserver")


@pytest.fixture
def lost(django_capture_on_commit_callbacks):
    """A cart of two T-shirts left an hour and a half ago, whose first reminder went."""
    service_and_box()
    lost_at = timezone.now() - timedelta(minutes=90)
    opportunity = lost_cart(lost_at=lost_at, email=BUYER.email, variant=variant_in_stock(price="50.00"))
    with django_capture_on_commit_callbacks(execute=True):
        recovery_reminders_send_due()
    return opportunity


def test_the_link_puts_the_items_back_at_todays_price_and_the_order_counts_as_recovered(client, lost):
    variant_id = lost.lines[0][0]
    Variant.objects.filter(pk=variant_id).update(price=Decimal("45.00"))  # on sale since

    response = client.get(local(recovery_link(opportunity_id=lost.pk, step=1)))

    assert response.status_code == 302 and response.url == reverse("cart:cart-detail")
    cart = Cart.objects.get(status=Cart.Status.OPEN, customer=None, lines__isnull=False, contact_email="")
    line = cart.lines.get()
    assert (line.variant_id, line.quantity, line.price_when_added) == (variant_id, 2, Decimal("45.00"))
    assert RecoveryMessage.objects.get().clicked_at is not None
    assert RecoveryOpportunity.objects.get().clicked_at is not None

    buy(client)

    order = Order.objects.get()
    opportunity = RecoveryOpportunity.objects.get()
    assert (opportunity.status, opportunity.recovered_order, opportunity.recovered_step) == (
        Status.RECOVERED,
        order,
        1,
    )
    assert (opportunity.recovered_via, opportunity.recovered_value) == ("link", order.grand_total)


def test_buying_without_the_link_closes_the_lost_sale_as_bought(client, lost):
    client.get(reverse("cart:cart-detail"))
    client.post(reverse("cart:cart-add"), {"variant": lost.lines[0][0], "quantity": 1})
    buy(client)
    opportunity = RecoveryOpportunity.objects.get()
    assert (opportunity.status, opportunity.close_reason) == (Status.CLOSED, "purchased")
    assert opportunity.recovered_order is None


def test_a_click_older_than_the_window_does_not_count(client, lost):
    client.get(local(recovery_link(opportunity_id=lost.pk, step=1)))
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        buy(client)
    assert RecoveryOpportunity.objects.get().status == Status.CLOSED


def test_a_changed_link_is_refused_and_changes_nothing(client, lost):
    url = local(recovery_link(opportunity_id=lost.pk, step=1))
    response = client.get(url[:-3] + "xyz/")
    assert response.status_code == 404
    assert str(RecoveryLinkInvalid.message) in response.content.decode()
    assert not Cart.objects.filter(customer=None, contact_email="").exists()
    assert RecoveryMessage.objects.get().clicked_at is None


def test_a_link_whose_items_are_gone_says_so_and_changes_nothing(client, lost):
    Variant.objects.filter(pk=lost.lines[0][0]).update(stock_online=0)
    response = client.get(local(recovery_link(opportunity_id=lost.pk, step=1)))
    assert response.status_code == 410
    assert 'data-testid="recover-message"' in response.content.decode()
    assert not Cart.objects.filter(customer=None, contact_email="").exists()
    assert RecoveryOpportunity.objects.get().clicked_at is None


def test_an_expired_pix_is_recovered_through_its_link(client, django_capture_on_commit_callbacks):
    service_and_box()
    variant = variant_in_stock(price="70.00")
    order = OrderFactory(email=BUYER.email, placed_at=timezone.now() - timedelta(hours=3))
    order.lines.create(
        variant=variant,
        sku=variant.sku,
        product_name="Camiseta básica",
        unit_price=Decimal("70.00"),
        quantity=1,
        line_total=Decimal("70.00"),
    )
    opportunity = lost_order(order=order)
    RecoveryOpportunity.objects.filter(pk=opportunity.pk).update(lost_at=timezone.now() - timedelta(hours=2))
    with django_capture_on_commit_callbacks(execute=True):
        recovery_reminders_send_due()
    link = next(line for line in mail.outbox[-1].body.splitlines() if "/carrinho/voltar/" in line)

    client.get(local(link.strip()))
    buy(client)

    opportunity.refresh_from_db()
    assert opportunity.status == Status.RECOVERED
    assert opportunity.recovered_order.pk != order.pk and opportunity.recovered_value > 0


def test_one_click_stops_the_reminders_and_the_page_offers_to_take_it_back(client, lost):
    url = local(recovery_unsubscribe_link(email=lost.email))
    page = client.get(url).content.decode()
    assert 'data-testid="unsubscribe"' in page
    assert RecoveryOptOut.objects.get().is_in_force
    assert RecoveryOpportunity.objects.get().close_reason == "opted_out"

    client.post(reverse("recovery:recovery-resubscribe", args=[url.split("/")[-2]]))
    assert not RecoveryOptOut.objects.get().is_in_force


def test_a_mail_programs_one_click_post_stops_them_too(client, lost):
    from django.test import Client

    mail_program = Client(enforce_csrf_checks=True)
    response = mail_program.post(
        local(recovery_unsubscribe_link(email=lost.email)), {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    assert RecoveryOptOut.objects.get().source == RecoveryOptOut.Source.MAIL_CLIENT


def test_unsubscribing_an_unknown_address_answers_the_same_and_records_nothing(client):
    known = client.get(local(recovery_unsubscribe_link(email="nobody@example.com.br")))
    assert known.status_code == 200 and 'data-testid="unsubscribe"' in known.content.decode()
    assert not RecoveryOptOut.objects.exists()


def test_a_changed_unsubscribe_link_is_refused(client, lost):
    url = local(recovery_unsubscribe_link(email=lost.email))
    response = client.get(url[:-3] + "xyz/")
    assert response.status_code == 404
    assert not RecoveryOptOut.objects.exists()


def test_the_email_typed_at_checkout_is_kept_on_the_cart_as_soon_as_it_is_typed(client):
    variant = variant_in_stock()
    client.get(reverse("cart:cart-detail"))
    client.post(reverse("cart:cart-add"), {"variant": variant.pk, "quantity": 1})
    page = client.get(reverse("checkout:checkout-details")).content.decode()
    assert reverse("checkout:checkout-contact") in page

    assert (
        client.post(reverse("checkout:checkout-contact"), {"email": " Rita@Example.com.BR "}).status_code
        == 204
    )
    assert Cart.objects.get().contact_email == "rita@example.com.br"
    client.post(reverse("checkout:checkout-contact"), {"email": "not an email"})
    assert Cart.objects.get().contact_email == "rita@example.com.br"
    assert gettext("Email")  # the field keeps its label
