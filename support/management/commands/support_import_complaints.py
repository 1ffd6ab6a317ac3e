from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext

from core.actor import Actor
from core.progress import progress
from support.channels.social import (
    ImportResult,
    complaint_feed_import,
    complaint_feed_paths,
    complaints_import,
    complaints_read,
    complaints_report,
)
from support.exceptions import ComplaintFeedUnavailable, ComplaintsRefused

IMPORT_ACTOR = Actor.job("support_import_complaints")


class Command(BaseCommand):
    help = (
        "Open a ticket for each complaint or mention made in public (Reclame Aqui, "
        "consumidor.gov.br, Procon, social networks): from a CSV or JSON file staff copied "
        "from the sites (--file; format in docs/support_complaints.md), or from the feeds in "
        "STORE_COMPLAINT_FEEDS since their last fetch (--feeds). A file is checked whole: "
        "nothing is imported if any complaint is wrong, and every problem is reported with its "
        "line. A complaint imported before changes nothing, so running it again is safe."
    )

    def add_arguments(self, parser) -> None:
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--file", type=Path, help="A CSV or JSON file of complaints (UTF-8).")
        source.add_argument(
            "--feeds", action="store_true", help="Fetch from the feeds in STORE_COMPLAINT_FEEDS."
        )
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default="pt-br",
            help="Language of the report (default: pt-br).",
        )

    def handle(self, *args, file: Path | None, feeds: bool, language: str, **options) -> None:
        with translation.override(language):
            if file is not None:
                self._import_file(file)
            else:
                self._import_feeds()

    def _track(self, items, total: int):
        return progress(items, total=total, label=gettext("Complaints"), stream=self.stderr)

    def _import_file(self, file: Path) -> None:
        try:
            content = file.read_bytes()
        except OSError as error:
            raise CommandError(
                gettext("Cannot read %(path)s: %(reason)s.") % {"path": file, "reason": error.strerror}
            ) from error
        try:
            complaints = complaints_read(content)
            result = complaints_import(complaints=complaints, actor=IMPORT_ACTOR, track=self._track)
        except ComplaintsRefused as refused:
            raise CommandError(complaints_report(refused.problems)) from refused
        self.stdout.write(self.style.SUCCESS(self._summary(result)))

    def _import_feeds(self) -> None:
        paths = complaint_feed_paths()
        if not paths:
            raise CommandError(gettext("No complaint feed is configured: set STORE_COMPLAINT_FEEDS."))
        failures = []
        for path in paths:
            try:
                result = complaint_feed_import(path=path, actor=IMPORT_ACTOR, track=self._track)
            except ImportError as error:
                failures.append(
                    gettext("Feed %(feed)s cannot be loaded: %(reason)s") % {"feed": path, "reason": error}
                )
            except ComplaintFeedUnavailable as error:
                failures.append(
                    gettext("Feed %(feed)s could not be read: %(reason)s") % {"feed": path, "reason": error}
                )
            except ComplaintsRefused as refused:
                failures.append(
                    gettext("Feed %(feed)s: %(report)s")
                    % {"feed": path, "report": complaints_report(refused.problems)}
                )
            else:
                self.stdout.write(
                    self.style.SUCCESS(
                        gettext("Feed %(feed)s: %(summary)s")
                        % {"feed": path, "summary": self._summary(result)}
                    )
                )
        if failures:
            # The other feeds were imported; these are asked again from the same point next run.
            raise CommandError("\n".join(failures))

    def _summary(self, result: ImportResult) -> str:
        return gettext(
            "Complaints read: %(read)s. Tickets opened: %(opened)s. Imported before, left as they were: "
            "%(known)s."
        ) % {"read": result.read, "opened": len(result.opened), "known": result.known}
