"""Consent to marketing (LGPD): kept as a history of changes, read cheaply, obeyed by the
recovery reminders and the satisfaction surveys, withdrawn by the unsubscribe links, and
chosen by the customer on their account."""

from datetime import datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from orders.models import Order, RecoveryOpportunity
from support.models import Ticket
from support.notifications.models import MarketingConsent
from support.notifications.selectors import marketing_allowed, marketing_consent_state
from support.notifications.services import (
    marketing_consent_give,
    marketing_consent_set,
    marketing_consent_withdraw,
    whatsapp_consent_set,
)
from support.recovery.models import RecoveryMessage, RecoveryOptOut
from support.recovery.services import (
    recovery_opt_out_whatsapp,
    recovery_reminders_send_due,
    recovery_unsubscribe_link,
)
from support.surveys.models import Survey
from support.surveys.selectors import order_ids_due_survey, ticket_ids_unsurveyed
from support.surveys.services import order_survey_send, ticket_survey_send
from tests.accounts.factories import UserFactory
from tests.recovery.factories import lost_cart
from tests.returns.factories import delivered_order
from tests.support.factories import open_ticket

pytestmark = pytest.mark.django_db

EMAIL, WHATSAPP = MarketingConsent.Channel.EMAIL, MarketingConsent.Channel.WHATSAPP
Source = MarketingConsent.Source
LOST = datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("America/Sao_Paulo"))


def history(email: str) -> list[tuple[str, bool, str]]:
    return list(
        MarketingConsent.objects.filter(email=email)
        .order_by("pk")
        .values_list("channel", "is_given", "source")
    )


# --- The record ---------------------------------------------------------------------------


def test_never_asked_is_allowed_and_a_withdrawal_stops_until_given_again():
    assert marketing_allowed(email="rita@example.com.br", channel=EMAIL)
    marketing_consent_withdraw(email="Rita@Example.com.br", channel=EMAIL, source=Source.UNSUBSCRIBE_LINK)
    assert not marketing_allowed(email="rita@example.com.br", channel=EMAIL)
    assert marketing_allowed(email="rita@example.com.br", channel=WHATSAPP)  # each channel its own
    marketing_consent_give(email="rita@example.com.br", channel=EMAIL, source=Source.ACCOUNT)
    assert marketing_allowed(email="rita@example.com.br", channel=EMAIL)


def test_the_history_keeps_every_change_and_only_changes():
    email = "rita@example.com.br"
    with time_machine.travel(LOST, tick=False):
        marketing_consent_give(email=email, channel=EMAIL, source=Source.CHECKOUT)
    with time_machine.travel(LOST + timedelta(days=1), tick=False):
        marketing_consent_give(email=email, channel=EMAIL, source=Source.ACCOUNT)  # the same answer
        marketing_consent_withdraw(email=email, channel=EMAIL, source=Source.UNSUBSCRIBE_LINK)
    with time_machine.travel(LOST + timedelta(days=2), tick=False):
        marketing_consent_withdraw(
            email=email, channel=WHATSAPP, source=Source.STAFF, recorded_by="staff:ana@loja.example"
        )
    assert history(email) == [
        (EMAIL, True, Source.CHECKOUT),
        (EMAIL, False, Source.UNSUBSCRIBE_LINK),
        (WHATSAPP, False, Source.STAFF),
    ]
    state = marketing_consent_state(email=email)
    assert (state[EMAIL].is_given, state[EMAIL].created_at) == (False, LOST + timedelta(days=1))
    assert state[WHATSAPP].recorded_by == "staff:ana@loja.example"


def test_the_state_of_an_address_is_read_in_one_query(django_assert_num_queries):
    for day in range(10):
        marketing_consent_set(
            email="rita@example.com.br", channel=EMAIL, is_given=day % 2 == 0, source=Source.ACCOUNT
        )
    with django_assert_num_queries(1):
        marketing_consent_state(email="rita@example.com.br")
    with django_assert_num_queries(1):
        marketing_allowed(email="rita@example.com.br", channel=EMAIL)


def test_bad_input_records_nothing():
    for arguments in (
        {"email": "", "channel": EMAIL, "source": Source.ACCOUNT},
        {"email": "rita@example.com.br", "channel": "pigeon", "source": Source.ACCOUNT},
        {"email": "rita@example.com.br", "channel": EMAIL, "source": "rumour"},
    ):
        with pytest.raises(ValueError, match="Cannot record"):
            marketing_consent_withdraw(**arguments)
    assert not MarketingConsent.objects.exists()


# --- Sales recovery ----------------------------------------------------------------------


def run_reminders_at(moment: datetime, capture) -> None:
    with time_machine.travel(moment, tick=False), capture(execute=True):
        recovery_reminders_send_due()


