"""What the bot says, in the conversation's language: the menu, an order's status and tracking,
the second copy of its boleto or its Pix code, how to return it, and the opening hours. Each
answer reads what it shows in a fixed number of queries; the caller proved the order is the
person's before asking about it."""

from datetime import date, datetime, timedelta

import holidays
from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from core.calendar import business_calendar
from core.models import OpeningHours, StoreHoliday
from core.money import format_brl
from orders.models import Order, Payment
from orders.selectors import order_access_token
from orders.services.notifications import order_links
from returns.selectors import return_policy
from returns.windows import DEFECT_DAYS, DURABLE_DEFECT_DAYS, REGRET_DAYS
from support.bot.selectors import order_for_answer

EVENTS_SHOWN = 3
SHIPMENTS_SHOWN = 3
# How far ahead the next opening is looked for (a long holiday closing included).
OPENING_SEARCH_DAYS = 21


class Verbatim(str):
    """A line sent exactly as it is, without the assistant's signature (a code to copy)."""


def _day(value: date) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def _moment(value: datetime) -> str:
    return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


def menu() -> str:
    return "\n".join(
        [
            _("I can help you with:"),
            _("1 - Where is my order"),
            _("2 - Second copy of the boleto or the Pix code"),
            _("3 - How to return an item"),
            _("4 - Opening hours"),
            _("5 - Talk to a person"),
            _("Answer with the number, or write what you need."),
        ]
    )


def greeting(*, name: str) -> str:
    first = name.split()[0] if name.split() else ""
    hello = _("Hello, %(name)s!") % {"name": first} if first else _("Hello!")
    intro = _("I am the virtual assistant of %(store)s.") % {"store": settings.SITE_NAME}
    return f"{hello} {intro}\n{menu()}"


def reminders_stopped() -> str:
    return _(
        "Done: you will get no more reminders of carts and unpaid orders on WhatsApp or by email. "
        "Messages about your orders still arrive."
    )


def not_understood() -> str:
    return _("Sorry, I did not understand.") + "\n" + menu()


def ask_order_number() -> str:
    return _(
        "Please send me the order number (it is in the order confirmation email) and the CPF used on "
        "the order."
    )


def ask_cpf() -> str:
    return _("Thank you. Now send me the CPF used on the order, to confirm it is yours.")


def cpf_invalid() -> str:
    return _("That CPF does not look right. Please send the 11 digits of the CPF used on the order.")


def proof_failed() -> str:
    # The same words whether the number does not exist or the CPF is another person's.
    return _(
        "I could not find an order with that number and CPF. Please check both and send me the order "
        "number again."
    )


def anything_else() -> str:
    return _('Can I help with anything else? Write "menu" to see the options.')


def own_orders(orders: list[Order]) -> str:
    lines = [_("Which order? Answer with its position in the list, or its number:")]
    for position, order in enumerate(orders, start=1):
        lines.append(
            _("%(position)s - order %(number)s of %(day)s (%(status)s)")
            % {
                "position": position,
                "number": order.number,
                "day": _day(timezone.localdate(order.placed_at)),
                "status": order.get_status_display(),
            }
        )
    return "\n".join(lines)


