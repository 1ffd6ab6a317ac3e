"""Back-office work that spans apps: assisted sales placed by the telesales team, and the
staff's two-factor login and the roles that require it."""

from collections.abc import Iterable
from dataclasses import asdict
from uuid import UUID

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from backoffice.exceptions import (
    AssistedPaymentMethod,
    TwoFactorCodeInvalid,
    TwoFactorNotSetUp,
    TwoFactorRequired,
    TwoFactorThrottled,
    UnknownSku,
)
from backoffice.models import RolePolicy
from backoffice.roles import Role
from backoffice.selectors import two_factor_state
from core.actor import Actor
from orders.models import Order, Payment
from orders.services import Buyer, payment_start
from storefront.accounts.models import User
from storefront.accounts.services import customer_ensure
from storefront.cart.services import cart_add, cart_create
from storefront.catalog.models import Variant
from storefront.checkout.services import checkout_place_order

ASSISTED_METHODS = (Payment.Method.PIX, Payment.Method.BOLETO)


def telesales_order_place(
    *,
    agent,
    buyer: Buyer,
    lines: list[tuple[str, int]],
    delivery_code: str,
    method: str,
    key: UUID,
) -> Order:
    """Place an order for a customer on the phone: their account (made when new), the items by
    SKU, the delivery for their CEP, and a Pix or boleto whose instructions go to them by email.
    The order belongs to the telesales channel and to the agent. `key` makes a repeated submit
    return the same order.

    Raises PermissionMissing, UnknownSku, QuantityUnavailable, DeliveryUnavailable or
    OutOfStock (nothing is created), or PaymentProviderDown (the order waits for payment).
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
            customer=customer,
            language=customer.language,
            channel=Order.Channel.TELESALES,
            sales_agent=agent,
        )
    payment_start(order_id=order.pk, method=method)
    return order


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
