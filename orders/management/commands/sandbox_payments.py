import urllib.request
import uuid

from django.core.management.base import BaseCommand, CommandError, no_translations
from django.urls import reverse

from core.quiet import command_quiet
from inbox.exceptions import NoticeRejected
from orders.adapters.sandbox import ChargeClosed, sandbox_notice
from orders.selectors import payment_list_sandbox_pending
from orders.services.notices import EXPIRED, PAID, sandbox_notice_deliver

ACTIONS = {"pay": PAID, "expire": EXPIRED}
DONE = {"pay": "paid", "expire": "expired"}


class Command(BaseCommand):
    help = (
        "Act as the sandbox payment provider: send the signed notice that a pending Pix or "
        "boleto of an order was paid, or expired. Prints one line of what was done; the emails "
        "and task logs of the work that follows are not printed (errors are)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("action", choices=sorted(ACTIONS))
        parser.add_argument("order_number")
        parser.add_argument(
            "--url",
            help="Base address of the running store (e.g. http://127.0.0.1:8000) to POST the notice to; "
            "without it the notice goes straight to the same handler in this process.",
        )

    @no_translations
    def handle(self, *args, action: str, order_number: str, url: str | None = None, **options) -> None:
        payment = payment_list_sandbox_pending().filter(order__number=order_number).first()
        if payment is None:
            raise CommandError(f"Order {order_number} has no pending sandbox Pix or boleto.")
        what = f"Order {order_number}: {payment.get_method_display()} {DONE[action]}"
        if url:
            try:
                body, signature = sandbox_notice(
                    reference=payment.gateway_reference,
                    kind=ACTIONS[action],
                    event_id=f"evt_{uuid.uuid4().hex}",
                )
            except ChargeClosed as refused:
                raise CommandError(f"The provider refuses: {refused}") from refused
            endpoint = url.rstrip("/") + reverse(
                "payments:payment-webhook", kwargs={"provider": payment.gateway}
            )
            request = urllib.request.Request(  # noqa: S310 - an address the operator gives
                endpoint,
                data=body,
                method="POST",
                headers={"Content-Type": "application/json", "X-Signature": signature},
            )
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310  # nosec B310  # the operator's own --url, opened with their own rights
                self.stdout.write(f"{what} (notice sent to {endpoint}: HTTP {response.status}).")
            return
        try:
            with command_quiet():
                sandbox_notice_deliver(payment=payment, kind=ACTIONS[action])
        except NoticeRejected as rejected:
            raise CommandError(f"Notice refused: {rejected}") from rejected
        self.stdout.write(self.style.SUCCESS(f"{what}."))
