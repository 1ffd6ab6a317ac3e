from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import TimeStampedModel
from storefront.catalog.barcodes import validate_ean

PRICE = {"max_digits": 12, "decimal_places": 2}
LISTED = Q(is_published=True)  # the rows storefront listings read, and their partial indexes


class Category(TimeStampedModel):
    """A node of the category tree. `path` lists the ids from the root (`/1/7/12/`), so a
    subtree is one indexed prefix match; only `category_save` writes it."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=140, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    icon = models.CharField(
        _("icon"), max_length=40, blank=True, help_text=_("Bootstrap Icons name, e.g. bag.")
    )
    description = models.TextField(_("description"), blank=True)
    size_guide = models.TextField(
        _("size guide"),
        blank=True,
        help_text=_(
            "A table of measures per size, shown on the pages of this category's products and of its "
            "subcategories' (unless they have their own)."
        ),
    )
    seo_title = models.CharField(_("SEO title"), max_length=70, blank=True)
    seo_description = models.CharField(_("SEO description"), max_length=160, blank=True)
    path = models.CharField(_("path"), max_length=255, editable=False, default="")
    depth = models.PositiveSmallIntegerField(_("depth"), editable=False, default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "name"]
        indexes = [models.Index(fields=["path"], name="category_path_idx", opclasses=["varchar_pattern_ops"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalog:category-detail", kwargs={"slug": self.slug})

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/")[:-1] if part]


class Brand(TimeStampedModel):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=140, unique=True)

    class Meta:
        verbose_name = _("brand")
        verbose_name_plural = _("brands")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Attribute(TimeStampedModel):
    """A property shoppers filter by and variants differ in: size, colour, voltage."""

    name = models.CharField(_("name"), max_length=60)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("attribute")
        verbose_name_plural = _("attributes")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class AttributeValue(TimeStampedModel):
    attribute = models.ForeignKey(
        Attribute, verbose_name=_("attribute"), on_delete=models.CASCADE, related_name="values"
    )
    value = models.CharField(_("value"), max_length=60)
    slug = models.SlugField(_("slug"), max_length=60)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("attribute value")
        verbose_name_plural = _("attribute values")
        ordering = ["attribute__position", "position", "value"]
        constraints = [
            models.UniqueConstraint(fields=["attribute", "slug"], name="attribute_value_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.attribute.name}: {self.value}"


class ProductQuerySet(models.QuerySet):
    def published(self) -> "ProductQuerySet":
        return self.filter(LISTED)

    def listed(self) -> "ProductQuerySet":
        """Published products that have a price: what listings and search show."""
        return self.filter(LISTED, price_from__isnull=False)


class Product(TimeStampedModel):
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="products"
    )
    brand = models.ForeignKey(
        Brand,
        verbose_name=_("brand"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="products",
    )
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    description = models.TextField(
        _("description"),
        blank=True,
        help_text=_("Basic HTML is allowed: paragraphs, lists, bold, italics, links."),
    )
    seo_title = models.CharField(_("SEO title"), max_length=70, blank=True)
    seo_description = models.CharField(_("SEO description"), max_length=160, blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    is_featured = models.BooleanField(_("featured"), default=False)
    is_durable = models.BooleanField(
        _("durable goods"),
        default=False,
        help_text=_(
            "An apparent defect may be claimed within 90 days of delivery for durable goods, 30 for others."
        ),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    # Kept by the catalog services from the variants, images and sales, so that listings
    # filter, sort and draw cards from this row alone.
    price_from = models.DecimalField(_("price from"), **PRICE, null=True, blank=True, editable=False)
    compare_at_from = models.DecimalField(
        _("compare-at price"), **PRICE, null=True, blank=True, editable=False
    )
    in_stock = models.BooleanField(_("in stock"), default=False, editable=False)
    sales_count = models.PositiveIntegerField(_("units sold"), default=0, editable=False)
    # Kept by the reviews' moderation from the approved reviews (0 and 0 before any).
    rating_average = models.DecimalField(
        _("average rating"), max_digits=3, decimal_places=2, default=Decimal("0.00"), editable=False
    )
    rating_count = models.PositiveIntegerField(_("reviews"), default=0, editable=False)
    main_image = models.ForeignKey(
        "catalog.ProductImage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    search_text = models.TextField(editable=False, default="")
    search_vector = SearchVectorField(null=True, editable=False)

    objects = ProductQuerySet.as_manager()

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["name", "pk"]
        # One index per listing order, ending in the id tie-breaker, so a page of a
        # category is read in order from its index (selectors.ORDERINGS must match).
        indexes = [
            models.Index(
                fields=["category", "price_from", "id"], name="product_cat_price_idx", condition=LISTED
            ),
            models.Index(
                fields=["category", "-price_from", "-id"], name="product_cat_price_desc_idx", condition=LISTED
            ),
            models.Index(
                fields=["category", "-published_at", "-id"], name="product_cat_newest_idx", condition=LISTED
            ),
            models.Index(
                fields=["category", "-sales_count", "id"], name="product_cat_sellers_idx", condition=LISTED
            ),
            models.Index(
                fields=["category", "-rating_average", "-rating_count", "id"],
                name="product_cat_rating_idx",
                condition=LISTED,
            ),
            models.Index(fields=["-published_at", "-id"], name="product_newest_idx", condition=LISTED),
            # The home page shows only products that can be bought: never a sold-out one.
            models.Index(
                fields=["-published_at", "-id"],
                name="product_featured_idx",
                condition=Q(is_featured=True, is_published=True, in_stock=True),
            ),
            models.Index(
                fields=["-published_at", "-id"],
                name="product_new_in_stock_idx",
                condition=Q(is_published=True, in_stock=True),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalog:product-detail", kwargs={"slug": self.slug})

    @property
    def discount_percent(self) -> int | None:
        if not self.compare_at_from or not self.price_from or self.compare_at_from <= self.price_from:
            return None
        return int((1 - self.price_from / self.compare_at_from) * 100)


class Variant(TimeStampedModel):
    """A SKU: what is stocked, priced, sold and shipped."""

    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="variants"
    )
    sku = models.CharField(_("SKU"), max_length=64, unique=True)
    ean = models.CharField(
        _("EAN"),
        max_length=14,
        blank=True,
        validators=[validate_ean],
        help_text=_("Barcode: EAN-8, EAN-13 or GTIN-14."),
    )
    attribute_values = models.ManyToManyField(
        AttributeValue, verbose_name=_("attributes"), blank=True, related_name="variants"
    )
    price = models.DecimalField(_("price"), **PRICE, validators=[MinValueValidator(Decimal("0.01"))])
    compare_at_price = models.DecimalField(
        _("compare-at price"),
        **PRICE,
        null=True,
        blank=True,
        help_text=_("The old price, shown struck through."),
    )
    cost_price = models.DecimalField(_("cost price"), **PRICE, null=True, blank=True)
    weight_grams = models.PositiveIntegerField(_("weight (g)"), default=0)
    length_cm = models.DecimalField(_("length (cm)"), max_digits=6, decimal_places=1, default=Decimal("0.0"))
    width_cm = models.DecimalField(_("width (cm)"), max_digits=6, decimal_places=1, default=Decimal("0.0"))
    height_cm = models.DecimalField(_("height (cm)"), max_digits=6, decimal_places=1, default=Decimal("0.0"))
    is_active = models.BooleanField(_("active"), default=True)
    tracks_lots = models.BooleanField(
        _("tracks lots"),
        default=False,
        help_text=_("Received in lots with an expiry date, sold first to expire first."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    stock_online = models.PositiveIntegerField(
        _("available online"),
        default=0,
        editable=False,
        help_text=_("Units the online warehouses can sell now; kept by the inventory."),
    )

    class Meta:
        verbose_name = _("variant")
        verbose_name_plural = _("variants")
        ordering = ["product_id", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(price__gt=0),
                name="variant_price_positive",
                violation_error_message=_("The price must be above zero."),
            ),
            models.CheckConstraint(
                condition=Q(compare_at_price__isnull=True) | Q(compare_at_price__gt=F("price")),
                name="variant_compare_at_above_price",
                violation_error_message=_("The compare-at price must be above the price."),
            ),
            models.CheckConstraint(
                condition=Q(cost_price__isnull=True) | Q(cost_price__gte=0),
                name="variant_cost_not_negative",
                violation_error_message=_("The cost price cannot be negative."),
            ),
            models.UniqueConstraint(
                fields=["ean"],
                condition=~Q(ean=""),
                name="variant_ean_unique",
                violation_error_message=_("Another variant already has this EAN."),
            ),
        ]

    def __str__(self) -> str:
        return self.sku

    @property
    def is_available(self) -> bool:
        return self.is_active and self.stock_online > 0

    @property
    def options_label(self) -> str:
        """Its options as a shopper reads them ("M / Azul"), from `attribute_values` (prefetch them)."""
        return " / ".join(value.value for value in self.attribute_values.all())


class ProductImage(TimeStampedModel):
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="images"
    )
    image = models.ImageField(
        _("image"), upload_to="products/%Y/%m/", width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(_("width"), default=0, editable=False)
    height = models.PositiveIntegerField(_("height"), default=0, editable=False)
    alt_text = models.CharField(_("alternative text"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    thumbnails = models.JSONField(
        _("thumbnails"),
        default=dict,
        blank=True,
        editable=False,
        help_text=_("Size name → file, width and height."),
    )

    class Meta:
        verbose_name = _("product image")
        verbose_name_plural = _("product images")
        ordering = ["product_id", "position", "pk"]

    def __str__(self) -> str:
        return self.alt_text or self.image.name

    def rendition(self, size: str) -> dict:
        """`{"url", "width", "height"}` of a thumbnail, or of the original until it exists."""
        thumbnail = self.thumbnails.get(size)
        if thumbnail:
            return {
                "url": self.image.storage.url(thumbnail["name"]),
                "width": thumbnail["width"],
                "height": thumbnail["height"],
            }
        return {"url": self.image.url, "width": self.width, "height": self.height}


class ProductRelation(TimeStampedModel):
    """A product shown under another's page, computed by a periodic task."""

    class Kind(models.TextChoices):
        BOUGHT_TOGETHER = "bought_together", _("Customers also bought")
        SAME_CATEGORY = "same_category", _("From the same category")

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="relations")
    related = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    score = models.PositiveIntegerField(_("score"), default=0)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("related product")
        verbose_name_plural = _("related products")
        ordering = ["product_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["product", "related"], name="product_relation_unique"),
            models.CheckConstraint(condition=~Q(product=F("related")), name="product_relation_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.product} → {self.related}"


class CatalogVersionBumpOwed(TimeStampedModel):
    """A catalog change whose cached pages could not be dropped because the cache did not
    answer: kept until a retry reaches the cache, so pages cached before the outage are not
    served stale once it is back."""

    class Meta:
        verbose_name = _("page cache drop owed")
        verbose_name_plural = _("page cache drops owed")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S}"


class PricePolicy(TimeStampedModel):
    """How prices are shown and discounted for Pix; managers set it in the admin (one row)."""

    pix_discount_percent = models.DecimalField(
        _("Pix discount (%)"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0.00")), MaxValueValidator(Decimal("30.00"))],
        help_text=_("Taken off the items when the order is paid by Pix; 0 turns it off."),
    )

    class Meta:
        verbose_name = _("price policy")
        verbose_name_plural = _("price policy")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(pix_discount_percent__gte=0, pix_discount_percent__lte=30),
                name="price_policy_pix_discount_range",
            )
        ]

    def __str__(self) -> str:
        return f"Pix -{self.pix_discount_percent}%"


