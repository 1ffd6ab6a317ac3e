"""Claims against the carrier for parcels it damaged (or lost): opened once per reason to
claim (a return that arrived damaged), filed at the carrier by a task that is safe to run
again, and closed by the carrier's answer, which staff record."""

from datetime import datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from core.actor import Actor, ActorKind, PermissionMissing
from core.locks import for_update
from core.transitions import status_move
from logistics.adapters.base import CarrierUnavailable
from logistics.exceptions import CarrierClaimTransitionNotAllowed, NoDeliveredShipment
from logistics.models import CARRIER_CLAIM_TRANSITIONS, CarrierClaim, Shipment
from logistics.services.dispatch import carrier_gateway
from logistics.tasks import carrier_claim_file as carrier_claim_file_task
from orders.models import Order

# A claim still not filed after this lost its task (or the carrier was down): try again.
CLAIM_RETRY_AFTER = timedelta(minutes=5)
RECONCILE_BATCH = 200


def carrier_claim_transition(*, claim: CarrierClaim, to: str, **fields) -> CarrierClaim:
    """The one way to change `CarrierClaim.status`, along CARRIER_CLAIM_TRANSITIONS. Caller
    holds the claim's lock. Raises CarrierClaimTransitionNotAllowed."""
    refused = CarrierClaimTransitionNotAllowed(
        status=claim.get_status_display().lower(), to=CarrierClaim.Status(to).label.lower()
    )
    return status_move(row=claim, to=to, transitions=CARRIER_CLAIM_TRANSITIONS, refused=refused, **fields)


def _lock_claim(claim_id: int) -> CarrierClaim:
    for_update(CarrierClaim.objects.filter(pk=claim_id)).get()
    # Fetched apart from the lock: FOR UPDATE would lock the joined shipment and service too.
    return CarrierClaim.objects.select_related("shipment__service").get(pk=claim_id)


@transaction.atomic
def carrier_claim_open(
    *, order_id: int, source: str, amount: Decimal, description: str, actor: Actor
) -> CarrierClaim:
    """Open a claim against the carrier for the order's parcel that arrived damaged: the last
    one it delivered. Opened once per `source` (say "return:12"): asking again returns the
    claim already opened, unchanged. The claim is filed at the carrier after the commit.
    Raises NoDeliveredShipment when the carrier delivered nothing of the order."""
    if actor.kind == ActorKind.CUSTOMER:
        raise PermissionMissing()
    opened = CarrierClaim.objects.filter(source=source).first()
    if opened is not None:
        return opened
    shipment = (
        Shipment.objects.filter(order_id=order_id, status=Shipment.Status.DELIVERED)
        .order_by(F("delivered_at").desc(nulls_last=True), "-pk")
        .first()
    )
    if shipment is None:
        raise NoDeliveredShipment(number=Order.objects.values_list("number", flat=True).get(pk=order_id))
    claim = CarrierClaim(
        shipment=shipment,
        source=source,
        reason=CarrierClaim.Reason.DAMAGED,
        amount=amount,
        description=description,
        opened_by=actor.label,
    )
    claim.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            claim.save()
    except IntegrityError:
        opened = CarrierClaim.objects.filter(source=source).first()
        if opened is None:
            raise
        return opened  # opened by a concurrent call that committed first
    carrier_claim_file_task.delay_on_commit(claim_id=claim.pk)
    return claim


def _record_failure(*, claim_id: int, error: str) -> None:
    CarrierClaim.objects.filter(pk=claim_id, status=CarrierClaim.Status.PENDING).update(
        last_error=error[:300], updated_at=timezone.now()
    )


def carrier_claim_file(*, claim_id: int) -> CarrierClaim:
    """File a pending claim at its carrier and keep the carrier's claim number. Safe to run
    again at any point: the carrier is asked with the claim's own key, so a run that dies
    after the carrier opened it and before we recorded it gets the same claim number back;
    a claim already filed (or answered) is returned as it is.

    The carrier is asked outside any transaction (no lock is held while it answers). Each
    attempt is counted; a carrier that cannot be reached leaves the claim pending with its
    error and raises CarrierUnavailable for the task to retry."""
    with transaction.atomic():
        claim = _lock_claim(claim_id)
        if claim.status != CarrierClaim.Status.PENDING:
            return claim
        CarrierClaim.objects.filter(pk=claim.pk).update(attempts=F("attempts") + 1, updated_at=timezone.now())
    gateway = carrier_gateway(claim.shipment.service.gateway)
    try:
        filed = gateway.claim_open(
            tracking_code=claim.shipment.tracking_code or "",
            reason=claim.reason,
            amount=claim.amount,
            description=claim.description,
            idempotency_key=f"claim:{claim.pk}",
        )
    except CarrierUnavailable as error:
        _record_failure(claim_id=claim.pk, error=f"{gateway.name}: {error}")
        raise
    with transaction.atomic():
        claim = _lock_claim(claim_id)
        if claim.status != CarrierClaim.Status.PENDING:
            return claim  # another run recorded it first
        return carrier_claim_transition(
            claim=claim,
            to=CarrierClaim.Status.FILED,
            protocol=filed.protocol,
            filed_at=timezone.now(),
            last_error="",
        )


def carrier_claims_reconcile(*, now: datetime | None = None) -> int:
    """Enqueue again claims not filed in time (a lost task, a worker killed while the carrier
    answered, a carrier down longer than the task's retries); return how many."""
    stuck = list(
        CarrierClaim.objects.filter(
            status=CarrierClaim.Status.PENDING,
            updated_at__lt=(now or timezone.now()) - CLAIM_RETRY_AFTER,
        )
        .order_by("updated_at")
        .values_list("pk", flat=True)[:RECONCILE_BATCH]
    )
    for claim_id in stuck:
        carrier_claim_file_task.delay(claim_id=claim_id)
    return len(stuck)


@transaction.atomic
def carrier_claim_settle(*, claim_id: int, paid: bool, actor: Actor) -> CarrierClaim:
    """Record the carrier's answer to a filed claim: paid or refused, once. Raises
    PermissionMissing, or CarrierClaimTransitionNotAllowed when the claim is not open at the
    carrier (not filed yet, or already answered)."""
    actor.require_perm("logistics.settle_carrierclaim")
    claim = _lock_claim(claim_id)
    return carrier_claim_transition(
        claim=claim,
        to=CarrierClaim.Status.PAID if paid else CarrierClaim.Status.REFUSED,
        settled_by=actor.label,
        settled_at=timezone.now(),
    )
