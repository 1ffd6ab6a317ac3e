"""Complaint triage: every customer message is classified by topic and urgency as it
arrives; the verdict routes the ticket through the table a manager edits (topic -> queue and
tag, urgency -> priority); agents correct it, and their corrections train the next model.

Triage only changes what it set itself: a ticket a person moved keeps its queue, a priority
only goes up on its own, a corrected ticket is left to the agents, and ombudsman cases are
never touched."""

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from core.actor import Actor
from support.locks import lock_ticket
from support.models import Channel, Message, Priority, Tag, Ticket, TicketEvent
from support.services.sla import SLA_FIELDS, sla_schedule
from support.triage.classifier import (
    Classifier,
    Evaluation,
    Example,
    Prediction,
    dataset_digest,
    dataset_load,
    examples_split,
)
from support.triage.exceptions import TriageLabelUnknown, TriageMissing
from support.triage.models import (
    Correction,
    TicketTriage,
    Topic,
    TopicRoute,
    TriageModel,
    Urgency,
    UrgencyRoute,
    Verdict,
)

logger = logging.getLogger(__name__)

TRIAGE_ACTOR = Actor.job("triage")
# The first-level queue every channel opens tickets in: triage may route them from there.
ENTRY_QUEUE = "sac"
# Repeated contact: earlier contacts of the same person (separate bursts of messages, on
# other tickets in the window or on this one since the store last answered it) raise urgency.
REPEAT_WINDOW = timedelta(days=7)
REPEAT_BURST_GAP = timedelta(minutes=30)
REPEAT_HIGH, REPEAT_URGENT = 2, 4
REPEAT_LOOKBACK = 200  # messages read at most
REPEAT_TICKETS = 50  # other tickets of the person read at most
CONVERSATION_MESSAGES = 30  # the customer's latest messages the model reads
URGENCY_RANK = {Urgency.NORMAL: 0, Urgency.HIGH: 1, Urgency.URGENT: 2}
PRIORITY_RANK = {Priority.LOW: 0, Priority.NORMAL: 1, Priority.HIGH: 2, Priority.URGENT: 3}

# Fitted classifiers by artifact digest: a process loads each stored version once.
_loaded: dict[str, Classifier] = {}
# The model trained from the shipped set alone, by the set's digest: a fresh database gets it
# without training again in this process.
_shipped: dict[str, "_Trained"] = {}


@dataclass(frozen=True)
class _Trained:
    classifier: Classifier
    evaluation: Evaluation
    artifact: bytes
    train_size: int
    test_size: int
    corrections_used: int


@dataclass(frozen=True)
class Training:
    model: TriageModel
    evaluation: Evaluation


# The model


def _train(*, corrections: list[Example]) -> _Trained:
    train, test = examples_split(dataset_load())
    classifier = Classifier.fit([*train, *corrections])
    return _Trained(
        classifier=classifier,
        evaluation=classifier.evaluate(test),
        artifact=classifier.dumps(),
        train_size=len(train) + len(corrections),
        test_size=len(test),
        corrections_used=len(corrections),
    )


def _store(trained: _Trained) -> TriageModel:
    """Keep a trained classifier as the next version. Two processes storing at once: the
    second one's version is taken, so it retries with the one after."""
    from sklearn import __version__ as sklearn_version

    digest = hashlib.sha256(trained.artifact).hexdigest()
    for _attempt in range(3):
        version = (TriageModel.objects.aggregate(last=Max("version"))["last"] or 0) + 1
        try:
            with transaction.atomic():
                model = TriageModel.objects.create(
                    version=version,
                    trained_at=timezone.now(),
                    train_size=trained.train_size,
                    corrections_used=trained.corrections_used,
                    test_size=trained.test_size,
                    topic_macro_f1=trained.evaluation.macro_f1("topic"),
                    urgency_macro_f1=trained.evaluation.macro_f1("urgency"),
                    metrics=trained.evaluation.reports,
                    artifact=trained.artifact,
                    digest=digest,
                    library_version=sklearn_version,
                )
        except IntegrityError:
            continue
        _loaded[digest] = trained.classifier
        return model
    raise RuntimeError("Could not store the triage model: its version kept being taken.")


def correction_examples() -> list[Example]:
    """The agents' corrections as training examples: the latest one of each ticket."""
    examples, seen = [], set()
    for ticket_id, text, topic, urgency in Correction.objects.order_by("-created_at", "-pk").values_list(
        "ticket_id", "text", "topic", "urgency"
    ):
        if ticket_id in seen or not text.strip():
            continue
        seen.add(ticket_id)
        examples.append(Example(text=text, topic=topic, urgency=urgency))
    return examples


def triage_train() -> Training:
    """Train on the shipped training split plus the agents' corrections, score on the shipped
    held-out split, and store the result as the next version (which every process picks up
    at its next message)."""
    trained = _train(corrections=correction_examples())
    return Training(model=_store(trained), evaluation=trained.evaluation)


