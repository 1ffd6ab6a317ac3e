from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, OutputWrapper
from django.utils import translation
from django.utils.translation import gettext, ngettext

from core.progress import progress
from storefront.catalog.exporting import EXPORT_CHUNK, catalog_csv_write, variant_list_for_export


class Command(BaseCommand):
    help = (
        "Export products and variants as CSV, one row per variant, in the format import_catalog "
        "reads (docs/catalog_csv.md); to FILE, or to standard output without one."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", nargs="?", type=Path, help="Where to write; standard output if omitted.")
        parser.add_argument(
            "--excel",
            action="store_true",
            help="Write for Brazilian Excel: semicolons, decimal commas and a UTF-8 byte order mark.",
        )
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default="pt-br",
            help="Language of the messages (default: pt-br).",
        )

    def handle(self, *args, file: Path | None, excel: bool, language: str, **options) -> None:
        with translation.override(language):
            variants = variant_list_for_export()
            if file is None:
                catalog_csv_write(
                    _Unterminated(self.stdout), variants.iterator(chunk_size=EXPORT_CHUNK), excel=excel
                )
                return
            try:
                with file.open("w", encoding="utf-8", newline="") as stream:
                    rows = progress(
                        variants.iterator(chunk_size=EXPORT_CHUNK),
                        total=variants.count(),
                        label=gettext("Exporting"),
                    )
                    count = catalog_csv_write(stream, rows, excel=excel)
            except OSError as error:
                raise CommandError(
                    gettext("Cannot write %(path)s: %(reason)s.") % {"path": file, "reason": error.strerror}
                ) from error
            self.stdout.write(
                self.style.SUCCESS(
                    ngettext(
                        "Exported %(count)s variant to %(path)s.",
                        "Exported %(count)s variants to %(path)s.",
                        count,
                    )
                    % {"count": count, "path": file}
                )
            )


class _Unterminated:
    """Lets the csv module write to a command's output, which would add a newline to each
    write that lacks one."""

    def __init__(self, output: OutputWrapper) -> None:
        self.output = output

    def write(self, text: str) -> None:
        self.output.write(text, ending="")
