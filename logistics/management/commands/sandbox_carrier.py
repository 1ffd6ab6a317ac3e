from django.core.management.base import BaseCommand, CommandError, no_translations

from core.quiet import command_quiet
from inbox.exceptions import NoticeRejected
from logistics.adapters.base import CarrierEvent
from logistics.models import TrackingEvent
from logistics.services import sandbox_shipments_advance

# The longest sandbox journey (two failed attempts, then back to the sender).
LONGEST_JOURNEY = 7


class Command(BaseCommand):
    help = (
        "Act as the sandbox carrier: move every shipment on the way (or those named) one step "
        "along its journey — posted, in transit, out for delivery, delivered — and post each "
        "event to the store's tracking webhook, signed. Recipients named SANDBOX ABSENT miss the "
        "first attempt; SANDBOX RETURN come back to the sender. Parcels customers send back "
        "are posted, travel and reach the warehouse, unless the sender is SANDBOX NEVER POSTED. "
        "Prints one line per event; the emails and task logs of the work that follows are not "
        "printed (errors are)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("tracking_codes", nargs="*", help="Only these parcels (default: all on the way).")
        parser.add_argument(
            "--to-the-end", action="store_true", help="Keep going until every journey is over."
        )
        parser.add_argument(
            "--quiet-carrier",
            action="store_true",
            help="Publish the events for tracking queries only, without posting notices.",
        )

    @no_translations
    def handle(
        self, *args, tracking_codes: list[str], to_the_end: bool, quiet_carrier: bool, **options
    ) -> None:
        codes = [code.strip().upper() for code in tracking_codes] or None
        published = 0
        for _step in range(LONGEST_JOURNEY if to_the_end else 1):
            try:
                with command_quiet():
                    events = sandbox_shipments_advance(tracking_codes=codes, notify=not quiet_carrier)
            except NoticeRejected as rejected:
                raise CommandError(f"Notice refused: {rejected}") from rejected
            for event in events:
                self.stdout.write(event_line(event))
            published += len(events)
            if not events:
                break
        self.stdout.write(self.style.SUCCESS(f"{published} tracking event(s) published."))


def event_line(event: CarrierEvent) -> str:
    """`SX123456785BR: delivered.`: the parcel (the sandbox numbers its events after the
    tracking code) and what happened to it."""
    tracking_code = event.event_id.rsplit("-", 1)[0]
    kind = TrackingEvent.Kind(event.kind).label
    return f"{tracking_code}: {str(kind).lower()}."
