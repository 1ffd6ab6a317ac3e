from datetime import datetime, timedelta
from uuid import UUID

from django.db import IntegrityError, transaction
from django.db.models import F, OuterRef, Subquery, Sum
from django.utils import timezone

from orders.models import Order, RecoveryOpportunity
from storefront.cart.exceptions import CartClosed, CartLineNotFound, QuantityUnavailable, VariantNotForSale
from storefront.cart.locks import lock_cart
from storefront.cart.models import CART_TRANSITIONS, MAX_LINE_QUANTITY, Cart, CartLine
from storefront.catalog.models import Variant


def cart_transition(*, cart: Cart, to: str) -> None:
    """The one way to change `Cart.status`. Caller must hold the cart lock."""
    if to not in CART_TRANSITIONS[cart.status]:
        raise CartClosed()
    cart.status = to
    cart.save(update_fields=["status", "updated_at"])


def cart_create(*, customer=None, token: UUID | None = None) -> Cart:
    """A new open cart; for a customer, their open cart if another request just made one.
    A given `token` (an idempotency key) returns the cart already made with it."""
    if token is not None:
        return Cart.objects.get_or_create(token=token, defaults={"customer": customer})[0]
    try:
        with transaction.atomic():
            return Cart.objects.create(customer=customer)
    except IntegrityError:  # the customer's open cart exists already
        return Cart.objects.get(customer=customer, status=Cart.Status.OPEN)


def _sellable_variant(variant_id: int) -> Variant:
    variant = (
        Variant.objects.select_related("product")
        .filter(pk=variant_id, is_active=True, product__is_published=True)
        .first()
    )
    if variant is None:
        raise VariantNotForSale()
    return variant


def _check_quantity(variant: Variant, quantity: int) -> None:
    available = min(variant.stock_online, MAX_LINE_QUANTITY)
    if quantity > available:
        raise QuantityUnavailable(available=available)


def _open_cart(cart_id: int) -> Cart:
    cart = lock_cart(cart_id)
    if cart.status != Cart.Status.OPEN:
        raise CartClosed()
    return cart


@transaction.atomic
def cart_add(*, cart_id: int, variant_id: int, quantity: int = 1) -> CartLine:
    """Put `quantity` more units of a variant in the cart, within what can be sold online.

    Raises VariantNotForSale, QuantityUnavailable (nothing changes) or CartClosed.
    """
    if quantity < 1:
        raise QuantityUnavailable(available=0) if quantity == 0 else ValueError("quantity must be positive")
    cart = _open_cart(cart_id)
    variant = _sellable_variant(variant_id)
    line = CartLine.objects.filter(cart=cart, variant=variant).first()
    wanted = quantity + (line.quantity if line else 0)
    _check_quantity(variant, wanted)
    if line is None:
        line = CartLine(cart=cart, variant=variant, quantity=wanted, price_when_added=variant.price)
        line.save()
    else:
        line.quantity = wanted
        line.save(update_fields=["quantity", "updated_at"])
    cart.save(update_fields=["updated_at"])
    return line


@transaction.atomic
def cart_set_quantity(*, cart_id: int, line_id: int, quantity: int) -> CartLine | None:
    """Change a line's quantity; zero removes it. A line of another cart is not found.

    Raises CartLineNotFound, QuantityUnavailable (nothing changes) or CartClosed.
    """
    cart = _open_cart(cart_id)
    line = CartLine.objects.select_related("variant__product").filter(pk=line_id, cart=cart).first()
    if line is None:
        raise CartLineNotFound()
    if quantity <= 0:
        line.delete()
        cart.save(update_fields=["updated_at"])
        return None
    if quantity > line.quantity:  # lowering a quantity is always allowed
        _check_quantity(line.variant, quantity)
    line.quantity = quantity
    line.save(update_fields=["quantity", "updated_at"])
    cart.save(update_fields=["updated_at"])
    return line


def _cart_adopt(*, source_id: int, customer) -> Cart | None:
    """Make the visitor's cart the customer's; None when the customer has an open cart already."""
    try:
        with transaction.atomic():
            source = _open_cart(source_id)
            source.customer = customer
            source.save(update_fields=["customer", "updated_at"])
            return source
    except IntegrityError:  # another login gave the customer an open cart meanwhile
        return None


