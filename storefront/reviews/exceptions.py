from django.utils.translation import gettext_lazy as _

from core.exceptions import DomainError


class ReviewNotAllowed(DomainError):
    """The customer has no delivered order with this product."""

    code = "review_not_allowed"
    message = _("You can review a product once you have received it.")


class ReviewAlreadyModerated(DomainError):
    code = "review_already_moderated"
    message = _("Your review of this product was already moderated and can no longer be changed.")


class ReviewTextInvalid(DomainError):
    code = "review_text_invalid"
    message = _("Give your review a rating from 1 to 5, a title and a comment.")


class ReviewDecisionNotAllowed(DomainError):
    code = "review_decision_not_allowed"
    message = _("This review has already been moderated that way.")


class RejectionReasonMissing(DomainError):
    code = "rejection_reason_missing"
    message = _("Say why the review is rejected.")
