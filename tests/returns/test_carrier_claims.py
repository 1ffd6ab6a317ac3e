"""An item damaged in transport is the carrier's to make good: approving the return files a
claim for the units' value against the parcel that delivered them, once."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.translation import gettext

from backoffice.roles import Role
from core.actor import Actor
from logistics.models import CarrierClaim
from returns.models import ReturnRequest
from returns.services import return_approve
from tests.logistics.factories import stocked_variant
from tests.returns.factories import ask_return, delivered_order, photo

pytestmark = pytest.mark.django_db


def _damaged(capture, **fields) -> ReturnRequest:
    order = delivered_order(capture, lines=[(stocked_variant(units=5), 2)], **fields)
    return ask_return(
        order,
        reason=ReturnRequest.Reason.TRANSPORT_DAMAGE,
        description="A caixa chegou amassada e a tela trincada.",
        photos=[photo()],
    )


def test_approving_damage_in_transport_files_one_claim_against_the_delivering_parcel(
    django_capture_on_commit_callbacks, make_staff
):
    request = _damaged(django_capture_on_commit_callbacks)
    assert not CarrierClaim.objects.exists()  # staff judge the photos first
    returns_team = Actor.staff(make_staff(Role.RETURNS))
    with django_capture_on_commit_callbacks(execute=True):
        return_approve(request_id=request.pk, actor=returns_team)

    claim = CarrierClaim.objects.get()
    assert claim.source == f"return:{request.pk}"
    assert claim.shipment.order_id == request.order_id
    assert claim.amount == Decimal("200.00")  # two units at R$ 100,00
    assert (claim.status, bool(claim.protocol)) == (CarrierClaim.Status.FILED, True)
    assert request.number in claim.description
    opened = gettext("Carrier claim %(claim)s opened") % {"claim": claim.pk}
    assert request.events.filter(note=opened).exists()


def test_other_reasons_open_no_claim(django_capture_on_commit_callbacks):
    order = delivered_order(django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        ask_return(order)  # regret, approved at once
    assert not CarrierClaim.objects.exists()


def test_the_returns_screen_shows_the_claim(django_capture_on_commit_callbacks, staff_client, make_staff):
    request = _damaged(django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        return_approve(request_id=request.pk, actor=Actor.staff(make_staff(Role.RETURNS)))
    claim = CarrierClaim.objects.get()
    page = (
        staff_client(Role.RETURNS)
        .get(reverse("backoffice:return-detail", args=[request.number]))
        .content.decode()
    )
    assert 'data-testid="carrier-claim"' in page and claim.protocol in page
