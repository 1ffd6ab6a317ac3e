from django import forms
from django.utils.translation import gettext_lazy as _

from storefront.reviews.exceptions import RejectionReasonMissing
from storefront.reviews.models import (
    COMMENT_MAX_LENGTH,
    RATING_MAX,
    RATING_MIN,
    REASON_MAX_LENGTH,
    TITLE_MAX_LENGTH,
)

RATING_CHOICES = [(stars, str(stars)) for stars in range(RATING_MIN, RATING_MAX + 1)]


class ReviewForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Your rating"),
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose from 1 to 5 stars."),
            "invalid_choice": _("Choose from 1 to 5 stars."),
        },
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_MAX_LENGTH,
        error_messages={"required": _("Give your review a title.")},
    )
    comment = forms.CharField(
        label=_("Your review"),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Tell other shoppers what you thought of the product.")},
    )


class ReviewModerationForm(forms.Form):
    class Decision:
        APPROVE = "approve"
        REJECT = "reject"

    decision = forms.ChoiceField(choices=[(Decision.APPROVE, _("Publish")), (Decision.REJECT, _("Reject"))])
    reason = forms.CharField(label=_("Reason for rejecting"), max_length=REASON_MAX_LENGTH, required=False)

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("decision") == self.Decision.REJECT and not cleaned.get("reason"):
            self.add_error("reason", RejectionReasonMissing.message)
        return cleaned
