class DomainError(Exception):
    """A business rule refused an action. `message` is translated and shown to the user."""

    code = "domain_error"
    message = ""

    def __init__(self, message: str | None = None, *, code: str | None = None) -> None:
        if message is not None:
            self.message = message
        if code is not None:
            self.code = code
        super().__init__(str(self.message))


class ActionNotAllowed(DomainError):
    code = "action_not_allowed"
