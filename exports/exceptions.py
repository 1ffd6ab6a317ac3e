from django.utils.translation import gettext_lazy as _

from core.exceptions import DomainError


class InvalidCursor(DomainError):
    code = "invalid_cursor"
    message = _(
        "This cursor does not belong to this export. Leave it empty, or paste the cursor the "
        "last export of the same data gave."
    )


class InvalidDateRange(DomainError):
    code = "invalid_date_range"
    message = _("The start date must not be after the end date.")


class UnknownDataset(DomainError):
    code = "unknown_dataset"
    message = _("There is no export of that name.")


class FeedDeliveryFailed(DomainError):
    """The ERP did not take an event: unreachable, slow, or it answered with an error."""

    code = "feed_delivery_failed"
    message = _("The ERP did not accept the event.")
