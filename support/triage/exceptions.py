from django.utils.translation import gettext_lazy as _

from core.exceptions import DomainError


class TriageLabelUnknown(DomainError):
    code = "triage_label_unknown"
    message = _("Choose a topic and an urgency from the lists.")


class TriageMissing(DomainError):
    code = "triage_missing"
    message = _("This ticket has no customer message that was classified, so there is nothing to correct.")
