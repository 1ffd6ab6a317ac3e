from django.core.management.base import BaseCommand, CommandError

from core.progress import progress
from inventory.models import StockLevel
from inventory.selectors import stock_discrepancies

BATCH = 1000


class Command(BaseCommand):
    help = (
        "Check that every stock level, bin and lot agrees with the movement ledger and with the "
        "reservations on it. Lists each disagreement and exits with an error if there is any."
    )

    def handle(self, *args, **options) -> None:
        level_ids = list(StockLevel.objects.order_by("pk").values_list("pk", flat=True))
        batches = [level_ids[start : start + BATCH] for start in range(0, len(level_ids), BATCH)]
        found = []
        for batch in progress(batches, total=len(batches), label="Stock levels", stream=self.stderr):
            found += stock_discrepancies(level_ids=batch)
        for problem in found:
            self.stdout.write(
                f"{problem.sku} @ {problem.warehouse}: {problem.what}: "
                f"recorded {problem.recorded}, expected {problem.expected}"
            )
        if found:
            raise CommandError(f"{len(found)} disagreement(s) in {len(level_ids)} stock levels.")
        self.stdout.write(self.style.SUCCESS(f"{len(level_ids)} stock levels agree with the ledger."))