def triage_model_ensure() -> TriageModel:
    """The current model; on a fresh database, one trained from the shipped set first."""
    model = TriageModel.objects.defer("artifact").order_by("-version").first()
    if model is not None:
        return model
    digest = dataset_digest()
    if digest not in _shipped:
        _shipped[digest] = _train(corrections=[])
    return _store(_shipped[digest])


def classifier_current() -> tuple[int, Classifier]:
    """The highest stored version and its classifier, loaded once per process."""
    row = TriageModel.objects.order_by("-version").values("version", "digest").first()
    if row is None:
        model = triage_model_ensure()
        row = {"version": model.version, "digest": model.digest}
    classifier = _loaded.get(row["digest"])
    if classifier is None:
        artifact = TriageModel.objects.filter(version=row["version"]).values_list("artifact", flat=True).get()
        classifier = Classifier.loads(bytes(artifact))
        _loaded.clear()  # older versions are not used again
        _loaded[row["digest"]] = classifier
    return row["version"], classifier


# Reading a ticket


def ticket_customer_text(*, ticket: Ticket, upto: Message | None = None) -> str:
    """What the customer said on a ticket (its subject, then their latest messages in order):
    the text triage classifies and a correction keeps."""
    messages = Message.objects.filter(
        ticket=ticket, direction=Message.Direction.INBOUND, is_automatic=False
    ).order_by("-created_at", "-pk")
    if upto is not None:
        messages = messages.filter(pk__lte=upto.pk)
    texts = list(messages.values_list("body_text", flat=True)[:CONVERSATION_MESSAGES])
    return "\n".join([ticket.subject, *reversed(texts)]).strip()


def repeat_contacts(*, ticket: Ticket, message: Message) -> int:
    """How many times before this message the same person got in touch: separate bursts of
    messages (REPEAT_BURST_GAP apart) on their other tickets within REPEAT_WINDOW, and on
    this ticket since the store last answered it."""
    since = message.created_at - REPEAT_WINDOW
    answered_at = (
        Message.objects.filter(ticket=ticket, direction=Message.Direction.OUTBOUND, is_automatic=False)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    person = Q(pk__in=[])
    if ticket.customer_id:
        person |= Q(customer_id=ticket.customer_id)
    if ticket.contact_email:
        person |= Q(contact_email=ticket.contact_email)
    if ticket.contact_phone:
        person |= Q(contact_phone=ticket.contact_phone)
    others = list(  # by the person's indexes first: a short list, whatever the desk's size
        Ticket.objects.filter(person, last_customer_message_at__gte=since)
        .exclude(pk=ticket.pk)
        .order_by("-last_customer_message_at")
        .values_list("pk", flat=True)[:REPEAT_TICKETS]
    )
    here = Q(ticket=ticket)
    if answered_at is not None:
        here &= Q(created_at__gt=answered_at)
    times = list(
        Message.objects.filter(Q(ticket_id__in=others) | here)
        .filter(
            direction=Message.Direction.INBOUND,
            is_automatic=False,
            created_at__gte=since,
            created_at__lte=message.created_at,
        )
        .exclude(pk=message.pk)
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:REPEAT_LOOKBACK]
    )
    return _bursts(times, latest=message.created_at)


def _bursts(times: list[datetime], *, latest: datetime) -> int:
    count, later = 0, latest
    for moment in times:  # newest first
        if later - moment >= REPEAT_BURST_GAP:
            count += 1
        later = moment
    return count


def _urgency(text_urgency: str, contacts: int) -> str:
    by_contacts = (
        Urgency.URGENT if contacts >= REPEAT_URGENT else Urgency.HIGH if contacts >= REPEAT_HIGH else ""
    )
    if by_contacts and URGENCY_RANK[by_contacts] > URGENCY_RANK[text_urgency]:
        return by_contacts
    return text_urgency


def _reasons(prediction: Prediction, *, contacts: int) -> dict:
    return {
        "topic_terms": [[term.term, term.weight] for term in prediction.topic_terms],
        "urgency_terms": [[term.term, term.weight] for term in prediction.urgency_terms],
        "alarm_terms": list(prediction.alarm_terms),
        "repeat_contacts": contacts,
        "text_urgency": prediction.urgency,
    }


# Incoming messages


def triage_incoming(*, ticket: Ticket, message: Message) -> Verdict | None:
    """Classify a customer's message as it arrives on its ticket, keep the verdict, and route
    the ticket. Messages without text, automatic ones and the store's own notes are skipped.

    Caller holds the ticket's lock (or just created it). Never raises: a classifier that
    cannot run leaves the ticket where its channel put it (and says so in the log)."""
    if (
        message.direction != Message.Direction.INBOUND
        or message.is_automatic
        or message.channel == Channel.INTERNAL
        or not message.body_text.strip()
    ):
        return None
    try:
        with transaction.atomic():
            return _triage(ticket=ticket, message=message)
    except Exception:  # the desk takes the message whatever happens to triage
        logger.exception("Triage failed for message %s of ticket %s", message.pk, ticket.pk)
        return None


