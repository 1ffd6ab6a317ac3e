from django.core.management.base import BaseCommand, CommandError

from core.actor import Actor
from core.exceptions import DomainError
from core.progress import progress
from storefront.accounts.erasure import erasure_blockers, erasure_request_carry_out
from storefront.accounts.models import ErasureRequest


class Command(BaseCommand):
    help = (
        "Carry out a customer's erasure request (LGPD): anonymise the person, keep the fiscal "
        "records. Waits (and says why) while an order or a return is open. --dry-run only tells."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--request", type=int, required=True, help="The erasure request's number.")
        parser.add_argument("--dry-run", action="store_true", help="Say what would happen; change nothing.")

    def handle(self, *args, request: int, dry_run: bool = False, **options) -> None:
        erasure = ErasureRequest.objects.select_related("customer").filter(pk=request).first()
        if erasure is None:
            raise CommandError(f"No erasure request #{request}.")
        if dry_run:
            blockers = erasure_blockers(user=erasure.customer) if erasure.is_open else []
            if not erasure.is_open:
                self.stdout.write(f"Request #{erasure.pk} is {erasure.status}: nothing to do.")
            elif blockers:
                self.stdout.write(f"Request #{erasure.pk} would wait:\n" + "\n".join(blockers))
            else:
                self.stdout.write(f"Request #{erasure.pk} would erase customer {erasure.customer_id}.")
            return
        for _step in progress([erasure.pk], total=1, label="Erasure", stream=self.stderr):
            try:
                erasure = erasure_request_carry_out(request_id=erasure.pk, actor=Actor.job("privacy_erase"))
            except DomainError as error:
                raise CommandError(str(error.message)) from error
        if erasure.status == ErasureRequest.Status.DONE:
            self.stdout.write(self.style.SUCCESS(f"Request #{erasure.pk} carried out: {erasure.summary}"))
        else:
            raise CommandError(f"Request #{erasure.pk} waits:\n{erasure.waiting_reason}")
