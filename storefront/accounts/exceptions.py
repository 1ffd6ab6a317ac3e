from django.utils.translation import gettext_lazy as _

from core.exceptions import DomainError


class EmailAlreadyRegistered(DomainError):
    code = "email_already_registered"
    message = _("An account with this email already exists. Log in or reset your password.")
