from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext

from core.progress import progress
from support.channels.email import EMAIL_SENDER, email_receive_parsed
from support.channels.email_mailbox import ImapMailbox, LocalMailbox, MailboxUnavailable
from support.channels.email_parse import EmailMalformed


class Command(BaseCommand):
    help = (
        "Read the support mailbox (STORE_SUPPORT_MAILBOX_URL, IMAP over SSL; or a local "
        "--mbox file or --maildir folder) and hand each email to the support desk, as the "
        "inbound-email webhook does: a reply joins its ticket, anything else opens one. Each "
        "email is stored once by its Message-ID, so running it again stores nothing twice. "
        "IMAP messages are marked read only once stored."
    )

    def add_arguments(self, parser) -> None:
        source = parser.add_mutually_exclusive_group()
        source.add_argument("--mbox", type=Path, help="Read this mbox file instead of the IMAP mailbox.")
        source.add_argument(
            "--maildir", type=Path, help="Read this Maildir folder instead of the IMAP mailbox."
        )
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default="pt-br",
            help="Language of the report (default: pt-br).",
        )

    def handle(self, *args, mbox: Path | None, maildir: Path | None, language: str, **options) -> None:
        with translation.override(language):
            try:
                with self._source(mbox=mbox, maildir=maildir) as source:
                    counts = self._fetch(source)
            except MailboxUnavailable as error:
                raise CommandError(
                    gettext("The mailbox cannot be read: %(reason)s") % {"reason": error}
                ) from error
            self.stdout.write(
                self.style.SUCCESS(
                    gettext(
                        "Emails read: %(read)s. Stored: %(stored)s. Stored before: %(known)s. "
                        "Refused: %(refused)s. Left unread, too large: %(too_large)s."
                    )
                    % counts
                )
            )

    def _source(self, *, mbox: Path | None, maildir: Path | None) -> ImapMailbox | LocalMailbox:
        if mbox is not None:
            return LocalMailbox(mbox, kind="mbox")
        if maildir is not None:
            return LocalMailbox(maildir, kind="maildir")
        if not settings.STORE_SUPPORT_MAILBOX_URL:
            raise CommandError(gettext("Give --mbox or --maildir, or set STORE_SUPPORT_MAILBOX_URL."))
        return ImapMailbox(settings.STORE_SUPPORT_MAILBOX_URL, max_bytes=EMAIL_SENDER.max_body_bytes)

    def _fetch(self, source: ImapMailbox | LocalMailbox) -> dict[str, int]:
        keys = source.keys()
        counts = {"read": 0, "stored": 0, "known": 0, "refused": 0, "too_large": len(source.too_large)}
        for key in progress(keys, total=len(keys), label=gettext("Emails"), stream=self.stderr):
            raw = source.get(key).raw
            counts["read"] += 1
            try:
                _event, is_new = email_receive_parsed(
                    message=message_from_bytes(raw, policy=default_policy), raw=raw
                )
            except EmailMalformed as error:
                counts["refused"] += 1
                self.stderr.write(
                    gettext("Email %(key)s refused: %(reason)s") % {"key": key, "reason": error}
                )
                continue
            counts["stored" if is_new else "known"] += 1
            source.done(key)
        return counts