def test_a_withdrawal_by_email_stops_the_recovery_reminders(django_capture_on_commit_callbacks):
    # given a guest's cart left behind, and the guest withdrew consent to marketing by email
    lost_cart(lost_at=LOST, email="rita@example.com.br")
    marketing_consent_withdraw(email="rita@example.com.br", channel=EMAIL, source=Source.ACCOUNT)
    # when the reminders are due
    run_reminders_at(LOST + timedelta(hours=1), django_capture_on_commit_callbacks)
    # then none goes, and the lost sale closes as opted out
    opportunity = RecoveryOpportunity.objects.get()
    assert (opportunity.status, opportunity.close_reason) == ("closed", "opted_out")
    assert not RecoveryMessage.objects.exists()
    assert mail.outbox == []


def test_a_withdrawal_on_whatsapp_sends_the_whatsapp_step_by_email(django_capture_on_commit_callbacks):
    customer = UserFactory(full_name="Rita Alves")
    whatsapp_consent_set(user=customer, phone="5511987654321", consent=True)  # order updates there
    marketing_consent_withdraw(email=customer.email, channel=WHATSAPP, source=Source.ACCOUNT)
    lost_cart(lost_at=LOST, customer=customer)

    run_reminders_at(LOST + timedelta(hours=24), django_capture_on_commit_callbacks)

    assert RecoveryMessage.objects.get().notification.channel == "email"


def test_the_reminders_unsubscribe_link_records_a_withdrawal_and_taking_it_back_a_consent(client):
    opportunity = lost_cart(lost_at=LOST, email="rita@example.com.br")
    url = urlsplit(recovery_unsubscribe_link(email=opportunity.email)).path

    assert client.get(url).status_code == 200
    client.post(reverse("recovery:recovery-resubscribe", args=[url.rstrip("/").split("/")[-1]]))

    assert history("rita@example.com.br") == [
        (EMAIL, False, Source.UNSUBSCRIBE_LINK),
        (EMAIL, True, Source.UNSUBSCRIBE_LINK),
    ]


def test_an_unsubscribe_link_of_an_address_never_reminded_still_records_the_withdrawal(client):
    client.get(urlsplit(recovery_unsubscribe_link(email="nobody@example.com.br")).path)
    assert not RecoveryOptOut.objects.exists()
    assert history("nobody@example.com.br") == [(EMAIL, False, Source.UNSUBSCRIBE_LINK)]


def test_a_stop_reply_on_whatsapp_withdraws_both_channels():
    customer = UserFactory()
    whatsapp_consent_set(user=customer, phone="5511987654321", consent=True)
    lost_cart(lost_at=LOST, customer=customer)
    recovery_opt_out_whatsapp(phone="5511987654321")
    assert history(customer.email) == [
        (EMAIL, False, Source.WHATSAPP_REPLY),
        (WHATSAPP, False, Source.WHATSAPP_REPLY),
    ]


# --- Surveys -----------------------------------------------------------------------------


def test_a_withdrawal_stops_the_survey_after_delivery(django_capture_on_commit_callbacks):
    # given two delivered orders, and one buyer withdrew consent to marketing by email
    kept = delivered_order(django_capture_on_commit_callbacks)
    withdrawn = delivered_order(django_capture_on_commit_callbacks)
    Order.objects.filter(pk=withdrawn.pk).update(email="rita@example.com.br")
    marketing_consent_withdraw(email="rita@example.com.br", channel=EMAIL, source=Source.ACCOUNT)
    # then the job does not pick the withdrawn one, and asking it directly sends nothing
    due = order_ids_due_survey(now=timezone.now() + timedelta(days=7, minutes=1), days=7, limit=10)
    assert due == [kept.pk]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert order_survey_send(order_id=withdrawn.pk) is None
    assert not Survey.objects.filter(order=withdrawn).exists()
    assert mail.outbox == []


def test_a_survey_goes_again_once_consent_is_given_back(django_capture_on_commit_callbacks):
    order = delivered_order(django_capture_on_commit_callbacks)
    Order.objects.filter(pk=order.pk).update(email="rita@example.com.br")
    marketing_consent_withdraw(email="rita@example.com.br", channel=EMAIL, source=Source.ACCOUNT)
    marketing_consent_give(email="rita@example.com.br", channel=EMAIL, source=Source.ACCOUNT)
    with django_capture_on_commit_callbacks(execute=True):
        assert order_survey_send(order_id=order.pk).channel == Survey.Channel.EMAIL


def test_a_withdrawal_stops_the_survey_after_a_ticket(django_capture_on_commit_callbacks):
    customer = UserFactory()
    ticket = open_ticket(customer=customer)
    Ticket.objects.filter(pk=ticket.pk).update(
        status=Ticket.Status.RESOLVED, resolved_at=timezone.now() - timedelta(hours=2)
    )
    marketing_consent_withdraw(email=customer.email, channel=EMAIL, source=Source.ACCOUNT)

    with django_capture_on_commit_callbacks(execute=True):
        assert ticket_survey_send(ticket_id=ticket.pk) is None
    assert ticket_ids_unsurveyed(now=timezone.now(), limit=10) == []


