from django.core.management.base import BaseCommand

from core.progress import progress
from storefront.accounts.retention import (
    RETENTION_BATCH,
    guest_contacts_forget,
    guest_data_due_count,
    guest_notifications_forget,
    guest_order_anonymise,
    guest_orders_due,
)


class Command(BaseCommand):
    help = (
        "Anonymise guest data older than STORE_GUEST_DATA_RETENTION_DAYS: guest orders (keeping "
        "their fiscal amounts), tickets about them and messages sent to guests. --dry-run counts only."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be anonymised; change nothing."
        )

    def handle(self, *args, dry_run: bool = False, **options) -> None:
        due = guest_data_due_count()
        if dry_run:
            self.stdout.write(
                f"Would anonymise {due['orders']} guest order(s) "
                f"and {due['notifications']} message(s) to guests."
            )
            return
        order_ids = list(guest_orders_due().values_list("pk", flat=True))
        done = 0
        for order_id in progress(order_ids, total=len(order_ids), label="Guest orders", stream=self.stderr):
            done += guest_order_anonymise(order_id=order_id)
        forgotten = 0
        batches = range(0, due["notifications"], RETENTION_BATCH)
        for _batch in progress(batches, total=len(batches), label="Guest messages", stream=self.stderr):
            forgotten += guest_notifications_forget()
        contacts = 0
        while batch := guest_contacts_forget():
            contacts += batch
        self.stdout.write(
            self.style.SUCCESS(
                f"Anonymised {done} guest order(s), {forgotten} message(s) to guests "
                f"and {contacts} guest cart(s) and chat(s)."
            )
        )