@transaction.atomic
def cart_merge(*, source_id: int, customer) -> Cart:
    """Fold an anonymous visitor's cart into the customer's own on login.

    Quantities add up within what can be sold; lines that no longer fit keep what fits.
    """
    target = Cart.objects.filter(customer=customer, status=Cart.Status.OPEN).first()
    if target is None:
        adopted = _cart_adopt(source_id=source_id, customer=customer)
        if adopted is not None:
            return adopted
        target = Cart.objects.get(customer=customer, status=Cart.Status.OPEN)
    locked = {cart.pk: cart for cart in (lock_cart(cart_id) for cart_id in sorted({source_id, target.pk}))}
    source, target = locked[source_id], locked[target.pk]
    if source.status != Cart.Status.OPEN or source.pk == target.pk:
        return target
    if target.status != Cart.Status.OPEN:  # ordered meanwhile: the visitor's cart becomes the open one
        return _cart_adopt(source_id=source_id, customer=customer) or source
    existing = {line.variant_id: line for line in target.lines.select_related("variant")}
    for line in source.lines.select_related("variant"):
        kept = existing.get(line.variant_id)
        quantity = min(
            line.quantity + (kept.quantity if kept else 0), line.variant.stock_online, MAX_LINE_QUANTITY
        )
        if kept is not None:
            kept.quantity = max(kept.quantity, quantity)
            kept.save(update_fields=["quantity", "updated_at"])
        elif quantity > 0:
            CartLine.objects.create(
                cart=target, variant=line.variant, quantity=quantity, price_when_added=line.price_when_added
            )
    cart_transition(cart=source, to=Cart.Status.MERGED)
    target.save(update_fields=["updated_at"])
    return target


@transaction.atomic
def cart_restore(*, cart_id: int, lines: list[tuple[int, int]]) -> int:
    """Put an earlier order's `(variant_id, quantity)` lines back in the cart, as far as they
    are still for sale and in stock; return how many units could not come back. Restoring
    the same order twice changes nothing the second time."""
    cart = _open_cart(cart_id)
    variants = Variant.objects.filter(
        pk__in=[variant_id for variant_id, _quantity in lines], is_active=True, product__is_published=True
    ).in_bulk()
    existing = {line.variant_id: line for line in cart.lines.all()}
    missing = 0
    for variant_id, quantity in lines:
        variant, kept = variants.get(variant_id), existing.get(variant_id)
        available = min(variant.stock_online, MAX_LINE_QUANTITY) if variant else 0
        missing += quantity - min(quantity, available)
        wanted = min(quantity, available)
        if kept is None and wanted > 0:
            CartLine.objects.create(
                cart=cart, variant=variant, quantity=wanted, price_when_added=variant.price
            )
        elif kept is not None and wanted > kept.quantity:
            kept.quantity = wanted
            kept.save(update_fields=["quantity", "updated_at"])
    cart.save(update_fields=["updated_at"])
    return missing


@transaction.atomic
def cart_contact_set(
    *, cart_id: int, email: str, name: str = "", phone: str = "", language: str = ""
) -> Cart:
    """Keep who the shopper said they are at checkout, so a cart left behind can be recalled
    to them. Blank values keep what was given before."""
    cart = _open_cart(cart_id)
    given = {
        "contact_email": email,
        "contact_name": name,
        "contact_phone": phone,
        "contact_language": language,
    }
    changed = [field for field, value in given.items() if value and getattr(cart, field) != value]
    for field in changed:
        setattr(cart, field, given[field])
    if changed:
        cart.save(update_fields=changed)  # not `updated_at`: typing an email is not shopping
    return cart


# A cart with items untouched this long counts as left behind: its first reminder goes an
# hour after the last change, so it is recorded well before.
ABANDONED_AFTER = timedelta(minutes=30)
ABANDONED_BATCH = 500


def carts_abandoned_record(*, now: datetime | None = None) -> int:
    """Record the carts left with items by someone the store can write to (a customer, or a
    shopper who gave their email at checkout) as recovery opportunities, once each; return
    how many were recorded. Anonymous carts have no one to remind."""
    now = now or timezone.now()
    last_phone = (
        Order.objects.filter(customer_id=OuterRef("customer_id")).order_by("-placed_at").values("phone")[:1]
    )
    carts = (
        Cart.objects.filter(
            status=Cart.Status.OPEN, updated_at__lt=now - ABANDONED_AFTER, lines__isnull=False
        )
        .exclude(customer__isnull=True, contact_email="")
        .exclude(token__in=RecoveryOpportunity.objects.filter(cart_token__isnull=False).values("cart_token"))
        .annotate(
            value=Sum(F("lines__quantity") * F("lines__variant__price")), last_phone=Subquery(last_phone)
        )
        .select_related("customer")
        .prefetch_related("lines")
        .order_by("updated_at")[:ABANDONED_BATCH]
    )
    recorded = RecoveryOpportunity.objects.bulk_create(
        (
            RecoveryOpportunity(
                kind=RecoveryOpportunity.Kind.ABANDONED_CART,
                cart_token=cart.token,
                customer=cart.customer,
                name=cart.contact_name or getattr(cart.customer, "full_name", ""),
                email=(cart.contact_email or cart.customer.email).lower(),
                phone=cart.contact_phone or cart.last_phone or "",
                language=cart.contact_language or getattr(cart.customer, "language", "") or "pt-br",
                value=cart.value,
                lines=[[line.variant_id, line.quantity] for line in cart.lines.all()],
                lost_at=cart.updated_at,
            )
            for cart in carts
        ),
        ignore_conflicts=True,
    )
    return len(recorded)
