"""Guest data retention: old guest orders lose the buyer and keep their amounts."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from backoffice.roles import Role
from core.actor import Actor
from orders.models import Order
from storefront.accounts.erasure import (
    ANONYMOUS_NAME,
    PLACEHOLDER_DOMAIN,
    erasure_request_carry_out,
    erasure_request_create,
)
from storefront.accounts.models import ErasureRequest
from storefront.accounts.retention import privacy_retention
from storefront.accounts.tasks import privacy_retention as privacy_retention_task
from storefront.cart.models import Cart
from storefront.cart.services import cart_contact_set, cart_create
from support.models import ChatSession
from support.notifications.models import Notification
from support.services.chat import chat_start
from tests.accounts.factories import UserFactory
from tests.notifications.factories import NotificationFactory
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def old_guest_order(settings):
    settings.STORE_GUEST_DATA_RETENTION_DAYS = 30
    return OrderFactory(status=Order.Status.COMPLETED, placed_at=timezone.now() - timedelta(days=31))


def test_old_guest_orders_are_anonymised_keeping_their_amounts(old_guest_order):
    # given, beside orders that stay as they are
    recent = OrderFactory(status=Order.Status.COMPLETED)
    in_flight = OrderFactory(status=Order.Status.SHIPPED, placed_at=old_guest_order.placed_at)
    customer_order = OrderFactory(
        customer=UserFactory(), status=Order.Status.COMPLETED, placed_at=old_guest_order.placed_at
    )
    # when
    done = privacy_retention()
    # then
    assert done.orders == 1
    order = Order.objects.get(pk=old_guest_order.pk)
    assert order.full_name == ANONYMOUS_NAME and order.cpf == "" and order.phone == ""
    assert order.email.endswith(f"@{PLACEHOLDER_DOMAIN}")
    assert order.grand_total == old_guest_order.grand_total and order.city == old_guest_order.city
    for untouched in (recent, in_flight, customer_order):
        assert Order.objects.get(pk=untouched.pk).full_name == untouched.full_name
    # and a second pass finds nothing
    assert privacy_retention().orders == 0


def test_old_messages_to_guests_lose_address_and_text(old_guest_order):
    old = NotificationFactory(recipient=None, to_address=old_guest_order.email)
    Notification.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=40))
    privacy_retention()
    old.refresh_from_db()
    assert old.to_address == "" and old.body_text == ""


def test_dry_run_counts_and_changes_nothing(old_guest_order):
    out = StringIO()
    call_command("privacy_retention", "--dry-run", stdout=out, stderr=StringIO())
    assert "Would anonymise 1 guest order(s)" in out.getvalue()
    assert Order.objects.get(pk=old_guest_order.pk).full_name == old_guest_order.full_name
    call_command("privacy_retention", stdout=out, stderr=StringIO())
    assert Order.objects.get(pk=old_guest_order.pk).full_name == ANONYMOUS_NAME


def test_the_task_runs_a_pass(old_guest_order):
    privacy_retention_task.apply()
    assert Order.objects.get(pk=old_guest_order.pk).full_name == ANONYMOUS_NAME


def test_old_guest_carts_and_chats_forget_who_they_were(old_guest_order):
    # given
    cart = cart_create(customer=None)
    cart_contact_set(cart_id=cart.pk, email="visitante@example.com.br", name="Visitante", phone="11912345678")
    chat = chat_start(name="Visitante", email="visitante@example.com.br", body="Meu CPF é 529.982.247-25")
    long_ago = timezone.now() - timedelta(days=40)
    Cart.objects.filter(pk=cart.pk).update(updated_at=long_ago)
    ChatSession.objects.filter(pk=chat.pk).update(updated_at=long_ago)
    # when
    privacy_retention()
    # then
    cart.refresh_from_db()
    chat.refresh_from_db()
    assert (cart.contact_email, cart.contact_name, cart.contact_phone) == ("", "", "")
    assert (chat.name, chat.email) == ("", "")
    assert "529.982.247-25" not in " ".join(chat.messages.values_list("body", flat=True))


def test_a_waiting_erasure_goes_through_once_its_order_is_delivered(make_staff):
    # given a request staff decided to carry out, waiting for an order on its way
    customer = UserFactory()
    order = OrderFactory(customer=customer, email=customer.email, status=Order.Status.SHIPPED)
    request = erasure_request_create(user=customer)
    request = erasure_request_carry_out(
        request_id=request.pk, actor=Actor.staff(make_staff(Role.DATA_PROTECTION))
    )
    assert request.status == ErasureRequest.Status.WAITING
    privacy_retention()
    request.refresh_from_db()
    assert request.status == ErasureRequest.Status.WAITING
    # when the order arrives and the nightly job runs
    Order.objects.filter(pk=order.pk).update(status=Order.Status.DELIVERED)
    privacy_retention()
    # then
    request.refresh_from_db()
    assert request.status == ErasureRequest.Status.DONE
    assert request.events.last().actor == "job:privacy_erase"
