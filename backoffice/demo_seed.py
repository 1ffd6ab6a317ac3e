"""Writes of the demo store that keep it usable after many purchases: staff logins for every
role, vouchers that do not run out, the Pix discount, and the warehouse's bins. Each is safe
to run again: it brings what exists to the demo's values and creates nothing twice."""

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from django.db import transaction

from backoffice import demo_data
from inventory.models import Bin, Warehouse
from inventory.services import bin_upsert
from storefront.accounts.services import staff_user_ensure
from storefront.catalog.pricing import price_policy_current
from storefront.catalog.services.prices import price_policy_update
from storefront.promotions.services import voucher_upsert

VOUCHERS_START = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class StaffLogin:
    email: str
    roles: tuple[str, ...]
    password: str | None  # None: the login was already there, its password unchanged


@transaction.atomic
def demo_staff_ensure(*, password: str) -> list[StaffLogin]:
    """One staff login per role (new ones get `password`), in the demo's order."""
    logins = []
    for email, full_name, roles in demo_data.staff_logins():
        _user, created = staff_user_ensure(
            email=email, full_name=full_name, password=password, group_names=roles
        )
        logins.append(
            StaffLogin(
                email=email, roles=tuple(str(role) for role in roles), password=password if created else None
            )
        )
    return logins


def staff_logins_table(logins: list[StaffLogin]) -> list[str]:
    """The logins as the lines of one table: role, email, password."""
    rows = [
        (", ".join(login.roles), login.email, login.password or "(already there, password unchanged)")
        for login in logins
    ]
    role_width = max(len("role"), *(len(role) for role, _email, _password in rows))
    email_width = max(len("email"), *(len(email) for _role, email, _password in rows))
    lines = [f"{'role':<{role_width}}  {'email':<{email_width}}  password"]
    lines += [f"{role:<{role_width}}  {email:<{email_width}}  {password}" for role, email, password in rows]
    return lines


@transaction.atomic
def demo_vouchers_ensure() -> None:
    """The demo's vouchers, active, with the limits the demo gives them (most have none)."""
    for code, kind, value, fields in demo_data.VOUCHERS:
        voucher_upsert(
            code=code,
            kind=kind,
            value=Decimal(value),
            starts_at=VOUCHERS_START,
            ends_at=None,
            is_active=True,
            **fields,
        )


def demo_pix_discount_ensure() -> Decimal:
    """The demo's Pix discount, unless a manager chose one already (0 is the store's default,
    no choice). Returns the discount in force."""
    current = price_policy_current().pix_discount_percent
    if current:
        return current
    return price_policy_update(pix_discount_percent=demo_data.PIX_DISCOUNT_PERCENT).pix_discount_percent


@transaction.atomic
def demo_bins_ensure(*, warehouse: Warehouse) -> dict[str, Bin]:
    """The distribution centre's bins in the pickers' walk, by code."""
    return {
        code: bin_upsert(warehouse=warehouse, code=code, position=position)
        for position, code in enumerate(demo_data.demo_bins(), start=1)
    }
