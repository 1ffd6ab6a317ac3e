import secrets
from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from backoffice import demo_data
from storefront.accounts.services import staff_user_ensure
from storefront.catalog.services import category_upsert, product_upsert


class Command(BaseCommand):
    help = "Load the demo store: categories, products and staff logins. Safe to run again."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--staff-password",
            help="Password of new demo staff logins. Default: the demo password in debug mode, "
            "a random one otherwise (printed once).",
        )

    @transaction.atomic
    def handle(self, *args, staff_password: str | None = None, **options) -> None:
        categories = {
            slug: category_upsert(slug=slug, name=name, position=position, icon=icon)
            for position, (slug, name, icon) in enumerate(demo_data.CATEGORIES)
        }
        for category_slug, slug, name, price, featured in demo_data.PRODUCTS:
            product_upsert(
                slug=slug,
                category=categories[category_slug],
                name=name,
                price=Decimal(price),
                description=demo_data.DESCRIPTION,
                is_featured=featured,
            )
        self.stdout.write(f"Catalog: {len(categories)} categories, {len(demo_data.PRODUCTS)} products.")

        # A well-known password is fine on a developer's machine, never on a reachable server.
        password = staff_password or (
            demo_data.DEMO_PASSWORD if settings.DEBUG else secrets.token_urlsafe(12)
        )
        for email, full_name, roles in demo_data.STAFF:
            _user, created = staff_user_ensure(
                email=email, full_name=full_name, password=password, group_names=roles
            )
            login = f"{email} / {password}" if created else f"{email} (already there, password unchanged)"
            self.stdout.write(f"Staff login ({', '.join(roles)}): {login}")
        self.stdout.write(self.style.SUCCESS("Demo store ready."))
