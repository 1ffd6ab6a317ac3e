from django.db.models import QuerySet, Subquery

from support.notifications.models import ContactPreference, MarketingConsent, Notification


def notification_list(*, status: str = "") -> QuerySet[Notification]:
    notifications = Notification.objects.order_by("-created_at", "-pk")
    if status in Notification.Status.values:
        notifications = notifications.filter(status=status)
    return notifications


def notification_count_failed() -> int:
    return Notification.objects.filter(status=Notification.Status.FAILED).count()


def contact_preference_get(*, user) -> ContactPreference | None:
    return ContactPreference.objects.filter(user=user).first()


# Marketing consent (LGPD).
#
# What counts as marketing: the sales-recovery reminders (they ask the person to finish a
# purchase they left) and the satisfaction surveys (not needed to deliver the order or answer
# the ticket). Order, payment, delivery, return and ticket messages carry out the contract
# (LGPD art. 7 V) and never ask. Marketing rests on the store's legitimate interest towards
# someone who started a purchase with it (art. 7 IX and art. 10), with a way out in every
# message: it goes out unless the person withdrew on that channel (or never got a record, as
# the reminders and surveys always did), and stops the moment they withdraw. On WhatsApp the
# person must also have given their number for WhatsApp (ContactPreference), as WhatsApp's own
# rules ask for an opt-in.


def marketing_consent_state(*, email: str) -> dict[str, MarketingConsent]:
    """The consent in force of an address on each channel (its latest change), in one query;
    a channel missing from the answer was never asked."""
    state: dict[str, MarketingConsent] = {}
    for change in MarketingConsent.objects.filter(email=email.strip().lower()).order_by("-created_at", "-pk"):
        state.setdefault(change.channel, change)
        if len(state) == len(MarketingConsent.Channel):
            break
    return state


def marketing_allowed(*, email: str, channel: str) -> bool:
    """Whether a marketing message may go to this address on this channel: yes unless its
    latest change withdrew consent. One query through marketing_consent_email_idx."""
    if not email.strip():
        return True  # nobody to have withdrawn: a contact known only by phone (see ContactPreference)
    latest = (
        MarketingConsent.objects.filter(email=email.strip().lower(), channel=channel)
        .order_by("-created_at", "-pk")
        .values_list("is_given", flat=True)
        .first()
    )
    return latest is not False


def marketing_consent_history(*, email: str) -> QuerySet[MarketingConsent]:
    return MarketingConsent.objects.filter(email=email.strip().lower()).order_by("-created_at", "-pk")


def marketing_latest_given(*, email, channel: str) -> Subquery:
    """For batch reads: whether the consent in force of the address (an OuterRef) on the channel
    is given, as a subquery; NULL when never asked. Keep NULL or True to leave out those who
    withdrew (`exclude(=False)` would drop the NULLs too)."""
    latest = MarketingConsent.objects.filter(email=email, channel=channel).order_by("-created_at", "-pk")
    return Subquery(latest.values("is_given")[:1])
