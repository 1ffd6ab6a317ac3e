"""What the customer is told as their return moves, word for word (in English, the source
language), by email and in a WhatsApp message."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format

from core.actor import Actor
from core.money import format_brl
from returns.models import ReturnRequest, ReturnUnit
from returns.notifications import STEPS, return_links
from returns.services import (
    UnitDecision,
    return_inspect,
    return_receive,
    return_reject,
    return_withdraw,
    returns_expire,
)
from support.notifications.models import Notification
from tests.logistics.factories import stocked_variant
from tests.returns.factories import ask_return, delivered_order, photo

pytestmark = pytest.mark.django_db

JOB = Actor.job("test")
Disposition = ReturnUnit.Disposition


def _messages(request: ReturnRequest) -> dict[str, Notification]:
    """The request's messages by step."""
    return {
        notification.dedup_key.rsplit(":", 1)[1]: notification
        for notification in Notification.objects.filter(
            kind=Notification.Kind.RETURN_UPDATE, dedup_key__contains=f":{request.pk}:"
        )
    }


def _english_order(capture, units: int = 1):
    return delivered_order(capture, language="en", lines=[(stocked_variant(units=5), units)])


def _short(day) -> str:
    with translation.override("en"):
        return date_format(day, "SHORT_DATE_FORMAT")


def test_a_regret_is_approved_at_once_and_authorised_with_the_code_to_post(
    django_capture_on_commit_callbacks,
):
    order = _english_order(django_capture_on_commit_callbacks)
    # The links carry signed, timestamped tokens: the clock stands still so those made here match.
    with time_machine.travel(timezone.now(), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            request = ask_return(order)
        links = return_links(request=request)
    request.refresh_from_db()
    messages = _messages(request)
    assert set(messages) == {"approved", "authorised"}  # approved at once: no "received" first
    number, code, day = request.number, request.authorisation_code, _short(request.authorisation_valid_until)
    assert messages["approved"].subject == f"Return {number} is approved"
    authorised = messages["authorised"]
    assert authorised.subject == f"Return {number}: post it by {day} with code {code}"
    assert (
        f"Your return {number} is authorised. Take the parcel to any post office by {day} and give the "
        f"code {code}: posting it is free."
    ) in authorised.body_text
    assert f"Print the authorisation: {links['authorisation_url']}" in authorised.body_text
    assert f"Follow your return: {links['return_url']}" in authorised.body_text
    assert (
        code in authorised.body_html
        and links["authorisation_url"].replace("&", "&amp;") in authorised.body_html
    )


def test_a_rejection_says_why(django_capture_on_commit_callbacks):
    order = _english_order(django_capture_on_commit_callbacks)
    request = ask_return(
        order, reason=ReturnRequest.Reason.DEFECT, description="Risco na tela.", photos=[photo()]
    )
    messages = _messages(request)
    assert "Our returns team looks at it" in messages["requested"].body_text
    return_reject(request_id=request.pk, actor=JOB, note="The scratch shows use <after> delivery.")
    rejected = _messages(request)["rejected"]
    assert rejected.subject == f"Return {request.number}: we could not accept it"
    assert "Why: The scratch shows use <after> delivery." in rejected.body_text
    assert "Why: The scratch shows use &lt;after&gt; delivery." in rejected.body_html


def test_the_inspection_tells_what_was_accepted_and_the_refund_its_amount(django_capture_on_commit_callbacks):
    order = _english_order(django_capture_on_commit_callbacks, units=2)
    line = order.lines.get()
    with django_capture_on_commit_callbacks(execute=True):
        request = ask_return(order)
    request.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        return_receive(code=request.tracking_code, actor=JOB)
        return_inspect(
            request_id=request.pk,
            actor=JOB,
            decisions=[
                UnitDecision(order_line_id=line.pk, disposition=Disposition.RESTOCK),
                UnitDecision(order_line_id=line.pk, disposition=Disposition.REFUSED, note="Worn."),
            ],
        )
    request.refresh_from_db()
    messages = _messages(request)
    assert messages["received"].subject == f"Return {request.number}: the items arrived"
    inspected = messages["inspected"].body_text
    assert f"1 of 2 × {line.product_name} accepted" in inspected
    assert f"{line.product_name}: Worn." in inspected
    assert "You get R$\N{NO-BREAK SPACE}" in inspected
    refunded = messages["refunded"]
    amount = format_brl(request.refund_total, language="en")
    # The subject is one line of plain spaces.
    assert refunded.subject == f"Return {request.number}: {amount.replace(chr(0xA0), ' ')} refunded"
    assert f"{amount} goes back to the card or Pix you paid with" in refunded.body_text


def test_a_withdrawal_and_an_expiry_are_told(django_capture_on_commit_callbacks):
    order = _english_order(django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        withdrawn = ask_return(order)
    return_withdraw(request_id=withdrawn.pk, customer=order.customer)
    assert _messages(withdrawn)["withdrawn"].subject == f"Return {withdrawn.number} withdrawn"
    with django_capture_on_commit_callbacks(execute=True):
        expiring = ask_return(order)
    expiring.refresh_from_db()
    returns_expire(today=expiring.authorisation_valid_until + timedelta(days=1))
    expired = _messages(expiring)["expired"]
    assert expired.subject == f"Return {expiring.number} expired: the parcel was not posted"
    assert f"was not posted by {_short(expiring.authorisation_valid_until)}" in expired.body_text


@pytest.mark.parametrize("step", sorted(STEPS))
@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_every_step_has_an_email_and_a_whatsapp_message_in_every_language(
    django_capture_on_commit_callbacks, step, language
):
    order = _english_order(django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        request = ask_return(order)
    request.refresh_from_db()
    request.decision_note = "Nota."
    context = {
        "store_name": settings.SITE_NAME,
        "order": order,
        "first_name": "Ana",
        "request": request,
        "return_lines": list(request.lines.select_related("order_line")),
        "step": step,
        **return_links(request=request),
    }
    with translation.override(language):
        texts = [
            render_to_string(f"notifications/email/return_update_{part}", context)
            for part in ("subject.txt", "body.txt", "body.html")
        ] + [render_to_string("notifications/whatsapp/return_update.txt", context)]
    subject, *bodies = texts
    assert request.number in subject and "\n" not in subject.strip()
    for text in bodies:
        assert request.number in text and "Ana" in text
        assert "{{" not in text and "{%" not in text
