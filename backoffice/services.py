"""Back-office work that spans apps: assisted sales taken by the telesales team, and the
staff's two-factor login and the roles that require it."""

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from decimal import Decimal
from urllib.parse import urlencode
from uuid import UUID

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from backoffice.exceptions import (
    AssistedOrderNotPayable,
    AssistedPaymentMethod,
    TwoFactorCodeInvalid,
    TwoFactorNotSetUp,
    TwoFactorRequired,
    TwoFactorThrottled,
    UnknownSku,
)
from backoffice.models import PersonalDataAccess, RolePolicy
from backoffice.roles import Role
from backoffice.selectors import telesales_variants_by_sku, two_factor_state
from core.actor import Actor
from core.cep import normalize_cep, state_for_cep
from core.money import format_brl, quantize_brl
from orders.models import Order, Payment
from orders.selectors import order_access_token
from orders.services import Buyer, payment_start
from orders.services.notifications import order_links, order_notify
from storefront.accounts.models import User
from storefront.accounts.services import customer_ensure
from storefront.cart.models import CartLine
from storefront.cart.services import cart_add, cart_create
from storefront.catalog.models import Variant
from storefront.checkout.services import CheckoutQuote, checkout_place_order, checkout_quote
from support.notifications.models import Notification
from support.notifications.services import notification_queue

ASSISTED_METHODS = (Payment.Method.PIX, Payment.Method.BOLETO, Payment.Method.CARD)


@dataclass(frozen=True)
class TelesalesLine:
    """An item of an order being taken, as the agent's running total shows it."""

    variant: Variant
    quantity: int

    @property
    def total(self) -> Decimal:
        return quantize_brl(self.variant.price * self.quantity)

    @property
    def short(self) -> bool:
        """More units than the online warehouses can sell now."""
        return self.quantity > self.variant.stock_online


@dataclass(frozen=True)
class TelesalesQuote:
    """The running total before placing: the items, the delivery options for the CEP with
    their dates, the one chosen, the voucher and, for Pix, the Pix discount."""

    lines: list[TelesalesLine]
    unknown_skus: list[str]
    quote: CheckoutQuote | None  # None without items or without a CEP to price
    cep: str


def _cart_lines(lines: list[TelesalesLine]) -> list[CartLine]:
    """Unsaved cart lines, which checkout prices exactly as it prices a shopper's cart."""
    return [CartLine(variant=line.variant, quantity=line.quantity) for line in lines]


def telesales_quote(
    *,
    lines: list[tuple[str, int]],
    cep: str = "",
    email: str = "",
    cpf: str = "",
    delivery_code: str = "",
    voucher_code: str = "",
    method: str = Payment.Method.PIX,
) -> TelesalesQuote:
    """Price an order being taken on the phone as placing it would: `lines` are (SKU,
    quantity), one line per SKU (quantities of a SKU repeated are added up). The cheapest
    delivery is chosen until the agent picks another. Nothing is written."""
    merged: dict[str, int] = {}
    for sku, quantity in lines:
        merged[sku] = merged.get(sku, 0) + quantity
    variants = telesales_variants_by_sku(skus=list(merged))
    priced = [
        TelesalesLine(variant=variants[sku], quantity=qty) for sku, qty in merged.items() if sku in variants
    ]
    unknown = [sku for sku in merged if sku not in variants]
    cep = normalize_cep(cep) if cep else ""
    if not priced or not cep or state_for_cep(cep) is None:
        return TelesalesQuote(lines=priced, unknown_skus=unknown, quote=None, cep=cep)
    # Only what prices the order counts here: the CEP, and the email and CPF a voucher may be for.
    buyer = Buyer(**{**dict.fromkeys(Buyer.__dataclass_fields__, ""), "email": email, "cpf": cpf, "cep": cep})
    quote = checkout_quote(
        lines=_cart_lines(priced),
        buyer=buyer,
        delivery_code=delivery_code,
        voucher_code=voucher_code,
        payment_method=method,
        cheapest_by_default=True,
    )
    return TelesalesQuote(lines=priced, unknown_skus=unknown, quote=quote, cep=cep)


