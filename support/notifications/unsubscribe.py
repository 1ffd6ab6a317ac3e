"""One-click unsubscribe for messages a person may stop: a signed token naming the address
(no database row to guess), and the headers with which mail programs show their own
unsubscribe button and post to the same link (RFC 8058)."""

from django.core import signing


def unsubscribe_token(*, email: str, salt: str) -> str:
    """The token of an unsubscribe link; `salt` names what the link stops, so a link of
    one kind of message never stops another."""
    return signing.dumps(email.strip().lower(), salt=salt, compress=True)


def unsubscribe_email_read(*, token: str, salt: str) -> str:
    """The address a token names. Raises signing.BadSignature for a changed or foreign token."""
    return str(signing.loads(token, salt=salt))


def unsubscribe_headers(*, url: str) -> dict[str, str]:
    """The headers of a message that carries the unsubscribe link `url`."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
