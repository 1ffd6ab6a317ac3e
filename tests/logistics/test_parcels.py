"""Parcels other apps own (a customer's parcel coming back): their carrier notices are taken and
handed to the owner, and the sandbox carrier moves them along; logistics stores none of it."""

from dataclasses import dataclass, field, replace
from decimal import Decimal

import pytest
from django.utils import timezone

from inbox.models import WebhookEvent
from logistics.adapters.base import Address, CarrierEvent, ReturnShipmentRequest
from logistics.adapters.sandbox import NEVER_POSTED_NAME, SandboxCarrier
from logistics.models import TrackingEvent
from logistics.parcels import ParcelOwner, parcel_owner_register, parcel_owner_unregister
from logistics.services import sandbox_shipments_advance
from tests.logistics.factories import shipped_order
from tests.logistics.test_tracking import advance, notice_body, post, signed

pytestmark = pytest.mark.django_db

Kind = TrackingEvent.Kind
OWNER = "test_parcels"
CUSTOMER = Address("Ana Souza", "Avenida Rio Branco", "100", "", "Centro", "Rio de Janeiro", "RJ", "20040020")
WAREHOUSE = Address("Loja Aurora", "Rodovia Anhanguera", "km 33", "", "Polvilho", "Cajamar", "SP", "07791000")


@dataclass
class FakeOwner:
    """An app's parcels kept in memory: the codes it has on the way and the events it was given."""

    codes: set[str] = field(default_factory=set)
    applied: list[tuple[str, str, str, str]] = field(default_factory=list)

    def apply(self, code: str, events: list[CarrierEvent], source: str) -> int:
        known = {event_id for _code, event_id, _kind, _source in self.applied}
        new = [(code, event.event_id, event.kind, source) for event in events if event.event_id not in known]
        self.applied.extend(new)
        return len(new)

    def as_owner(self) -> ParcelOwner:
        return ParcelOwner(
            name=OWNER,
            owns=lambda carrier, code: carrier == "sandbox" and code in self.codes,
            apply=self.apply,
            active_codes=lambda: sorted(self.codes),
        )


@pytest.fixture
def owner():
    fake = FakeOwner()
    parcel_owner_register(fake.as_owner())
    yield fake
    parcel_owner_unregister(OWNER)


def reverse_parcel(owner: FakeOwner, *, name: str = "Ana Souza", key: str = "return:1") -> str:
    """A parcel the sandbox carrier authorised a customer to send back, owned by `owner`."""
    request = ReturnShipmentRequest(
        service="sedex",
        mode=ReturnShipmentRequest.DROP_OFF,
        sender=replace(CUSTOMER, name=name),
        recipient=WAREHOUSE,
        weight_grams=900,
        declared_value=Decimal("100.00"),
    )
    code = SandboxCarrier().authorise_return(request=request, idempotency_key=key).tracking_code
    owner.codes.add(code)
    return code


def test_a_notice_about_an_owned_parcel_is_taken_and_handed_to_its_owner(
    client, django_capture_on_commit_callbacks, owner
):
    # given
    code = reverse_parcel(owner)
    body = notice_body(code, kind=Kind.POSTED, event_id="evt-7")
    # when
    for _copy in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            response = post(client, body, signed(body))
        assert (response.status_code, response.json()) == (200, {"received": "evt-7"})
    # then
    assert owner.applied == [(code, "evt-7", Kind.POSTED, "webhook")]
    notice = WebhookEvent.objects.get()
    assert notice.status == WebhookEvent.Status.APPLIED
    assert not TrackingEvent.objects.exists()


def test_an_event_the_owner_already_had_is_ignored(django_capture_on_commit_callbacks, client, owner):
    # given: the owner polled the carrier first
    code = reverse_parcel(owner)
    owner.apply(code, [CarrierEvent(event_id="evt-8", kind=Kind.POSTED, occurred_at=timezone.now())], "poll")
    body = notice_body(code, kind=Kind.POSTED, event_id="evt-8")
    # when
    with django_capture_on_commit_callbacks(execute=True):
        post(client, body, signed(body))
    # then
    notice = WebhookEvent.objects.get()
    assert (notice.status, notice.note) == (WebhookEvent.Status.IGNORED, "already known")
    assert len(owner.applied) == 1


def test_a_parcel_nobody_owns_is_refused(client, django_capture_on_commit_callbacks, owner):
    # given: a reverse parcel the registered owner does not claim
    stranger = reverse_parcel(FakeOwner(), key="return:2")
    body = notice_body(stranger)
    # when
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = post(client, body, signed(body))
    # then
    assert (response.status_code, response.json()) == (404, {"error": "unknown tracking code"})
    assert callbacks == [] and not WebhookEvent.objects.exists() and owner.applied == []


def test_a_notice_whose_owner_let_go_is_ignored(client, django_capture_on_commit_callbacks, owner):
    # given: taken while owned, applied after the owner gave the parcel up
    code = reverse_parcel(owner)
    body = notice_body(code, kind=Kind.POSTED)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        post(client, body, signed(body))
    owner.codes.clear()
    # when
    for callback in callbacks:
        callback()
    # then
    notice = WebhookEvent.objects.get()
    assert (notice.status, notice.note) == (WebhookEvent.Status.IGNORED, "nobody owns this parcel")
    assert owner.applied == []


def test_the_sandbox_carrier_brings_an_owned_parcel_to_the_warehouse_by_notice(
    django_capture_on_commit_callbacks, owner
):
    # given
    shipment = shipped_order(django_capture_on_commit_callbacks)
    code = reverse_parcel(owner)
    # when
    advance(django_capture_on_commit_callbacks, 4)
    # then
    assert [(kind, source) for _code, _id, kind, source in owner.applied] == [
        (Kind.POSTED, "webhook"),
        (Kind.IN_TRANSIT, "webhook"),
        (Kind.DELIVERED, "webhook"),
    ]
    assert {parcel for parcel, _id, _kind, _source in owner.applied} == {code}
    assert shipment.tracking_events.count() == 4  # our own shipments move as before
    assert not TrackingEvent.objects.exclude(shipment=shipment).exists()


def test_the_sandbox_carrier_moves_only_the_parcels_named_and_never_one_not_posted(
    django_capture_on_commit_callbacks, owner
):
    # given
    named = reverse_parcel(owner, key="return:3")
    reverse_parcel(owner, key="return:4")
    never = reverse_parcel(owner, name=NEVER_POSTED_NAME, key="return:5")
    # when
    with django_capture_on_commit_callbacks(execute=True):
        events = sandbox_shipments_advance(tracking_codes=[named, never])
    # then
    assert [event.event_id for event in events] == [f"{named}-1"]
    assert [(code, kind) for code, _id, kind, _source in owner.applied] == [(named, Kind.POSTED)]