# --- The account page --------------------------------------------------------------------


def test_the_account_page_toggles_each_channel_and_shows_the_history(client):
    customer = UserFactory()
    client.force_login(customer)
    url = reverse("accounts:communications")
    # never asked: both shown allowed
    page = client.get(url)
    assert page.context["form"].initial == {"email": True, "whatsapp": True}
    # withdraw WhatsApp, keep email
    response = client.post(url, {"email": "on"})
    assert response.status_code == 302
    assert history(customer.email) == [(EMAIL, True, Source.ACCOUNT), (WHATSAPP, False, Source.ACCOUNT)]
    # then withdraw email too
    client.post(url, {})
    assert not marketing_allowed(email=customer.email, channel=EMAIL)
    page = client.get(url)
    assert page.context["form"].initial == {"email": False, "whatsapp": False}
    assert page.content.decode().count('data-testid="consent-change"') == 3
    assert MarketingConsent.objects.filter(user=customer).count() == 3


def test_the_account_page_is_for_signed_in_customers(client):
    response = client.get(reverse("accounts:communications"))
    assert response.status_code == 302
    assert "login" in response.url


def test_the_admin_shows_the_history_read_only(admin_client):
    marketing_consent_withdraw(email="rita@example.com.br", channel=EMAIL, source=Source.STAFF)
    response = admin_client.get(reverse("admin:notifications_marketingconsent_changelist"))
    assert response.status_code == 200
    assert "rita@example.com.br" in response.content.decode()
    assert admin_client.get(reverse("admin:notifications_marketingconsent_add")).status_code == 403


# --- Checkout ------------------------------------------------------------------------------


@pytest.mark.parametrize("ticked", [True, False])
def test_placing_an_order_with_the_offers_box_ticked_records_the_consent(client, ticked):
    from tests.checkout import test_checkout_views as checkout

    variant = checkout.stocked(checkout.ProductFactory(price="100.00", stock=0))
    pac = checkout.CarrierService.objects.create(code="pac", carrier="Correios", name="PAC", position=1)
    checkout.ShippingRate.objects.create(service=pac, max_weight_grams=30000, price="30.00", days=9)
    client.get(reverse("cart:cart-detail"))
    client.post(reverse("cart:cart-add"), {"variant": variant.pk, "quantity": 1})
    review = checkout.to_review(client)
    form = {"expected_total": review.context["quote"].totals.grand, **({"marketing": "on"} if ticked else {})}
    assert client.post(reverse("checkout:checkout-review"), form).status_code == 302
    assert history(checkout.BUYER.email) == ([(EMAIL, True, Source.CHECKOUT)] if ticked else [])


# --- Staff on the phone --------------------------------------------------------------------


def test_staff_record_a_withdrawal_given_on_the_phone(client, make_staff):
    from backoffice.roles import Role

    agent = make_staff(Role.SUPPORT_AGENT)
    customer = UserFactory()
    client.force_login(agent)
    page = client.get(reverse("backoffice:customer-detail", kwargs={"pk": customer.pk})).content.decode()
    assert 'data-testid="consent-withdraw-email"' in page

    url = reverse("backoffice:customer-marketing-consent", kwargs={"pk": customer.pk})
    response = client.post(url, {"channel": "email", "action": "withdraw"})

    assert response.status_code == 302
    change = MarketingConsent.objects.get()
    assert (change.email, change.user, change.is_given, change.source, change.recorded_by) == (
        customer.email,
        customer,
        False,
        Source.STAFF,
        f"staff:{agent.email}",
    )
    page = client.get(reverse("backoffice:customer-detail", kwargs={"pk": customer.pk})).content.decode()
    assert 'data-testid="consent-give-email"' in page


def test_a_bad_choice_records_nothing_and_roles_without_the_right_see_no_button(client, make_staff):
    from backoffice.roles import Role

    customer = UserFactory()
    client.force_login(make_staff(Role.SUPPORT_AGENT))
    url = reverse("backoffice:customer-marketing-consent", kwargs={"pk": customer.pk})
    client.post(url, {"channel": "pigeon", "action": "withdraw"})
    assert not MarketingConsent.objects.exists()

    client.force_login(make_staff(Role.RETURNS))
    page = client.get(reverse("backoffice:customer-detail", kwargs={"pk": customer.pk})).content.decode()
    assert 'data-testid="marketing-consent"' in page
    assert "consent-withdraw-email" not in page
    assert client.post(url, {"channel": "email", "action": "withdraw"}).status_code == 403
