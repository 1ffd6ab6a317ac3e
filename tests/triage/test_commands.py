from io import StringIO

import pytest
from django.core.management import call_command
from django.utils.translation import gettext

from backoffice.roles import Role
from core.actor import Actor
from support.triage.models import TriageModel
from support.triage.services import classifier_current, triage_correct
from tests.triage.factories import customer_ticket

pytestmark = pytest.mark.django_db


def test_triage_train_prints_the_scores_per_class_and_stores_the_next_version(make_staff):
    classifier_current()  # the first model, trained on first use
    ticket = customer_ticket(body="Vcs tem cupom pra quem faz aniversario esse mes?")
    triage_correct(
        ticket_id=ticket.pk,
        topic="other",
        urgency="normal",
        actor=Actor.staff(make_staff(Role.SUPPORT_AGENT)),
    )
    out = StringIO()
    call_command("triage_train", stdout=out)
    output = out.getvalue()
    for name in ("delivery", "payment", "product_defect", "return_exchange", "order_change", "other"):
        assert f"\n{name.rjust(15)}" in output
    for name in ("normal", "high", "urgent"):
        assert f"\n{name.rjust(12)}" in output
    assert "precision" in output and "recall" in output and "macro avg" in output
    model = TriageModel.objects.order_by("-version").first()
    assert (model.version, model.corrections_used) == (2, 1)
    assert model.train_size == TriageModel.objects.get(version=1).train_size + 1
    assert (
        gettext("%(label)s macro-F1: %(f1).3f") % {"label": gettext("Topic"), "f1": model.topic_macro_f1}
        in output
    )
    assert model.topic_macro_f1 >= 0.8 and model.urgency_macro_f1 >= 0.8
    assert set(model.metrics) == {"topic", "urgency"}
    assert classifier_current()[0] == 2  # every process switches at its next message
