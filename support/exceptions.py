from django.utils.translation import gettext_lazy as _

from core.exceptions import ActionNotAllowed, DomainError
from core.uploads import UploadRefused


class TicketTransitionNotAllowed(DomainError):
    code = "ticket_transition_not_allowed"
    message = _("This ticket cannot change to that status.")


class TicketClosed(DomainError):
    code = "ticket_closed"
    message = _("This ticket is closed. Open a new one and quote its protocol.")


class TicketMergeNotAllowed(DomainError):
    code = "ticket_merge_not_allowed"
    message = _("Only open tickets of the same customer can be merged, into another ticket.")


class EscalationNotAllowed(DomainError):
    code = "escalation_not_allowed"
    message = _("Only first-level tickets go to the ombudsman, once.")


class AssigneeNotAllowed(ActionNotAllowed):
    code = "assignee_not_allowed"
    message = _("This person cannot work on tickets of this queue.")


class AttachmentRefused(UploadRefused):
    code = "attachment_refused"
    message = _("This file cannot be attached.")


class ChannelUnavailable(Exception):
    """A channel's service could not take the message now; the delivery is retried."""


class ChannelRefused(Exception):
    """A channel's service refused the message for good (an address that does not exist)."""


class ComplaintsRefused(DomainError):
    """A batch of public complaints with problems; `problems` lists each, by line. Nothing of
    the batch was stored."""

    code = "complaints_refused"
    message = _("The complaints were not imported: fix these lines and send them again.")

    def __init__(self, *, problems: list) -> None:
        super().__init__()
        self.problems = problems


class PublicAddressMissing(DomainError):
    code = "public_address_missing"
    message = _("This ticket has no public address: its answer is not posted in public.")


class ComplaintFeedUnavailable(Exception):
    """A complaint feed could not be read now; the next run asks again from the same point."""


class ChatClosed(DomainError):
    code = "chat_closed"
    message = _("This chat became a ticket: answer it there.")