def _triage(*, ticket: Ticket, message: Message) -> Verdict:
    version, classifier = classifier_current()
    prediction = classifier.predict(ticket_customer_text(ticket=ticket, upto=message))
    contacts = repeat_contacts(ticket=ticket, message=message)
    urgency = _urgency(prediction.urgency, contacts)
    reasons = _reasons(prediction, contacts=contacts)
    verdict = Verdict.objects.create(
        ticket=ticket,
        message=message,
        topic=prediction.topic,
        urgency=urgency,
        topic_confidence=prediction.topic_confidence,
        urgency_confidence=prediction.urgency_confidence,
        text_urgency=prediction.urgency,
        repeat_contacts=contacts,
        reasons=reasons,
        model_version=version,
    )
    state = TicketTriage.objects.filter(ticket=ticket).first() or TicketTriage(ticket=ticket)
    state.model_topic, state.model_urgency = prediction.topic, urgency
    state.topic_confidence = prediction.topic_confidence
    state.urgency_confidence = prediction.urgency_confidence
    state.repeat_contacts, state.reasons, state.model_version = contacts, reasons, version
    if not state.is_corrected:
        state.topic, state.urgency = prediction.topic, urgency
        _route(ticket=ticket, state=state, actor=TRIAGE_ACTOR, by_agent=False)
    state.save()
    return verdict


def _route(*, ticket: Ticket, state: TicketTriage, actor: Actor, by_agent: bool) -> None:
    """Put the ticket where the routing table says, within what triage may change. The queue
    moves while the ticket is where its channel or triage put it (and, unless an agent is
    correcting it, while nobody has taken it). The priority only goes up, except that an
    agent's correction sets the table's value when no person changed the priority by hand.
    Ombudsman cases stay as they are. Assigns state.routed_*; caller saves the state."""
    if ticket.queue.is_ombudsman:
        return
    route = TopicRoute.objects.select_related("queue").filter(topic=state.topic).first()
    priority = UrgencyRoute.objects.filter(urgency=state.urgency).values_list("priority", flat=True).first()
    changes = []
    owns_queue = (
        ticket.queue_id == state.routed_queue_id
        if state.routed_queue_id
        else ticket.queue.code == ENTRY_QUEUE
    )
    if owns_queue and route is not None and not route.queue.is_ombudsman:
        if route.queue_id != ticket.queue_id and (by_agent or not ticket.assignee_id):
            changes.append(f"queue {ticket.queue.code} → {route.queue.code}")
            ticket.queue = route.queue
        state.routed_queue = ticket.queue
    if priority:
        owns_priority = not state.routed_priority or state.routed_priority == ticket.priority
        higher = PRIORITY_RANK[priority] > PRIORITY_RANK[ticket.priority]
        if priority != ticket.priority and (higher or (by_agent and owns_priority)):
            changes.append(f"priority {ticket.priority} → {priority}")
            ticket.priority = priority
        state.routed_priority = ticket.priority
    if changes:
        if ticket.sla_paused_at is None:
            sla_schedule(ticket=ticket)
        ticket.save(update_fields=["queue", "priority", *SLA_FIELDS, "updated_at"])
        TicketEvent.objects.create(
            ticket=ticket,
            actor=actor.label,
            note=f"triage {state.topic}/{state.urgency}: {', '.join(changes)}",
        )
    if route is not None:
        _tag(ticket=ticket, tag=route.tag)


def _tag(*, ticket: Ticket, tag: str) -> None:
    """The topic's tag on the ticket, and no other topic's."""
    others = set(TopicRoute.objects.exclude(tag="").exclude(tag=tag).values_list("tag", flat=True))
    if others:
        ticket.tags.remove(*Tag.objects.filter(name__in=others))
    if tag:
        ticket.tags.add(Tag.objects.get_or_create(name=tag)[0])


# Agents' corrections


@transaction.atomic
def triage_correct(*, ticket_id: int, topic: str, urgency: str, actor: Actor) -> TicketTriage:
    """An agent says what a ticket is really about. The correction is kept as training data,
    and the ticket is routed again by the corrected labels (within what triage may change; an
    ombudsman case is not moved). From then on triage leaves the ticket to the agents.

    Raises PermissionMissing, TriageLabelUnknown, or TriageMissing (no customer message was
    classified on this ticket)."""
    actor.require_perm("support.answer_ticket")
    if topic not in Topic.values or urgency not in Urgency.values:
        raise TriageLabelUnknown()
    ticket = lock_ticket(ticket_id)
    actor.require_perm(ticket.queue.work_permission)
    state = TicketTriage.objects.filter(ticket=ticket).first()
    if state is None:
        raise TriageMissing()
    Correction.objects.create(
        ticket=ticket,
        text=ticket_customer_text(ticket=ticket),
        topic=topic,
        urgency=urgency,
        predicted_topic=state.model_topic,
        predicted_urgency=state.model_urgency,
        corrected_by=actor.user,
    )
    state.topic, state.urgency = topic, urgency
    state.corrected_by, state.corrected_at = actor.user, timezone.now()
    _route(ticket=ticket, state=state, actor=actor, by_agent=True)
    state.save()
    return state
