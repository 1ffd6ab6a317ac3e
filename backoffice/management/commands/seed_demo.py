from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction

from backoffice import demo_data
from backoffice.services import staff_user_ensure
from storefront.catalog.services import category_upsert, product_upsert


class Command(BaseCommand):
    help = "Load the demo store: categories, products and staff logins. Safe to run again."

    @transaction.atomic
    def handle(self, *args, **options) -> None:
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
        for email, full_name, roles in demo_data.STAFF:
            _user, created = staff_user_ensure(
                email=email, full_name=full_name, password=demo_data.DEMO_PASSWORD, roles=roles
            )
            state = "created" if created else "already there"
            self.stdout.write(
                f"Staff login ({', '.join(roles)}, {state}): {email} / {demo_data.DEMO_PASSWORD}"
            )
        self.stdout.write(self.style.SUCCESS("Demo store ready."))
