from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from backoffice.kpis.exceptions import KpiDayInFuture
from backoffice.kpis.services import kpi_days_rebuild
from core.progress import progress


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(gettext("%(value)s is not a date like 2026-01-31.") % {"value": value}) from error


class Command(BaseCommand):
    help = (
        "Recompute the indicators' daily figures from the orders, payments, shipments and "
        "tickets, one São Paulo day at a time, replacing what was stored for those days."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--from", dest="first", required=True, help="First day, YYYY-MM-DD.")
        parser.add_argument("--to", dest="last", help="Last day, YYYY-MM-DD (default: yesterday).")
        parser.add_argument("--dry-run", action="store_true", help="Compute and count, store nothing.")

    def handle(self, *args, first: str, last: str | None, dry_run: bool, **options) -> None:
        first_day = _day(first)
        last_day = _day(last) if last else timezone.localdate() - timedelta(days=1)
        if last_day < first_day:
            raise CommandError(gettext("--to must not be before --from."))
        if last_day > timezone.localdate():
            raise CommandError(gettext("--to must not be after today."))
        days = (last_day - first_day).days + 1
        facts = 0
        try:
            for _day_done, count in progress(
                kpi_days_rebuild(first=first_day, last=last_day, dry_run=dry_run),
                total=days,
                label=gettext("Days"),
                stream=self.stderr,
            ):
                facts += count
        except KpiDayInFuture as error:
            raise CommandError(error.message) from error
        message = ngettext(
            "Rebuilt %(days)s day: %(facts)s figures.",
            "Rebuilt %(days)s days: %(facts)s figures.",
            days,
        ) % {"days": days, "facts": facts}
        if dry_run:
            message = gettext("Dry run, nothing stored. %(message)s") % {"message": message}
        self.stdout.write(self.style.SUCCESS(message))