class StockAlert(TimeStampedModel):
    """A shopper's "avise-me": one email to `email` when this sold-out variant can be
    bought online again. Kept with the catalog, whose variants it watches: the catalog's own
    stock service sees a variant come back, and the notifications it sends are a leaf every
    app may call."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting for stock")
        NOTIFIED = "notified", _("Told it is back")
        CANCELLED = "cancelled", _("Cancelled")

    variant = models.ForeignKey(
        Variant, verbose_name=_("variant"), on_delete=models.CASCADE, related_name="stock_alerts"
    )
    email = models.EmailField(_("email"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="stock_alerts",
    )
    language = models.CharField(_("language"), max_length=10)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.WAITING)
    notified_at = models.DateTimeField(pgettext_lazy("stock alert", "told at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("back-in-stock request")
        verbose_name_plural = _("back-in-stock requests")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One waiting request per variant and address: asking twice changes nothing.
            # Its index also finds the requests waiting for a variant.
            models.UniqueConstraint(
                fields=["variant", "email"],
                condition=Q(status="waiting"),
                name="stock_alert_waiting_unique",
            ),
            models.CheckConstraint(
                condition=~Q(status="notified") | Q(notified_at__isnull=False),
                name="stock_alert_notified_has_time",
            ),
        ]
        indexes = [
            models.Index(
                fields=["email"], condition=Q(status="waiting"), name="stock_alert_waiting_email_idx"
            ),
            models.Index(fields=["id"], condition=Q(status="waiting"), name="stock_alert_waiting_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.variant_id} → {self.email}"


STOCK_ALERT_TRANSITIONS: dict[str, frozenset[str]] = {
    StockAlert.Status.WAITING: frozenset({StockAlert.Status.NOTIFIED, StockAlert.Status.CANCELLED}),
    StockAlert.Status.NOTIFIED: frozenset(),
    StockAlert.Status.CANCELLED: frozenset(),
}


class SearchWord(TimeStampedModel):
    """A word of the product names, brands and categories, without accents: the vocabulary
    a misspelt search word is corrected to ("camizeta" -> "camiseta"). Words are added as
    products are saved and the list is rebuilt daily, dropping words nothing uses any more.
    On PostgreSQL a trigram index finds the closest word (see its migration)."""

    word = models.CharField(pgettext_lazy("search vocabulary", "word"), max_length=60, unique=True)

    class Meta:
        verbose_name = _("search word")
        verbose_name_plural = _("search words")
        ordering = ["word"]

    def __str__(self) -> str:
        return self.word
