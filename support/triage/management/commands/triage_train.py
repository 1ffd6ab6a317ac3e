from django.core.management.base import BaseCommand
from django.utils.translation import gettext

from support.triage.services import triage_train


class Command(BaseCommand):
    help = (
        "Retrain the complaint triage classifier from the shipped training set plus the agents' "
        "corrections, print precision, recall and F1 per class and the macro-F1 of topic and "
        "urgency on the held-out test set, and store it as the next version (every web node "
        "and worker switches to it at its next message)."
    )

    def handle(self, *args, **options) -> None:
        self.stdout.write(gettext("Training… (a few seconds)"))
        training = triage_train()
        model, evaluation = training.model, training.evaluation
        self.stdout.write(
            gettext(
                "Trained on %(train)s messages (%(corrections)s of them agents' corrections); "
                "scored on %(test)s held-out messages."
            )
            % {"train": model.train_size, "corrections": model.corrections_used, "test": model.test_size}
        )
        for label, title in (("topic", gettext("Topic")), ("urgency", gettext("Urgency"))):
            self.stdout.write(f"\n{title}\n{evaluation.texts[label]}")
            self.stdout.write(
                gettext("%(label)s macro-F1: %(f1).3f") % {"label": title, "f1": evaluation.macro_f1(label)}
            )
        self.stdout.write(
            self.style.SUCCESS(gettext("Stored as version %(version)s.") % {"version": model.version})
        )
