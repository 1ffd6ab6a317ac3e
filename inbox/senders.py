"""Who may post notices to the inbox. Each app that receives notices registers its sender
from its AppConfig.ready(): where its secrets are, how it signs, how a notice is read, and
how a stored one is applied. The inbox stores, deduplicates, enqueues and reconciles."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from core.queues import Queue
from inbox.signatures import signature_verify


@dataclass(frozen=True)
class Notice:
    """What a sender's reader makes of a verified body."""

    event_id: str
    kind: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class Outcome:
    """What applying a notice did: applied it, or ignored it (late, twice, out of order)."""

    applied: bool
    note: str = ""


def stamped_signature_verify(*, body: bytes, headers: Mapping[str, str], secret: str) -> None:
    signature_verify(body=body, header=headers.get("X-Signature", ""), secret=secret)


@dataclass(frozen=True)
class Sender:
    name: str
    # Setting holding {provider name: signing secret}; a provider not in it is refused.
    secrets_setting: str
    # (provider, body) -> Notice. Raises NoticeRejected for a body that cannot be applied.
    read: Callable[[str, bytes], Notice]
    # Applies a stored notice inside the inbox's transaction, holding the notice's lock.
    apply: Callable[..., Outcome]
    queue: Queue
    # Raises SignatureInvalid; by default the stamped X-Signature scheme.
    verify: Callable[..., None] = stamped_signature_verify
    unknown_provider: str = "unknown provider"
    # Bodies larger than this are refused before anything is read (413).
    max_body_bytes: int = 64 * 1024

    def secret(self, provider: str) -> str | None:
        return getattr(settings, self.secrets_setting).get(provider)

    def providers(self) -> list[str]:
        return list(getattr(settings, self.secrets_setting))


_SENDERS: dict[str, Sender] = {}


def sender_register(sender: Sender) -> None:
    _SENDERS[sender.name] = sender


def sender_get(name: str) -> Sender:
    return _SENDERS[name]


def senders_all() -> list[Sender]:
    return list(_SENDERS.values())
