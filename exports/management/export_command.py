"""The one command behind every `manage.py export_*`: each of those names its dataset only."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.actor import Actor
from core.exceptions import DomainError
from core.progress import progress
from exports.cursors import cursor_decode
from exports.datasets import DATASETS
from exports.models import ExportRun
from exports.selectors import export_count, export_plan, export_rows
from exports.services import export_run_record
from exports.writers import export_chunks


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(_("Not a date: %(value)s (write it as YYYY-MM-DD).") % {"value": value}) from error


class ExportCommand(BaseCommand):
    dataset_name = ""

    @property
    def help(self) -> str:  # type: ignore[override]
        dataset = DATASETS[self.dataset_name]
        follows = f"({dataset.cursor_field}, id)" if dataset.cursor_field else "id"
        return (
            f"Export {dataset.name.replace('_', ' ')} as CSV or JSON lines, filtered by "
            f"{dataset.date_field.replace('__', '.')}; incremental after a cursor, which follows {follows}."
        )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--from", dest="date_from", metavar="DAY", help="First day, YYYY-MM-DD (inclusive)."
        )
        parser.add_argument("--to", dest="date_to", metavar="DAY", help="Last day, YYYY-MM-DD (inclusive).")
        parser.add_argument("--cursor", default="", help="Start after the cursor an earlier export printed.")
        parser.add_argument("--format", choices=ExportRun.Format.values, default=ExportRun.Format.CSV)
        parser.add_argument(
            "--dialect",
            choices=ExportRun.Dialect.values,
            default=ExportRun.Dialect.STANDARD,
            help="CSV only: excel_br writes ';', decimal comma, dd/mm/yyyy and a BOM.",
        )
        parser.add_argument("--output", default="-", help="File to write (default: standard output).")
        parser.add_argument("--dry-run", action="store_true", help="Count the rows only.")

    def handle(self, *args, **options) -> None:
        dataset = DATASETS[self.dataset_name]
        # Everything is checked before the output is opened: bad input writes nothing.
        date_from = _date(options["date_from"]) if options["date_from"] else None
        date_to = _date(options["date_to"]) if options["date_to"] else None
        try:
            start = cursor_decode(dataset=dataset, text=options["cursor"])
            plan = export_plan(dataset=dataset, date_from=date_from, date_to=date_to, start=start)
        except DomainError as error:
            raise CommandError(str(error.message)) from error
        total = export_count(plan=plan)
        if options["dry_run"]:
            self.stdout.write(
                ngettext("%(count)s row to export.", "%(count)s rows to export.", total) % {"count": total}
            )
            self.stdout.write(_("Next cursor: %(cursor)s") % {"cursor": plan.next_cursor})
            return
        export_run_record(
            plan=plan,
            format=options["format"],
            dialect=options["dialect"],
            requested_by=Actor.job("export_command").label,
        )
        rows = progress(export_rows(plan=plan), total=total, label=str(dataset.label), stream=self.stderr)
        chunks = export_chunks(
            dataset=dataset, rows=rows, format=options["format"], dialect=options["dialect"]
        )
        to_stdout = options["output"] == "-"
        if to_stdout:
            for chunk in chunks:
                self.stdout.write(chunk.decode(), ending="")
            self.stdout.flush()
        else:
            with open(options["output"], "wb") as output:
                for chunk in chunks:
                    output.write(chunk)
        # With the data on standard output the cursor goes to standard error, out of the file.
        (self.stderr if to_stdout else self.stdout).write(
            _("Next cursor: %(cursor)s") % {"cursor": plan.next_cursor}
        )
