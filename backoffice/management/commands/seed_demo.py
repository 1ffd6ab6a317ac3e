import secrets
import time
import zlib
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from backoffice import demo_data
from backoffice.demo_images import product_picture
from backoffice.demo_seed import (
    demo_bins_ensure,
    demo_pix_discount_ensure,
    demo_staff_ensure,
    demo_vouchers_ensure,
    staff_logins_table,
)
from core.actor import Actor
from core.progress import progress
from core.quiet import command_quiet
from inventory.models import Bin, StockLevel, StockMovement, StockQuant, Warehouse
from inventory.services import (
    default_bin,
    purchase_order_create,
    reorder_rule_set,
    stock_receive,
    supplier_upsert,
    warehouse_upsert,
)
from logistics.services import RateRow, box_upsert, carrier_service_set_rates
from orders.models import RecoveryOpportunity
from storefront.cart.models import Cart
from storefront.cart.services import cart_add, cart_contact_set, cart_create, carts_abandoned_record
from storefront.catalog.models import AttributeValue, Brand, Category, Product, ProductImage, Variant
from storefront.catalog.services import (
    attribute_value_upsert,
    brand_upsert,
    category_upsert,
    product_image_add,
    product_image_make_thumbnails,
    product_refresh_main_image,
    product_refresh_search,
    product_refresh_summary,
    product_upsert,
    variant_save,
)
from storefront.catalog.text import clean_description
from support.services.replies import macro_upsert
from support.triage.services import triage_model_ensure

DEFAULT_SEED = 2026
SEED_ACTOR = Actor.job("seed_demo")
BENCH_BATCH = 2000  # products written, refreshed and committed together
INSERT_BATCH = 5000  # rows per INSERT statement
IMAGE_POOL = 24  # distinct pictures drawn for the benchmark catalog; every other product reuses them
PUBLISHED_SPREAD_MINUTES = 2 * 365 * 24 * 60  # benchmark products appeared over two years


@dataclass(frozen=True)
class Taxonomy:
    categories: dict[str, Category]  # leaf categories by slug
    brands: dict[str, Brand]
    values: dict[tuple[str, str], AttributeValue]  # by (attribute slug, value slug)
    warehouse: Warehouse  # the online distribution centre that receives the demo stock
    bins: dict[str, Bin]  # its bins by code


