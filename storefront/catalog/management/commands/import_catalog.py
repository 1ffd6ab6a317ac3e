from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext

from core.progress import progress
from storefront.catalog.exceptions import CatalogRowRejected
from storefront.catalog.importing import catalog_error_report, catalog_parse
from storefront.catalog.services import catalog_import


class Command(BaseCommand):
    help = (
        "Import products and variants from a CSV file, one row per variant (columns: "
        "docs/catalog_csv.md). The whole file is checked first: nothing is written if any row "
        "is wrong, and every problem is reported with its row and column. Safe to run again."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path, help="The CSV file (UTF-8, comma or semicolon separated).")
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default="pt-br",
            help="Language of the report (default: pt-br).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Check the file; write nothing.")

    def handle(self, *args, file: Path, language: str, dry_run: bool, **options) -> None:
        with translation.override(language):
            try:
                content = file.read_bytes()
            except OSError as error:
                raise CommandError(
                    gettext("Cannot read %(path)s: %(reason)s.") % {"path": file, "reason": error.strerror}
                ) from error
            parsed = catalog_parse(
                content, track=lambda rows, total: progress(rows, total=total, label=gettext("Checking"))
            )
            if parsed.errors:
                raise CommandError(catalog_error_report(parsed.errors))
            if dry_run:
                self.stdout.write(
                    gettext("The file is valid. Rows: %(rows)s. Nothing was written (--dry-run).")
                    % {"rows": len(parsed.rows)}
                )
                return
            rows = progress(parsed.rows, total=len(parsed.rows), label=gettext("Importing"))
            try:
                summary = catalog_import(rows=rows)
            except CatalogRowRejected as error:
                raise CommandError(
                    gettext("Nothing was imported. %(reason)s") % {"reason": error.message}
                ) from error
            self.stdout.write(
                self.style.SUCCESS(
                    gettext(
                        "Import done. Rows: %(rows)s. Products created: %(products_created)s, "
                        "updated: %(products_updated)s. Variants created: %(variants_created)s, "
                        "updated: %(variants_updated)s."
                    )
                    % vars(summary)
                )
            )
