from datetime import date

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core.exceptions import DomainError


class ReturnTransitionNotAllowed(DomainError):
    code = "return_transition_not_allowed"
    message = gettext_lazy("This return request cannot change to that status.")


class OrderNotReturnable(DomainError):
    code = "order_not_returnable"
    message = gettext_lazy("Only delivered orders can be returned.")


class ReturnWindowClosed(DomainError):
    code = "return_window_closed"

    def __init__(self, *, item: str, ended_on: date) -> None:
        super().__init__(
            _("The time to return %(item)s for this reason ended on %(date)s.")
            % {"item": item, "date": date_format(ended_on, "SHORT_DATE_FORMAT")}
        )


class ReturnQuantityInvalid(DomainError):
    code = "return_quantity_invalid"

    def __init__(self, *, item: str, count: int) -> None:
        super().__init__(
            ngettext(
                "You can return at most %(count)d unit of %(item)s.",
                "You can return at most %(count)d units of %(item)s.",
                count,
            )
            % {"item": item, "count": count}
        )


class ReturnLinesRequired(DomainError):
    code = "return_lines_required"
    message = gettext_lazy("Choose at least one item and how many to return.")


class ReturnLineNotInOrder(DomainError):
    code = "return_line_not_in_order"
    message = gettext_lazy("That item is not in this order.")


class ReturnDetailsRequired(DomainError):
    code = "return_details_required"
    message = gettext_lazy("Describe the problem and send at least one photo of it.")


class DefectDateRequired(DomainError):
    code = "defect_date_required"
    message = gettext_lazy("Say when the defect showed up (not before delivery nor in the future).")


class RefundDestinationRequired(DomainError):
    code = "refund_destination_required"
    message = gettext_lazy("This order was paid by boleto: give a Pix key or a bank account for the money.")


class ReasonRequired(DomainError):
    code = "reason_required"
    message = gettext_lazy("Say why: the customer reads it.")


class ParcelUnknown(DomainError):
    code = "parcel_unknown"
    message = gettext_lazy("No return is expected with this code.")


class UnitsNotOnRequest(DomainError):
    code = "units_not_on_request"

    def __init__(self, *, item: str, count: int) -> None:
        super().__init__(
            _("The request names %(count)d of %(item)s: set the other units apart, they were not asked back.")
            % {"item": item, "count": count}
        )


class ReturnNotWithdrawable(DomainError):
    code = "return_not_withdrawable"
    message = gettext_lazy("This return can no longer be withdrawn: the parcel is on its way.")


class ReplacementRequired(DomainError):
    code = "replacement_required"
    message = gettext_lazy("Choose the item you want in exchange for each one you return.")


class ReplacementNotAvailable(DomainError):
    code = "replacement_not_available"

    def __init__(self, *, item: str) -> None:
        super().__init__(
            _("%(item)s is not available for an exchange now: choose another item or ask for a refund.")
            % {"item": item}
        )


class ReplacementCheaper(DomainError):
    code = "replacement_cheaper"

    def __init__(self, *, item: str, price: str) -> None:
        super().__init__(
            _(
                "Another product must cost at least what %(item)s cost (%(price)s): choose another "
                "or ask for a refund."
            )
            % {"item": item, "price": price}
        )


class ExchangeNotPending(DomainError):
    code = "exchange_not_pending"
    message = gettext_lazy("This return has no replacement waiting to ship.")


class ReturnPhotosTooMany(DomainError):
    code = "return_photos_too_many"

    def __init__(self, *, count: int) -> None:
        super().__init__(_("Send at most %(count)d photos.") % {"count": count})
