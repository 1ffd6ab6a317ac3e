"""Claims against the carrier for a parcel that arrived damaged: opened once per source,
filed at the carrier once whatever happens to the worker or the carrier, and closed by the
carrier's answer."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.actor import Actor, PermissionMissing
from logistics.adapters.base import CarrierUnavailable
from logistics.adapters.sandbox import UNAVAILABLE_NAME, SandboxCarrier
from logistics.exceptions import CarrierClaimTransitionNotAllowed, NoDeliveredShipment
from logistics.models import CarrierClaim
from logistics.services import (
    carrier_claim_file,
    carrier_claim_open,
    carrier_claim_settle,
    carrier_claim_transition,
    carrier_claims_reconcile,
)
from logistics.tasks import carrier_claim_file as carrier_claim_file_task
from tests.accounts.factories import UserFactory
from tests.logistics.factories import shipment_row

pytestmark = pytest.mark.django_db

RETURNS = Actor.job("return_approve")
Status = CarrierClaim.Status


def delivered_shipment():
    return shipment_row(status="delivered", delivered_at=timezone.now())


def claim_open(shipment, *, source: str = "return:12", description: str = "Caixa amassada, tela trincada"):
    return carrier_claim_open(
        order_id=shipment.order_id,
        source=source,
        amount=Decimal("100.00"),
        description=description,
        actor=RETURNS,
    )


def carrier_down(monkeypatch):
    def unavailable(self, **kwargs):
        raise CarrierUnavailable("connection refused")

    monkeypatch.setattr(SandboxCarrier, "claim_open", unavailable)


def test_a_claim_is_opened_once_per_source_and_filed_after_the_commit(django_capture_on_commit_callbacks):
    shipment = delivered_shipment()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        claim = claim_open(shipment)
        again = claim_open(shipment)
    assert again.pk == claim.pk and len(callbacks) == 1  # one filing task, for the one claim
    assert CarrierClaim.objects.count() == 1
    claim.refresh_from_db()
    assert (claim.shipment, claim.reason, claim.amount, claim.opened_by) == (
        shipment,
        CarrierClaim.Reason.DAMAGED,
        Decimal("100.00"),
        "job:return_approve",
    )
    assert claim.status == Status.FILED and claim.protocol.startswith("RC") and claim.filed_at
    assert (claim.attempts, claim.last_error) == (1, "")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert claim_open(shipment).pk == claim.pk
    assert callbacks == []
    assert shipment.claims.get() == claim


def test_filing_again_asks_the_carrier_nothing_more(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        claim = claim_open(delivered_shipment())
    carrier_claim_file_task.delay(claim_id=claim.pk)
    claim.refresh_from_db()
    filed = (claim.status, claim.protocol, claim.filed_at, claim.attempts)
    assert filed[0] == Status.FILED and filed[3] == 1
    carrier_claim_file_task.delay(claim_id=claim.pk)
    carrier_claim_file(claim_id=claim.pk)
    claim.refresh_from_db()
    assert (claim.status, claim.protocol, claim.filed_at, claim.attempts) == filed


def test_the_sandbox_gives_the_same_claim_number_for_the_same_key():
    carrier = SandboxCarrier()
    ask = {"tracking_code": "SX473124829BR", "reason": "damaged", "amount": Decimal("10.00")}
    first = carrier.claim_open(**ask, description="amassada", idempotency_key="claim:1")
    assert carrier.claim_open(**ask, description="amassada", idempotency_key="claim:1") == first
    assert carrier.claim_open(**ask, description="amassada", idempotency_key="claim:2") != first
    with pytest.raises(CarrierUnavailable):
        carrier.claim_open(**ask, description=f"{UNAVAILABLE_NAME}: caixa", idempotency_key="claim:3")


def test_a_carrier_down_leaves_the_claim_pending_and_the_reconciler_files_it_later(
    django_capture_on_commit_callbacks, monkeypatch
):
    with django_capture_on_commit_callbacks(execute=False):
        claim = claim_open(delivered_shipment())
    carrier_down(monkeypatch)
    with pytest.raises(CarrierUnavailable):
        carrier_claim_file(claim_id=claim.pk)
    claim.refresh_from_db()
    assert (claim.status, claim.protocol, claim.filed_at, claim.attempts) == (Status.PENDING, "", None, 1)
    assert claim.last_error == "sandbox: connection refused"

    monkeypatch.undo()  # the carrier is back
    assert carrier_claims_reconcile() == 0  # just tried: the task's own retries come first
    assert carrier_claims_reconcile(now=timezone.now() + timedelta(minutes=6)) == 1  # eager: filed now
    claim.refresh_from_db()
    assert (claim.status, claim.attempts, claim.last_error) == (Status.FILED, 2, "")
    assert claim.protocol.startswith("RC")
    assert carrier_claims_reconcile(now=timezone.now() + timedelta(minutes=6)) == 0


def test_the_sandbox_outage_on_request_leaves_the_claim_pending(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        claim = claim_open(delivered_shipment(), description=f"{UNAVAILABLE_NAME}: caixa rasgada")
    with pytest.raises(CarrierUnavailable):
        carrier_claim_file(claim_id=claim.pk)
    claim.refresh_from_db()
    assert (claim.status, claim.attempts) == (Status.PENDING, 1)


def test_an_order_the_carrier_delivered_nothing_of_is_refused_and_nothing_is_stored(
    django_capture_on_commit_callbacks,
):
    shipment = shipment_row(status="in_transit")
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(NoDeliveredShipment) as refused,
    ):
        claim_open(shipment)
    assert refused.value.code == "no_delivered_shipment"
    assert str(refused.value.message) == (
        f"O pedido {shipment.order.number} não tem volume entregue pela transportadora: "
        "não há o que reclamar."
    )
    assert not CarrierClaim.objects.exists() and callbacks == []


def test_a_negative_amount_is_refused(django_capture_on_commit_callbacks):
    shipment = delivered_shipment()
    with pytest.raises(ValidationError):
        carrier_claim_open(
            order_id=shipment.order_id,
            source="return:1",
            amount=Decimal("-1.00"),
            description="x",
            actor=RETURNS,
        )
    assert not CarrierClaim.objects.exists()


def test_a_customer_cannot_open_a_claim():
    shipment = delivered_shipment()
    with pytest.raises(PermissionMissing):
        carrier_claim_open(
            order_id=shipment.order_id,
            source="return:1",
            amount=Decimal("1.00"),
            description="x",
            actor=Actor.customer(UserFactory()),
        )
    assert not CarrierClaim.objects.exists()


def test_staff_record_the_carrier_paid_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        claim = claim_open(delivered_shipment())
    with pytest.raises(PermissionMissing):
        carrier_claim_settle(claim_id=claim.pk, paid=True, actor=Actor.staff(UserFactory(is_staff=True)))
    person = UserFactory(is_staff=True, email="lia@loja.com.br")
    person.user_permissions.add(Permission.objects.get(codename="settle_carrierclaim"))
    staff = Actor.staff(person)

    claim = carrier_claim_settle(claim_id=claim.pk, paid=True, actor=staff)
    claim.refresh_from_db()
    assert (claim.status, claim.settled_by) == (Status.PAID, "staff:lia@loja.com.br") and claim.settled_at
    with pytest.raises(CarrierClaimTransitionNotAllowed):
        carrier_claim_settle(claim_id=claim.pk, paid=False, actor=staff)
    claim.refresh_from_db()
    assert claim.status == Status.PAID


def test_a_claim_not_filed_yet_cannot_be_settled(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        claim = claim_open(delivered_shipment())
    with pytest.raises(CarrierClaimTransitionNotAllowed):
        carrier_claim_settle(claim_id=claim.pk, paid=False, actor=RETURNS)
    claim.refresh_from_db()
    assert (claim.status, claim.settled_by, claim.settled_at) == (Status.PENDING, "", None)


@pytest.mark.parametrize(
    ("start", "to"),
    [
        (Status.PENDING, Status.PAID),
        (Status.PENDING, Status.REFUSED),
        (Status.FILED, Status.PENDING),
        (Status.PAID, Status.REFUSED),
        (Status.REFUSED, Status.FILED),
    ],
)
def test_the_transition_table_refuses_illegal_moves(django_capture_on_commit_callbacks, start, to):
    with django_capture_on_commit_callbacks(execute=False):
        claim = claim_open(delivered_shipment())
    CarrierClaim.objects.filter(pk=claim.pk).update(status=start)
    claim.refresh_from_db()
    with pytest.raises(CarrierClaimTransitionNotAllowed):
        carrier_claim_transition(claim=claim, to=to)
    assert CarrierClaim.objects.get(pk=claim.pk).status == start


def test_the_reconciler_runs_every_five_minutes():
    assert settings.CELERY_BEAT_SCHEDULE["logistics-carrier-claims-reconcile"] == {
        "task": "logistics.carrier_claims_reconcile",
        "schedule": 300.0,
    }


def test_the_admin_records_the_carrier_answer_through_the_service(
    django_capture_on_commit_callbacks, admin_client
):
    with django_capture_on_commit_callbacks(execute=True):
        claim = claim_open(delivered_shipment())
    url = reverse("admin:logistics_carrierclaim_changelist")
    assert admin_client.get(url).status_code == 200
    assert (
        admin_client.get(reverse("admin:logistics_carrierclaim_change", args=[claim.pk])).status_code == 200
    )
    for _twice in range(2):
        response = admin_client.post(url, {"action": "record_refused", "_selected_action": [claim.pk]})
        assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == Status.REFUSED and claim.settled_by.startswith("staff:")