def tracking(*, order_id: int) -> list[str]:
    """The order's status and, per parcel, its carrier, code, expected date and latest events."""
    order = order_for_answer(order_id=order_id)
    lines = [
        _("Order %(number)s: %(status)s.") % {"number": order.number, "status": order.get_status_display()}
    ]
    shipments = order.bot_shipments[:SHIPMENTS_SHOWN]
    if not shipments:
        lines.append(
            _("It has not left our warehouse yet; you will get the tracking code as soon as it does.")
        )
    for shipment in shipments:
        lines.append(
            _("Carrier: %(carrier)s (%(service)s), tracking code %(code)s.")
            % {
                "carrier": shipment.service.carrier,
                "service": shipment.service.name,
                "code": shipment.tracking_code or "-",
            }
        )
        if shipment.delivered_at:
            lines.append(_("Delivered on %(moment)s.") % {"moment": _moment(shipment.delivered_at)})
        elif shipment.promised_on:
            lines.append(_("Expected by %(day)s.") % {"day": _day(shipment.promised_on)})
        for event in shipment.tracking_events.all()[:EVENTS_SHOWN]:
            where = f" ({event.location})" if event.location else ""
            lines.append(
                f"• {_moment(event.occurred_at)} {event.description or event.get_kind_display()}{where}"
            )
    lines.append(_("Follow it at %(url)s") % {"url": order_links(order=order)["order_url"]})
    return ["\n".join(lines)]


def _charge(order: Order) -> Payment | None:
    """The order's latest Pix or boleto."""
    charges = [payment for payment in order.bot_payments if payment.method != Payment.Method.CARD]
    return charges[0] if charges else None


def payment(*, order_id: int, now: datetime) -> list[str]:
    """The boleto's digitable line or the Pix code of an order awaiting payment; or that it
    expired, with the link that puts the items back in a cart."""
    order = order_for_answer(order_id=order_id)
    charge = _charge(order)
    links = order_links(order=order)
    expired_order = order.status == Order.Status.CANCELLED and order.cancel_reason in (
        Order.CancelReason.PAYMENT_EXPIRED,
        Order.CancelReason.NOT_PAID,
    )
    if order.status != Order.Status.AWAITING_PAYMENT and not expired_order:
        return [
            _("Order %(number)s is not awaiting payment: it is %(status)s.")
            % {"number": order.number, "status": order.get_status_display().lower()}
        ]
    if charge is None:
        return [_("Order %(number)s has no boleto or Pix code to pay.") % {"number": order.number}]
    expired = (
        expired_order
        or not charge.is_open_charge
        or (charge.expires_at is not None and charge.expires_at <= now)
        or (charge.boleto_due_date is not None and charge.boleto_due_date < timezone.localdate(now))
    )
    amount = format_brl(order.grand_total)
    if expired and charge.method == Payment.Method.BOLETO:
        return [
            _(
                "The boleto of order %(number)s has expired. You can buy the same items again at "
                '%(url)s, or write "person" to talk to our team.'
            )
            % {"number": order.number, "url": links["restore_url"]}
        ]
    if expired:
        return [
            _(
                "The Pix code of order %(number)s has expired. You can buy the same items again at "
                '%(url)s, or write "person" to talk to our team.'
            )
            % {"number": order.number, "url": links["restore_url"]}
        ]
    if charge.method == Payment.Method.BOLETO:
        return [
            _(
                "Second copy of the boleto of order %(number)s (%(amount)s, due on %(day)s). "
                "Digitable line:\n%(line)s\nOr open the boleto at %(url)s"
            )
            % {
                "number": order.number,
                "amount": amount,
                "day": _day(charge.boleto_due_date) if charge.boleto_due_date else "-",
                "line": charge.boleto_line,
                "url": links["boleto_url"],
            }
        ]
    return [
        _(
            "Pix copy-and-paste code of order %(number)s (%(amount)s, valid until %(moment)s). "
            "Copy the next message into your bank's app:"
        )
        % {
            "number": order.number,
            "amount": amount,
            "moment": _moment(charge.expires_at) if charge.expires_at else "-",
        },
        Verbatim(charge.pix_code),
    ]


def return_rules() -> str:
    policy = return_policy()
    return _(
        "How to return: you may give up a purchase within %(regret)s days of delivery; a defect is "
        "covered for %(defect)s days (%(durable)s days for durable goods); and if you just did not "
        "like it, our policy takes it back within %(store)s days. The request is made on the order's "
        "page, and we send the authorisation to post it."
    ) % {
        "regret": REGRET_DAYS,
        "defect": DEFECT_DAYS,
        "durable": DURABLE_DEFECT_DAYS,
        "store": policy.satisfaction_days,
    }


