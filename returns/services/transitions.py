"""The one way a return request's status changes, and the lines of its timeline."""

from core.actor import Actor, ActorKind
from core.transitions import status_move
from returns.exceptions import ReturnTransitionNotAllowed
from returns.models import (
    RETURN_TRANSITION_PERMISSIONS,
    RETURN_TRANSITIONS,
    ReturnEvent,
    ReturnRequest,
)

RS = ReturnRequest.Status


def return_event(
    *, request: ReturnRequest, actor: Actor, note: str = "", from_status: str = "", to_status: str = ""
) -> ReturnEvent:
    """A line on the request's timeline (a note when no status changes)."""
    return ReturnEvent.objects.create(
        request=request, from_status=from_status, to_status=to_status, actor=actor.label, note=note
    )


def return_transition(
    *, request: ReturnRequest, to: str, actor: Actor, note: str = "", by_customer: bool = False, **fields
) -> ReturnRequest:
    """The one way to change `ReturnRequest.status`, along RETURN_TRANSITIONS, with its event.
    Staff need the move's permission; a customer may only withdraw their own request.
    Caller holds the request's lock. Raises ReturnTransitionNotAllowed or PermissionMissing."""
    if to not in RETURN_TRANSITIONS[request.status]:
        raise ReturnTransitionNotAllowed()
    if not (by_customer and actor.kind == ActorKind.CUSTOMER and to == RS.CLOSED):
        actor.require_perm(RETURN_TRANSITION_PERMISSIONS[to])
    from_status = request.status
    status_move(
        row=request, to=to, transitions=RETURN_TRANSITIONS, refused=ReturnTransitionNotAllowed(), **fields
    )
    return_event(request=request, actor=actor, note=note, from_status=from_status, to_status=to)
    return request
