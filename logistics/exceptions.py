from django.utils.translation import gettext_lazy as _

from core.exceptions import DomainError


class RateFileInvalid(DomainError):
    """A rate file with problems; `errors` lists each, by line."""

    code = "rate_file_invalid"
    message = _("The rate file was not imported: fix these lines and send it again.")

    def __init__(self, *, errors: list[str]) -> None:
        super().__init__()
        self.errors = errors


class OrderNotPickable(DomainError):
    code = "order_not_pickable"

    def __init__(self, *, number: str) -> None:
        super().__init__(_("Order %(number)s is not validated for picking.") % {"number": number})


class NothingToPick(DomainError):
    code = "nothing_to_pick"
    message = _("These orders have nothing left to pick in this warehouse.")


class PickLineClosed(DomainError):
    code = "pick_line_closed"
    message = _("This line was already dealt with.")


class CodeNotOnLine(DomainError):
    code = "code_not_on_line"

    def __init__(self, *, sku: str) -> None:
        super().__init__(_("That is not the item of this line: scan %(sku)s.") % {"sku": sku})


class PickQuantityInvalid(DomainError):
    code = "pick_quantity_invalid"

    def __init__(self, *, quantity: int) -> None:
        super().__init__(
            _("This line asks for %(quantity)s. If fewer are in the bin, report it short.")
            % {"quantity": quantity}
        )


class CodeNotOnOrder(DomainError):
    code = "code_not_on_order"

    def __init__(self, *, code: str) -> None:
        super().__init__(_("%(code)s is not an item of this order: keep it out of the box.") % {"code": code})


class TooManyUnits(DomainError):
    code = "too_many_units"

    def __init__(self, *, sku: str, quantity: int) -> None:
        super().__init__(
            _("The order has only %(quantity)s of %(sku)s: that one is extra.")
            % {"sku": sku, "quantity": quantity}
        )


class PackingIncomplete(DomainError):
    code = "packing_incomplete"

    def __init__(self, *, missing: list[str]) -> None:
        super().__init__(_("Still to check: %(items)s.") % {"items": ", ".join(missing)})


class OrderNotPackable(DomainError):
    code = "order_not_packable"

    def __init__(self, *, number: str) -> None:
        super().__init__(
            _("Order %(number)s is not ready for packing here (not picked, already packed or cancelled).")
            % {"number": number}
        )


class BoxTooSmall(DomainError):
    """Measures below the chosen box's; `field_errors` says, per measure refused, what it must reach."""

    code = "box_too_small"
    message = _("Parcel measures must be at least those of the box.")

    def __init__(self, *, field_errors: dict[str, str] | None = None) -> None:
        self.field_errors = field_errors or {}
        super().__init__()


class ParcelTooLight(DomainError):
    """A weight below what the items and the box weigh together."""

    code = "parcel_too_light"

    def __init__(self, *, items_grams: int, tare_grams: int) -> None:
        message = _(
            "The items weigh %(items)s g and the box %(tare)s g: the parcel weighs at least %(minimum)s g."
        ) % {"items": items_grams, "tare": tare_grams, "minimum": items_grams + tare_grams}
        self.field_errors = {"weight_grams": message}
        super().__init__(message)


class ShipmentNotDispatchable(DomainError):
    code = "shipment_not_dispatchable"

    def __init__(self, *, reason: str) -> None:
        super().__init__(reason)


class OrderNotInvoiced(DomainError):
    code = "order_not_invoiced"
    message = _("This order has no invoice to return against.")


class NoDeliveredShipment(DomainError):
    """A claim against the carrier needs a parcel the carrier delivered."""

    code = "no_delivered_shipment"

    def __init__(self, *, number: str) -> None:
        super().__init__(
            _("Order %(number)s has no parcel delivered by the carrier: there is nothing to claim for.")
            % {"number": number}
        )


class CarrierClaimTransitionNotAllowed(DomainError):
    code = "carrier_claim_transition_not_allowed"

    def __init__(self, *, status: str, to: str) -> None:
        super().__init__(
            _("This claim is %(status)s: it cannot become %(to)s.") % {"status": status, "to": to}
        )