def return_start(*, order_id: int) -> list[str]:
    """For a delivered order, the signed link that opens its return request."""
    order = order_for_answer(order_id=order_id)
    if order.status != Order.Status.DELIVERED:
        return [
            _(
                "Order %(number)s is %(status)s: a return can be asked once it is delivered (and a "
                "completed order is past its return windows)."
            )
            % {"number": order.number, "status": order.get_status_display().lower()}
        ]
    path = reverse("returns:return-create", kwargs={"number": order.number})
    url = f"{settings.SITE_URL}{path}?t={order_access_token(order=order)}"
    text = _("To return items of order %(number)s, start here: %(url)s") % {
        "number": order.number,
        "url": url,
    }
    if order.customer_id:
        text += "\n" + _("Sign in with the account you bought with to send the request.")
    return [text]


def _holiday_name(day: date) -> str:
    store_holiday = StoreHoliday.objects.filter(date=day).values_list("name", flat=True).first()
    if store_holiday:
        return store_holiday
    return holidays.country_holidays("BR", subdiv=settings.STORE_HOLIDAY_STATE or None, years=day.year).get(
        day, ""
    )


def _next_opening(now: datetime) -> datetime | None:
    calendar = business_calendar(around=timezone.localdate(now))
    zone = timezone.get_current_timezone()
    day = timezone.localdate(now)
    for _offset in range(OPENING_SEARCH_DAYS):
        if day.weekday() in calendar.hours and not calendar.is_holiday(day):
            opens, closes = calendar.hours[day.weekday()]
            start = timezone.make_aware(datetime.combine(day, opens), zone)
            end = timezone.make_aware(datetime.combine(day, closes), zone)
            if end > now:
                return max(start, now)
        day += timedelta(days=1)
    return None


def is_open(now: datetime) -> bool:
    return _next_opening(now) == now


def hours(*, now: datetime) -> list[str]:
    """The week's hours from the store's calendar, today's holiday, and whether a person is
    there now (or when they are back)."""
    rows = list(OpeningHours.objects.order_by("weekday"))
    lines = [_("Our service hours:")]
    lines += [
        _("%(weekday)s, %(opens)s to %(closes)s")
        % {
            "weekday": row.get_weekday_display(),
            "opens": f"{row.opens_at:%H:%M}",
            "closes": f"{row.closes_at:%H:%M}",
        }
        for row in rows
    ]
    if not rows:
        lines.append(_("No hours are set at the moment."))
    today = timezone.localdate(now)
    holiday = _holiday_name(today)
    if holiday:
        lines.append(_("Today is a holiday (%(name)s): there is no service today.") % {"name": holiday})
    back = _next_opening(now)
    if back == now:
        lines.append(_('We are open now: write "person" to talk to our team.'))
    elif back is not None:
        lines.append(_("We are closed now; our team is back on %(moment)s.") % {"moment": _moment(back)})
    lines.append(_("This assistant answers at any time."))
    return ["\n".join(lines)]


def handing_over_whatsapp(*, now: datetime) -> str:
    text = _("I am passing this conversation, with everything we said, to a person of our team.")
    back = _next_opening(now)
    if back is not None and back != now:
        text += " " + _("We are closed now; our team is back on %(moment)s.") % {"moment": _moment(back)}
    return text


def handing_over_chat(*, now: datetime) -> str:
    text = _(
        "I am calling a person of our team to go on with this chat here. If nobody is free in a few "
        "minutes, we open a protocol and answer you by email."
    )
    back = _next_opening(now)
    if back is not None and back != now:
        text += " " + _("We are closed now; our team is back on %(moment)s.") % {"moment": _moment(back)}
    return text


def too_many_failed_proofs() -> str:
    return _("For your safety I cannot try again; a person of our team will help you.")
