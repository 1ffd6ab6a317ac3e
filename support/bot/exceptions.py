from django.utils.translation import gettext_lazy as _

from core.exceptions import DomainError


class ConversationTransitionNotAllowed(DomainError):
    code = "bot_conversation_transition_not_allowed"
    message = _("The conversation cannot move to that state.")