def telesales_order_place(
    *,
    agent,
    buyer: Buyer,
    lines: list[tuple[str, int]],
    delivery_code: str,
    method: str,
    key: UUID,
    voucher_code: str = "",
) -> Order:
    """Place an order for a customer on the phone: their account (made when new), the items by
    SKU, the delivery for their CEP, the voucher, and the way to pay. A Pix or boleto is
    issued at once and its instructions go to the customer (by WhatsApp when they chose it,
    else by email), a Pix priced with the Pix discount; a card order waits for the customer to
    type their card on the order's own page (`telesales_payment_link`): the agent never
    handles card numbers. The order belongs to the telesales channel and to the agent. `key`
    makes a repeated submit return the same order.

    Raises PermissionMissing, AssistedPaymentMethod, UnknownSku, QuantityUnavailable,
    DeliveryUnavailable, a voucher error or OutOfStock (nothing is created), or
    PaymentProviderDown (the order waits for payment).
    """
    actor = Actor.staff(agent)
    actor.require_perm("orders.place_assisted_order")
    if method not in ASSISTED_METHODS:
        raise AssistedPaymentMethod()
    with transaction.atomic():
        customer = customer_ensure(email=buyer.email, full_name=buyer.full_name)
        variants = dict(
            Variant.objects.filter(sku__in=[sku for sku, _quantity in lines]).values_list("sku", "pk")
        )
        unknown = [sku for sku, _quantity in lines if sku not in variants]
        if unknown:
            raise UnknownSku(skus=unknown)
        cart = cart_create(token=key)
        if not cart.lines.exists():
            for sku, quantity in lines:
                cart_add(cart_id=cart.pk, variant_id=variants[sku], quantity=quantity)
        order = checkout_place_order(
            cart_id=cart.pk,
            buyer=Buyer(**{**asdict(buyer), "email": customer.email}),
            delivery_code=delivery_code,
            voucher_code=voucher_code,
            payment_method=method,
            customer=customer,
            language=customer.language,
            channel=Order.Channel.TELESALES,
            sales_agent=agent,
        )
    if method != Payment.Method.CARD:
        payment_start(order_id=order.pk, method=method)
    return order


def telesales_payment_link(*, order: Order) -> str:
    """The signed address of the order's own page, where the customer pays it (by card, typing
    the card themselves); it opens without logging in."""
    path = reverse("checkout:order-confirmation", kwargs={"number": order.number})
    return f"{settings.SITE_URL}{path}?{urlencode({'t': order_access_token(order=order)})}"


def telesales_whatsapp_phone(*, order: Order) -> str:
    """The number the customer agreed to get order messages on by WhatsApp, or "" without
    their consent (read from the preference `telesales_order_get` loaded)."""
    preference = getattr(order.customer, "contact_preference", None) if order.customer_id else None
    return preference.whatsapp_phone if preference is not None and preference.uses_whatsapp else ""


def telesales_payment_sendable(*, order: Order) -> bool:
    """Whether the order still waits for the customer to pay: its Pix or boleto pending, or
    paid by card on its page (none tried yet, or the last one declined)."""
    payment = order.latest_payment
    if order.status != Order.Status.AWAITING_PAYMENT:
        return False
    if payment is None or payment.method == Payment.Method.CARD:
        return True
    return payment.status == Payment.Status.PENDING


def telesales_payment_send(*, agent, order: Order, key: UUID) -> Notification:
    """Send the customer how to pay an order taken on the phone: the Pix copy-and-paste code,
    the boleto, or for a card the signed link to the order's page to pay on. On WhatsApp
    (the approved template, with the code or the link) when the customer agreed to it, else
    by email. `key` makes a repeated click send once.

    Raises PermissionMissing, or AssistedOrderNotPayable (nothing sent) once the order is no
    longer waiting for payment.
    """
    Actor.staff(agent).require_perm("orders.place_assisted_order")
    payment = order.latest_payment
    if not telesales_payment_sendable(order=order):
        raise AssistedOrderNotPayable()
    if payment is not None and payment.method == Payment.Method.CARD:
        payment = None  # a card declined on the page: the same link to try another
    kind, dedup_key = Notification.Kind.PAYMENT_REQUEST, f"telesales-payment:{order.pk}:{key}"
    links = order_links(order=order)
    pay_url = telesales_payment_link(order=order)
    phone = telesales_whatsapp_phone(order=order)
    if not phone:
        return order_notify(kind=kind, order=order, payment=payment, dedup_key=dedup_key, pay_url=pay_url)
    with translation.override(order.language):
        if payment is not None and payment.method == Payment.Method.PIX:
            headline = _("Order %(number)s: %(amount)s by Pix copy and paste: %(code)s") % {
                "number": order.number,
                "amount": format_brl(payment.amount, order.language),
                "code": payment.pix_code,
            }
            link = links["order_url"]
        elif payment is not None:  # a boleto
            headline = _("Order %(number)s: %(amount)s by boleto, digitable line %(line)s") % {
                "number": order.number,
                "amount": format_brl(payment.amount, order.language),
                "line": payment.boleto_line,
            }
            link = links["boleto_url"]
        else:
            headline = _("Order %(number)s: pay %(amount)s by card on the store's secure page") % {
                "number": order.number,
                "amount": format_brl(order.grand_total, order.language),
            }
            link = pay_url
        headline = str(headline)
    return notification_queue(  # outside the customer's 24 hours: the approved template
        kind=kind,
        dedup_key=dedup_key,
        recipient=order.customer,
        to_address=phone,
        language=order.language,
        context={
            "order": order,
            "payment": payment,
            "first_name": order.full_name.split()[0],
            "pay_url": pay_url,
            **links,
        },
        channel=Notification.Channel.WHATSAPP,
        template="order_update",
        template_parameters=[headline, link],
    )


