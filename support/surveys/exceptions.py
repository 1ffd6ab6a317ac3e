from django.utils.translation import gettext_lazy as _

from core.exceptions import DomainError


class SurveyAlreadyAnswered(DomainError):
    code = "survey_already_answered"
    message = _("You already answered this survey. Thank you: your first answer is the one we keep.")


class SurveyNotAnswered(DomainError):
    code = "survey_not_answered"
    message = _("Choose a score first.")


class ScoreOutOfScale(DomainError):
    code = "score_out_of_scale"
    message = _("That score is not on this survey's scale.")


class SurveyLinkInvalid(DomainError):
    """A link that was altered, or names a survey we do not have."""

    code = "survey_link_invalid"
    message = _("This survey link is not valid. Please open the link exactly as it came in our message.")


class SurveyLinkExpired(SurveyLinkInvalid):
    code = "survey_link_expired"
    message = _("This survey has closed. Thank you all the same.")


class SurveyNotYours(DomainError):
    code = "survey_not_yours"
    message = _(
        "This survey belongs to another account. Log out, or open the link from the account that received it."
    )
