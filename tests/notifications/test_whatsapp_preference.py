"""Customers who chose WhatsApp get their order updates there, as the provider's approved
template (the store writes first), with the consent kept."""

import pytest
from django.core import mail
from django.urls import reverse

from core.actor import Actor
from orders.services.cancellation import order_cancel_by_staff
from returns.models import ReturnRequest
from returns.notifications import return_links, return_notify
from support.notifications.models import ContactPreference, Notification, SandboxWhatsAppMessage
from support.notifications.services import whatsapp_consent_set
from tests.accounts.factories import UserFactory
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db

PHONE = "5511987654321"


def test_an_order_update_goes_on_whatsapp_to_who_chose_it(django_capture_on_commit_callbacks):
    customer = UserFactory()
    whatsapp_consent_set(user=customer, phone=PHONE, consent=True)
    order = OrderFactory(customer=customer)
    with django_capture_on_commit_callbacks(execute=True):
        order_cancel_by_staff(order_id=order.pk, actor=Actor.job("test"), note="endereço inexistente")
    assert mail.outbox == []
    notification = Notification.objects.get(kind="order_cancelled")
    assert (notification.channel, notification.to_address, notification.status) == ("whatsapp", PHONE, "sent")
    assert notification.template == "order_update"
    sent = SandboxWhatsAppMessage.objects.get(message_id=notification.external_id)
    assert sent.body.startswith(f"Pedido {order.number} foi cancelado. Veja os detalhes em http")
    assert f"/pedidos/{order.number}/acompanhar/?t=" in sent.body


def test_withdrawing_consent_brings_the_updates_back_to_email(django_capture_on_commit_callbacks):
    customer = UserFactory()
    whatsapp_consent_set(user=customer, phone=PHONE, consent=True)
    preference = whatsapp_consent_set(user=customer, phone="", consent=False)
    assert preference.whatsapp_consent_at is not None and preference.whatsapp_withdrawn_at is not None
    order = OrderFactory(customer=customer)
    with django_capture_on_commit_callbacks(execute=True):
        order_cancel_by_staff(order_id=order.pk, actor=Actor.job("test"), note="x")
    assert [email.to for email in mail.outbox] == [[order.email]]


def test_the_customer_chooses_on_the_account_page(client):
    customer = UserFactory()
    client.force_login(customer)
    page = client.get(reverse("accounts:account-detail")).content.decode()
    assert 'data-testid="notice-channel"' in page
    refused = client.post(reverse("accounts:notice-channel"), {"whatsapp": "on", "phone": ""})
    assert refused.context_data["notice_form"].errors == {
        "phone": ["Informe o número para onde mandar as novidades."]
    }
    assert not ContactPreference.objects.exists()
    client.post(reverse("accounts:notice-channel"), {"whatsapp": "on", "phone": "(11) 98765-4321"})
    assert ContactPreference.objects.get(user=customer).uses_whatsapp
    assert ContactPreference.objects.get(user=customer).whatsapp_phone == PHONE


def test_a_number_without_area_code_is_refused(client):
    client.force_login(UserFactory())
    refused = client.post(reverse("accounts:notice-channel"), {"whatsapp": "on", "phone": "98765-4321"})
    assert list(refused.context_data["notice_form"].errors) == ["phone"]
    assert not ContactPreference.objects.exists()


def test_a_return_update_on_whatsapp_links_to_the_returns_own_page(django_capture_on_commit_callbacks):
    customer = UserFactory()
    whatsapp_consent_set(user=customer, phone=PHONE, consent=True)
    order = OrderFactory(customer=customer)
    request = ReturnRequest.objects.create(
        number=f"{order.number}-D1",
        order=order,
        customer=customer,
        status=ReturnRequest.Status.APPROVED,
        reason=ReturnRequest.Reason.DEFECT,
        resolution=ReturnRequest.Resolution.REFUND,
    )
    with django_capture_on_commit_callbacks(execute=True):
        notification = return_notify(request=request, step="approved")
    notification.refresh_from_db()
    assert (notification.channel, notification.template, notification.status) == (
        "whatsapp",
        "order_update",
        "sent",
    )
    # the return's own page, signed (a signature carries the second it was made)
    return_url = return_links(request=request)["return_url"].split("?t=")[0] + "?t="
    assert reverse("returns:return-detail", kwargs={"number": request.number}) + "?t=" in return_url
    assert notification.template_parameters[1].startswith(return_url)
    sent = SandboxWhatsAppMessage.objects.get(message_id=notification.external_id)
    assert sent.body.endswith(notification.template_parameters[1])
    assert f"/pedidos/{order.number}/acompanhar/" not in sent.body