# What the authenticator app lists the store's entry as, beside the staff member's email.
TOTP_DEVICE_NAME = _("Authenticator app")


@transaction.atomic
def totp_device_start(*, user: User) -> TOTPDevice:
    """The authenticator a staff member is setting up: their unconfirmed device, made on the
    first call so that the QR code stays the same when the page is shown again."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=str(TOTP_DEVICE_NAME), confirmed=False)
    return device


def totp_device_confirm(*, user: User, token: str) -> TOTPDevice:
    """Turn two-factor login on once the authenticator being set up gives a right code; an
    earlier authenticator of the user stops working. The caller makes sure a user who already
    has one proved it in this login.

    Raises TwoFactorNotSetUp, TwoFactorThrottled or TwoFactorCodeInvalid (only the count of
    wrong codes changes).
    """
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("pk").first()
        )
        if device is None:
            raise TwoFactorNotSetUp()
        allowed, verified = _totp_verify(device, token)
        if verified:
            TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
            device.confirmed = True
            device.save(update_fields=["confirmed"])
    _raise_unless_verified(device, allowed=allowed, verified=verified)
    return device


def totp_device_verify(*, user: User, token: str) -> TOTPDevice:
    """The user's authenticator, when `token` is a code it shows now (each code works once).
    Wrong codes in a row make the next try wait longer and longer.

    Raises TwoFactorNotSetUp, TwoFactorThrottled or TwoFactorCodeInvalid.
    """
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).order_by("pk").first()
        )
        if device is None:
            raise TwoFactorNotSetUp()
        allowed, verified = _totp_verify(device, token)
    _raise_unless_verified(device, allowed=allowed, verified=verified)
    return device


def _totp_verify(device: TOTPDevice, token: str) -> tuple[bool, bool]:
    """(allowed, verified); a wrong code is counted on the device, in the caller's transaction."""
    allowed, _details = device.verify_is_allowed()
    return allowed, allowed and device.verify_token(token)


def _raise_unless_verified(device: TOTPDevice, *, allowed: bool, verified: bool) -> None:
    if not allowed:
        _allowed, details = device.verify_is_allowed()
        locked_until = (details or {}).get("locked_until") or timezone.now()
        raise TwoFactorThrottled(seconds=max(1, round((locked_until - timezone.now()).total_seconds())))
    if not verified:
        raise TwoFactorCodeInvalid()


@transaction.atomic
def totp_device_remove(*, user: User) -> int:
    """Turn two-factor login off. The caller makes sure the user proved their code in this login.

    Raises TwoFactorRequired when a role of the user requires it.
    """
    if two_factor_state(user=user).is_required:
        raise TwoFactorRequired()
    removed, _by_model = TOTPDevice.objects.filter(user=user).delete()
    return removed


@transaction.atomic
def role_policies_set(*, actor: Actor, two_factor_roles: Iterable[str]) -> list[RolePolicy]:
    """Require two-factor login of the members of exactly these roles; their next back-office
    page asks them to set it up. Raises PermissionMissing."""
    actor.require_perm("backoffice.change_rolepolicy")
    required = set(two_factor_roles)
    policies = []
    for group in Group.objects.filter(name__in=Role.values).order_by("pk"):
        policy, _created = RolePolicy.objects.get_or_create(group=group)
        if policy.requires_two_factor != (group.name in required):
            policy.requires_two_factor = group.name in required
            policy.save(update_fields=["requires_two_factor", "updated_at"])
        policies.append(policy)
    return policies


def personal_data_access_record(
    *, staff: User, kind: str, customer_id: int | None = None, reference: str = ""
) -> PersonalDataAccess:
    """Log that a staff member read a customer's personal data (a customer 360, an order's
    workspace, an export with personal data): one INSERT, which is atomic on its own, so the
    screens that call it pay one query and no savepoint. Raises ValueError for an unknown kind."""
    if kind not in PersonalDataAccess.Kind.values:
        raise ValueError(f"Unknown personal data access kind: {kind!r}")
    max_length = PersonalDataAccess._meta.get_field("reference").max_length
    return PersonalDataAccess.objects.create(
        staff=staff, kind=kind, customer_id=customer_id, reference=reference[:max_length]
    )
