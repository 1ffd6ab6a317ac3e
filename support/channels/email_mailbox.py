"""Reading the support mailbox itself: an IMAP folder over SSL (STORE_SUPPORT_MAILBOX_URL,
`imaps://user:password@host[:port]/FOLDER`), or a local mbox file or Maildir folder. Each
source yields the raw messages it holds and is told which ones the store has kept."""

import imaplib
import mailbox
import re
import ssl
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

IMAP_PORT = 993
IMAP_TIMEOUT_SECONDS = 60


class MailboxUnavailable(Exception):
    """The mailbox cannot be read: a wrong address, a refused login, a missing file."""


@dataclass(frozen=True)
class MailboxMessage:
    key: str
    raw: bytes


@dataclass(frozen=True)
class ImapAddress:
    host: str
    port: int
    user: str
    password: str
    folder: str


def imap_address(url: str) -> ImapAddress:
    """`imaps://user:password@host[:port]/FOLDER` (user and password percent-encoded; the
    folder defaults to INBOX). Raises MailboxUnavailable: only IMAP over SSL is read."""
    parts = urlsplit(url)
    try:
        port = parts.port or IMAP_PORT
    except ValueError as error:
        raise MailboxUnavailable("the mailbox address has an invalid port") from error
    if parts.scheme != "imaps" or not parts.hostname or not parts.username or parts.password is None:
        raise MailboxUnavailable("the mailbox address must be imaps://user:password@host[:port]/FOLDER")
    return ImapAddress(
        host=parts.hostname,
        port=port,
        user=unquote(parts.username),
        password=unquote(parts.password),
        folder=unquote(parts.path.lstrip("/")) or "INBOX",
    )


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


class ImapMailbox:
    """The unread messages of an IMAP folder. Messages are fetched without marking them
    read (BODY.PEEK); `done` marks one \\Seen once the store has kept it, so a message lost
    between the two is read again on the next run. Use as a context manager."""

    def __init__(self, url: str, *, max_bytes: int) -> None:
        self.address = imap_address(url)
        self.max_bytes = max_bytes
        self.too_large: list[str] = []
        self.connection: imaplib.IMAP4_SSL | None = None

    def __enter__(self) -> "ImapMailbox":
        address = self.address
        try:
            self.connection = imaplib.IMAP4_SSL(
                address.host,
                address.port,
                ssl_context=ssl.create_default_context(),
                timeout=IMAP_TIMEOUT_SECONDS,
            )
            self.connection.login(address.user, address.password)
            status, _data = self.connection.select(_quoted(address.folder))
        except (imaplib.IMAP4.error, OSError) as error:
            raise MailboxUnavailable(f"{address.host}: {error}") from error
        if status != "OK":
            raise MailboxUnavailable(f"{address.host}: no folder {address.folder}")
        return self

    def __exit__(self, *exc_info) -> None:
        if self.connection is None:
            return
        try:
            self.connection.close()
            self.connection.logout()
        except (imaplib.IMAP4.error, OSError):
            pass  # the work is done or failed already; a dead connection changes nothing

    def _command(self, *args: str) -> list:
        try:
            status, data = self.connection.uid(*args)
        except (imaplib.IMAP4.error, OSError) as error:
            raise MailboxUnavailable(str(error)) from error
        if status != "OK":
            raise MailboxUnavailable(f"{args[0]} refused: {data!r}")
        return data

    def keys(self) -> list[str]:
        """The UIDs of the unread messages small enough to take; larger ones stay unread
        (listed in `too_large`) without being downloaded."""
        found = self._command("SEARCH", "UNSEEN")
        uids = (found[0] or b"").decode().split() if found else []
        if not uids:
            return []
        sizes = {}
        for line in self._command("FETCH", ",".join(uids), "(RFC822.SIZE)"):
            text = line.decode() if isinstance(line, bytes) else ""
            uid, size = re.search(r"UID (\d+)", text), re.search(r"RFC822\.SIZE (\d+)", text)
            if uid and size:
                sizes[uid.group(1)] = int(size.group(1))
        self.too_large = [uid for uid in uids if sizes.get(uid, 0) > self.max_bytes]
        return [uid for uid in uids if uid not in self.too_large]

    def get(self, key: str) -> MailboxMessage:
        for item in self._command("FETCH", key, "(BODY.PEEK[])"):
            if isinstance(item, tuple):
                return MailboxMessage(key=key, raw=item[1])
        raise MailboxUnavailable(f"message {key} is gone")

    def done(self, key: str) -> None:
        self._command("STORE", key, "+FLAGS", "(\\Seen)")


class LocalMailbox:
    """The messages of a local mbox file or Maildir folder, read as they are (nothing in
    the files changes: the inbox remembers what it has stored)."""

    def __init__(self, path: Path, *, kind: str) -> None:
        try:
            if kind == "mbox":
                self.box = mailbox.mbox(str(path), create=False)
            else:
                self.box = mailbox.Maildir(str(path), factory=None, create=False)
        except (mailbox.Error, OSError) as error:
            raise MailboxUnavailable(f"{path}: no such {kind}") from error
        self.too_large: list[str] = []

    def __enter__(self) -> "LocalMailbox":
        return self

    def __exit__(self, *exc_info) -> None:
        self.box.close()

    def keys(self) -> list[str]:
        return [str(key) for key in self.box.iterkeys()]  # iterating a mailbox gives messages

    def get(self, key: str) -> MailboxMessage:
        box_key = int(key) if isinstance(self.box, mailbox.mbox) else key
        return MailboxMessage(key=key, raw=self.box.get_bytes(box_key))

    def done(self, key: str) -> None:
        return None
