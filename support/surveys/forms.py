from django import forms
from django.utils.translation import gettext_lazy as _

from support.surveys.models import ASPECT_SCALE, Survey
from support.surveys.services import COMMENT_MAX_LENGTH

ASPECT_CHOICES = [(score, str(score)) for score in range(ASPECT_SCALE[0], ASPECT_SCALE[1] + 1)]


def _aspect(label) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=ASPECT_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )


class SurveyDetailsForm(forms.Form):
    """What the customer may add after their score: a comment and, after a delivery, a score
    from 1 to 5 for the product, the delivery time and the packaging. All optional."""

    comment = forms.CharField(
        label=_("Anything you would like to tell us?"),
        max_length=COMMENT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    product_score = _aspect(_("The product"))
    delivery_score = _aspect(_("The delivery time"))
    packaging_score = _aspect(_("The packaging"))

    def __init__(self, *args, kind: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if kind != Survey.Kind.NPS:
            for name in ("product_score", "delivery_score", "packaging_score"):
                del self.fields[name]

    @property
    def aspect_fields(self) -> list:
        return [
            self[name]
            for name in ("product_score", "delivery_score", "packaging_score")
            if name in self.fields
        ]