class Command(BaseCommand):
    help = (
        "Load the demo store: a category tree, brands, attributes, a few hundred products with "
        "variants, stock spread over the warehouse's bins and pictures, vouchers, the Pix "
        "discount, and one staff login per role. With --products N, build a benchmark "
        "catalog of N products with bulk inserts instead. Safe to run again."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--products",
            type=int,
            help="Build a benchmark catalog of this many products (bench-000001, ...) with bulk inserts.",
        )
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help="Random seed: the same seed gives the same store."
        )
        parser.add_argument(
            "--staff-password",
            help="Password of new demo staff logins. Default: the demo password in debug mode, "
            "a random one otherwise (printed once).",
        )

    def handle(
        self, *args, products: int | None = None, seed: int, staff_password: str | None = None, **options
    ) -> None:
        if products is not None and not 1 <= products <= demo_data.BENCH_MAX_PRODUCTS:
            raise CommandError(f"--products must be between 1 and {demo_data.BENCH_MAX_PRODUCTS}.")
        # In eager mode the tasks the seed sets off (thumbnails, emails) run here: their logs
        # would bury the progress bar and the summary.
        with command_quiet():
            started = time.monotonic()
            taxonomy = self.seed_taxonomy()
            if products is None:
                self.seed_demo_products(taxonomy=taxonomy, seed=seed)
            else:
                self.seed_bench_products(taxonomy=taxonomy, seed=seed, count=products)
            self.stdout.write(f"Catalog written in {time.monotonic() - started:.1f} s.")
            self.seed_stock_work(taxonomy=taxonomy)
            self.seed_triage()
            self.seed_lost_carts()
            self.seed_staff(staff_password=staff_password)
        self.stdout.write(self.style.SUCCESS("Demo store ready."))

    # Taxonomy

    @transaction.atomic
    def seed_taxonomy(self) -> Taxonomy:
        categories = {}
        for position, department in enumerate(demo_data.DEPARTMENTS):
            parent = category_upsert(
                slug=department.slug,
                name=department.name,
                position=position,
                icon=department.icon,
                size_guide=department.size_guide,
            )
            for leaf_position, leaf in enumerate(department.leaves):
                categories[leaf.slug] = category_upsert(
                    slug=leaf.slug,
                    name=leaf.name,
                    parent=parent,
                    position=leaf_position,
                    size_guide=leaf.size_guide,
                )
        brands = {slug: brand_upsert(slug=slug, name=name) for slug, name in demo_data.BRANDS}
        values = {
            (attribute_slug, slug): attribute_value_upsert(
                attribute_slug=attribute_slug,
                attribute_name=attribute_name,
                slug=slug,
                value=value,
                position=position,
            )
            for attribute_slug, attribute_name, attribute_values in demo_data.ATTRIBUTES
            for position, (slug, value) in enumerate(attribute_values)
        }
        for position, (code, carrier, name, rates) in enumerate(demo_data.DELIVERY_SERVICES):
            carrier_service_set_rates(
                code=code,
                carrier=carrier,
                name=name,
                position=position,
                rates=[
                    RateRow(state=state, area=area, max_weight_grams=grams, price=Decimal(price), days=days)
                    for state, area, grams, price, days in rates
                ],
            )
        for code, name, length, width, height, tare in demo_data.BOXES:
            box_upsert(
                code=code, name=name, length_cm=length, width_cm=width, height_cm=height, tare_grams=tare
            )
        demo_vouchers_ensure()
        pix_discount = demo_pix_discount_ensure()
        self.stdout.write(f"Pix discount: {pix_discount:g}%.")
        warehouses = [warehouse_upsert(**warehouse) for warehouse in demo_data.WAREHOUSES]
        online = next(warehouse for warehouse in warehouses if warehouse.sells_online)
        bins = demo_bins_ensure(warehouse=online)
        return Taxonomy(categories=categories, brands=brands, values=values, warehouse=online, bins=bins)

    # The demo store, product by product through the catalog services

    def seed_demo_products(self, *, taxonomy: Taxonomy, seed: int) -> None:
        specs = demo_data.demo_products(seed=seed)
        existing = set(
            Product.objects.filter(slug__in=[spec.slug for spec in specs]).values_list("slug", flat=True)
        )
        for spec in progress(specs, total=len(specs), label="Demo products"):
            # One transaction per product: an interrupted run leaves whole products behind,
            # and each product's thumbnails are made as soon as it commits.
            with transaction.atomic():
                self.demo_product_upsert(spec, taxonomy=taxonomy, seed=seed)
        self.stdout.write(
            f"Catalog: {len(taxonomy.categories)} leaf categories, {len(taxonomy.brands)} brands, "
            f"{len(specs)} products ({len(specs) - len(existing)} new)."
        )

    def demo_product_upsert(self, spec: demo_data.ProductSpec, *, taxonomy: Taxonomy, seed: int) -> Product:
        product = product_upsert(
            slug=spec.slug,
            category=taxonomy.categories[spec.category],
            name=spec.name,
            brand=taxonomy.brands[spec.brand],
            description=spec.description,
            is_featured=spec.is_featured,
        )
        known = Variant.objects.in_bulk(
            [variant_spec.sku for variant_spec in spec.variants], field_name="sku"
        )
        for position, variant_spec in enumerate(spec.variants):
            variant = known.get(variant_spec.sku) or Variant(sku=variant_spec.sku)
            variant.product = product
            variant.ean = variant_spec.ean
            variant.price = variant_spec.price
            variant.compare_at_price = variant_spec.compare_at_price
            variant.cost_price = variant_spec.cost_price
            variant.weight_grams = variant_spec.weight_grams
            variant.length_cm = variant_spec.length_cm
            variant.width_cm = variant_spec.width_cm
            variant.height_cm = variant_spec.height_cm
            variant.position = position
            variant_save(
                variant=variant, attribute_values=[taxonomy.values[key] for key in variant_spec.values]
            )
            if (
                variant_spec.sku not in known and variant_spec.stock
            ):  # later on, stock moves with the business
                stock_receive(
                    variant_id=variant.pk,
                    warehouse=taxonomy.warehouse,
                    quantity=variant_spec.stock,
                    actor=SEED_ACTOR,
                    reason="demo stock",
                    bin=taxonomy.bins[demo_data.bin_code(category=spec.category, variant_position=position)],
                )
        if not ProductImage.objects.filter(product=product).exists():
            for index in range(spec.image_count):
                product_image_add(
                    product=product,
                    file=product_picture(
                        name=spec.name, slug=spec.slug, seed=seed, index=index, colour=spec.colour
                    ),
                    alt_text=_alt_text(spec, index),
                    position=index,
                )
        return product

    # The benchmark catalog, in bulk

    def seed_bench_products(self, *, taxonomy: Taxonomy, seed: int, count: int) -> None:
        existing = set(
            Product.objects.filter(slug__startswith=demo_data.BENCH_SLUG_PREFIX).values_list(
                "slug", flat=True
            )
        )
        numbers = [number for number in range(1, count + 1) if demo_data.bench_slug(number) not in existing]
        pool = self.bench_image_pool()
        batch = []
        for number in progress(numbers, total=len(numbers), label="Benchmark products"):
            batch.append(demo_data.bench_product(seed=seed, number=number))
            if len(batch) == BENCH_BATCH:
                self.bench_batch_insert(batch, taxonomy=taxonomy, pool=pool, seed=seed)
                batch = []
        if batch:
            self.bench_batch_insert(batch, taxonomy=taxonomy, pool=pool, seed=seed)
        self.stdout.write(
            f"Benchmark catalog: {count} products, {len(numbers)} new, {count - len(numbers)} already there."
        )

    def bench_image_pool(self) -> list[ProductImage]:
        """The distinct pictures benchmark products already share, oldest first."""
        first_ids = (
            ProductImage.objects.filter(product__slug__startswith=demo_data.BENCH_SLUG_PREFIX)
            .values("image")
            .annotate(first_id=Min("pk"))
            .values_list("first_id", flat=True)
        )
        return list(ProductImage.objects.filter(pk__in=list(first_ids)).order_by("pk"))

    @transaction.atomic
    def bench_batch_insert(
        self, specs: list[demo_data.ProductSpec], *, taxonomy: Taxonomy, pool: list[ProductImage], seed: int
    ) -> None:
        """Write a batch of benchmark products with their variants and pictures, then let the
        catalog services fill in what listings read (price, stock, search, main picture)."""
        now = timezone.now()
        products = Product.objects.bulk_create(
            [
                Product(
                    category=taxonomy.categories[spec.category],
                    brand=taxonomy.brands[spec.brand],
                    name=spec.name,
                    slug=spec.slug,
                    description=clean_description(spec.description),
                    is_published=True,
                    is_featured=spec.is_featured,
                    published_at=now - timedelta(minutes=_spread(spec.slug, PUBLISHED_SPREAD_MINUTES)),
                )
                for spec in specs
            ],
            batch_size=INSERT_BATCH,
        )
        variant_specs = [
            (product, position, variant_spec)
            for spec, product in zip(specs, products, strict=True)
            for position, variant_spec in enumerate(spec.variants)
        ]
        variants = Variant.objects.bulk_create(
            [
                Variant(
                    product=product,
                    sku=variant_spec.sku,
                    ean=variant_spec.ean,
                    price=variant_spec.price,
                    compare_at_price=variant_spec.compare_at_price,
                    cost_price=variant_spec.cost_price,
                    weight_grams=variant_spec.weight_grams,
                    length_cm=variant_spec.length_cm,
                    width_cm=variant_spec.width_cm,
                    height_cm=variant_spec.height_cm,
                    position=position,
                    stock_online=variant_spec.stock,
                )
                for product, position, variant_spec in variant_specs
            ],
            batch_size=INSERT_BATCH,
        )
        stocked = [
            (variant, variant_spec.stock)
            for variant, (_product, _position, variant_spec) in zip(variants, variant_specs, strict=True)
            if variant_spec.stock
        ]
        levels = StockLevel.objects.bulk_create(
            [
                StockLevel(variant=variant, warehouse=taxonomy.warehouse, on_hand=units)
                for variant, units in stocked
            ],
            batch_size=INSERT_BATCH,
        )
        bin = default_bin(warehouse=taxonomy.warehouse)
        quants = StockQuant.objects.bulk_create(
            [StockQuant(level=level, bin=bin, on_hand=level.on_hand) for level in levels],
            batch_size=INSERT_BATCH,
        )
        StockMovement.objects.bulk_create(
            [
                StockMovement(
                    level=level,
                    quant=quant,
                    kind=StockMovement.Kind.RECEIVE,
                    on_hand_change=level.on_hand,
                    actor=SEED_ACTOR.label,
                    reason="benchmark stock",
                )
                for level, quant in zip(levels, quants, strict=True)
            ],
            batch_size=INSERT_BATCH,
        )
        VariantValue = Variant.attribute_values.through
        VariantValue.objects.bulk_create(
            [
                VariantValue(variant_id=variant.pk, attributevalue_id=taxonomy.values[key].pk)
                for variant, (_product, _position, variant_spec) in zip(variants, variant_specs, strict=True)
                for key in variant_spec.values
            ],
            batch_size=INSERT_BATCH,
        )
        shared_images = []
        for spec, product in zip(specs, products, strict=True):
            if len(pool) < IMAGE_POOL:
                pool.extend(self.bench_pictures_draw(spec, product=product, seed=seed))
                continue
            start = _spread(spec.slug, len(pool))
            for index in range(spec.image_count):
                source = pool[(start + index) % len(pool)]
                shared_images.append(
                    ProductImage(
                        product=product,
                        image=source.image.name,
                        width=source.width,
                        height=source.height,
                        thumbnails=source.thumbnails,
                        alt_text=_alt_text(spec, index),
                        position=index,
                    )
                )
        ProductImage.objects.bulk_create(shared_images, batch_size=INSERT_BATCH)
        # Search last: every rewrite of a row re-indexes its search text, so it is cheaper to
        # fill it once the other fields are in place.
        product_ids = [product.pk for product in products]
        product_refresh_summary(product_ids=product_ids)
        product_refresh_main_image(product_ids=product_ids)
        product_refresh_search(product_ids=product_ids)

    def bench_pictures_draw(
        self, spec: demo_data.ProductSpec, *, product: Product, seed: int
    ) -> list[ProductImage]:
        """Draw and store a product's pictures, with their thumbnails made now so that the
        products that reuse them get thumbnails too (the task queued on commit finds them done)."""
        images = []
        for index in range(spec.image_count):
            image = product_image_add(
                product=product,
                file=product_picture(
                    name=spec.name, slug=spec.slug, seed=seed, index=index, colour=spec.colour
                ),
                alt_text=_alt_text(spec, index),
                position=index,
            )
            images.append(product_image_make_thumbnails(image_id=image.pk))
        return images

    # Staff

    @transaction.atomic
    def seed_stock_work(self, *, taxonomy: Taxonomy) -> None:
        """Reorder rules and a purchase order on its way, so the stock screens have something
        to show."""
        online = taxonomy.warehouse
        variant_ids = list(
            Variant.objects.filter(stock_levels__warehouse=online)
            .order_by("sku")
            .values_list("pk", flat=True)[:6]
        )
        supplier = supplier_upsert(**demo_data.SUPPLIER)
        for variant_id in variant_ids:
            reorder_rule_set(
                variant_id=variant_id, warehouse=online, minimum=15, maximum=60, supplier=supplier
            )
        if variant_ids and not supplier.purchase_orders.exists():
            purchase_order_create(
                supplier=supplier,
                warehouse=online,
                expected_on=timezone.localdate() + timedelta(days=3),
                lines=[(variant_id, 24) for variant_id in variant_ids[:3]],
                actor=SEED_ACTOR,
            )

    def seed_staff(self, *, staff_password: str | None) -> None:
        # A well-known password is fine on a developer's machine, never on a reachable server.
        password = staff_password or (
            demo_data.DEMO_PASSWORD if settings.DEBUG else secrets.token_urlsafe(12)
        )
        with transaction.atomic():
            for name, body, set_status in demo_data.MACROS:
                macro_upsert(name=name, body=body, set_status=set_status)
        self.stdout.write("Staff logins, one per role (back office at /backoffice/):")
        for line in staff_logins_table(demo_staff_ensure(password=password)):
            self.stdout.write(f"  {line}")

    @transaction.atomic
    def seed_lost_carts(self) -> None:
        """A few carts left behind by shoppers who gave their contact at checkout, recorded as
        lost sales, so the recovery call list and report have something to show."""
        if RecoveryOpportunity.objects.exists():
            return
        variants = list(Variant.objects.filter(is_active=True, stock_online__gt=0).order_by("sku")[:6])
        for index, (name, email, phone, hours_ago) in enumerate(demo_data.LOST_CARTS):
            cart = cart_create()
            for variant in variants[2 * index : 2 * index + 2]:
                cart_add(cart_id=cart.pk, variant_id=variant.pk, quantity=1 + index % 2)
            cart_contact_set(cart_id=cart.pk, email=email, name=name, phone=phone, language="pt-br")
            # Left that long ago, as if the shopper had walked away then.
            Cart.objects.filter(pk=cart.pk).update(updated_at=timezone.now() - timedelta(hours=hours_ago))
        self.stdout.write(f"Lost carts to win back: {carts_abandoned_record()}.")

    def seed_triage(self) -> None:
        """The complaint triage classifier, trained from the shipped messages unless one is there."""
        model = triage_model_ensure()
        self.stdout.write(
            f"Complaint triage model v{model.version}: macro-F1 topic {model.topic_macro_f1:.3f}, "
            f"urgency {model.urgency_macro_f1:.3f} on {model.test_size} held-out messages."
        )


def _alt_text(spec: demo_data.ProductSpec, index: int) -> str:
    return spec.name if index == 0 else f"{spec.name} – imagem {index + 1}"


def _spread(key: str, modulo: int) -> int:
    """A stable pseudo-random number below `modulo` for a key, the same on every run."""
    return zlib.crc32(key.encode()) % modulo
