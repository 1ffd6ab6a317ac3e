from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel


class StorePage(TimeStampedModel):
    """A page the law asks an online store to publish (Decreto 7.962/2013, consumer code,
    LGPD), in Portuguese and English; managers edit the text in the admin."""

    class Kind(models.TextChoices):
        TERMS = "terms", _("Terms of sale")
        PRIVACY = "privacy", _("Privacy policy")
        RETURNS = "returns", _("Exchanges and returns")

    kind = models.CharField(_("page"), max_length=20, choices=Kind.choices, unique=True, editable=False)
    slug = models.SlugField(_("address"), unique=True, editable=False)
    title_pt_br = models.CharField(_("title (Portuguese)"), max_length=120)
    body_pt_br = models.TextField(
        _("text (Portuguese)"), help_text=_("Paragraphs, lists, headings and links; other markup is removed.")
    )
    title_en = models.CharField(_("title (English)"), max_length=120)
    body_en = models.TextField(_("text (English)"))

    class Meta:
        verbose_name = _("store page")
        verbose_name_plural = _("store pages")
        ordering = ["kind"]

    def __str__(self) -> str:
        return self.get_kind_display()

    def get_absolute_url(self) -> str:
        return reverse("pages:store-page", kwargs={"slug": self.slug})

    def title_in(self, language: str) -> str:
        return self.title_en if language.startswith("en") else self.title_pt_br

    def body_in(self, language: str) -> str:
        return self.body_en if language.startswith("en") else self.body_pt_br
