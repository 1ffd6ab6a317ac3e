class NoticeRejected(Exception):
    """A notice the store refuses, storing nothing; `status` is the HTTP answer the sender gets."""

    def __init__(self, reason: str, *, status: int) -> None:
        super().__init__(reason)
        self.status = status


class SignatureInvalid(Exception):
    """The notice is not from the sender, or is too old to trust (a replay)."""


class NoticeMalformed(ValueError):
    """The notice's body is not a JSON object the store can keep as it came."""
