from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import ReadableAutocompleteMixin
from storefront.catalog.cache import catalog_changed
from storefront.catalog.images import validate_product_image
from storefront.catalog.models import (
    Attribute,
    AttributeValue,
    Brand,
    Category,
    PricePolicy,
    Product,
    ProductImage,
    StockAlert,
    Variant,
)
from storefront.catalog.services import (
    brand_save,
    category_save,
    product_image_add,
    product_image_delete,
    product_image_update,
    product_save,
    products_set_published,
    variant_delete,
    variant_save,
)


class CatalogAdmin(ReadableAutocompleteMixin, admin.ModelAdmin):
    """Whatever staff change here shows on the store: cached pages are dropped after it."""

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        catalog_changed()

    def delete_queryset(self, request, queryset) -> None:
        super().delete_queryset(request, queryset)
        catalog_changed()

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        catalog_changed()


@admin.register(PricePolicy)
class PricePolicyAdmin(CatalogAdmin):
    """The Pix discount every price shows and checkout applies: one row, set by managers."""

    list_display = ["__str__", "pix_discount_percent", "updated_at"]

    def has_add_permission(self, request) -> bool:
        return False  # made with the store

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Category)
class CategoryAdmin(CatalogAdmin):
    list_display = ["name", "parent", "depth", "position"]
    list_select_related = ["parent"]
    list_filter = ["depth"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "slug"]
    autocomplete_fields = ["parent"]

    def save_model(self, request, obj, form, change) -> None:
        category_save(category=obj)


@admin.register(Brand)
class BrandAdmin(CatalogAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]

    def save_model(self, request, obj, form, change) -> None:
        brand_save(brand=obj)


class AttributeValueInline(admin.TabularInline):
    model = AttributeValue
    extra = 1
    prepopulated_fields = {"slug": ["value"]}


@admin.register(Attribute)
class AttributeAdmin(CatalogAdmin):
    list_display = ["name", "slug", "position"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [AttributeValueInline]


@admin.register(AttributeValue)
class AttributeValueAdmin(CatalogAdmin):
    list_display = ["value", "attribute"]
    list_select_related = ["attribute"]
    search_fields = ["value", "attribute__name"]


class VariantInline(ReadableAutocompleteMixin, admin.StackedInline):
    model = Variant
    extra = 0
    autocomplete_fields = ["attribute_values"]
    readonly_fields = ["stock_online"]
    fields = [
        ("sku", "ean", "is_active", "position"),
        "attribute_values",
        ("price", "compare_at_price", "cost_price"),
        ("weight_grams", "length_cm", "width_cm", "height_cm"),
        "stock_online",
    ]


class ProductImageInline(admin.TabularInline):
    model = ProductImage
    extra = 1
    fields = ["image", "alt_text", "position"]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.base_fields["image"].validators.append(validate_product_image)
        return formset


@admin.register(Product)
class ProductAdmin(CatalogAdmin):
    list_display = ["name", "category", "brand", "price_from", "in_stock", "is_published", "is_featured"]
    list_filter = ["is_published", "is_featured", "in_stock", "category", "brand"]
    list_select_related = ["category", "brand"]
    search_fields = ["name", "slug", "variants__sku", "variants__ean"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["category", "brand"]
    readonly_fields = ["price_from", "in_stock", "sales_count", "published_at"]
    show_full_result_count = False
    inlines = [VariantInline, ProductImageInline]
    actions = ["publish", "unpublish"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "category", "brand", "description"]}),
        (_("Publication"), {"fields": ["is_published", "is_featured", "published_at"]}),
        (_("SEO"), {"fields": ["seo_title", "seo_description"], "classes": ["collapse"]}),
        (_("Summary"), {"fields": ["price_from", "in_stock", "sales_count"]}),
    ]

    def save_model(self, request, obj, form, change) -> None:
        product_save(product=obj)

    def save_formset(self, request, form, formset, change) -> None:
        """Inline rows go through the catalog services; the lists filled here feed the
        admin's change history."""
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        save_row = self._save_variant_row if formset.model is Variant else self._save_image_row
        for inline_form in formset.forms:
            if inline_form in formset.deleted_forms:
                if inline_form.instance.pk:
                    formset.deleted_objects.append(inline_form.instance)
                    save_row(inline_form, product=form.instance, delete=True)
            elif inline_form.has_changed():
                is_new = inline_form.instance.pk is None
                saved = save_row(inline_form, product=form.instance, delete=False)
                if is_new:
                    formset.new_objects.append(saved)
                else:
                    formset.changed_objects.append((saved, inline_form.changed_data))

    @staticmethod
    def _save_variant_row(inline_form, *, product: Product, delete: bool) -> Variant | None:
        if delete:
            variant_delete(variant=inline_form.instance)
            return None
        variant = inline_form.save(commit=False)
        variant.product = product
        return variant_save(variant=variant, attribute_values=inline_form.cleaned_data["attribute_values"])

    @staticmethod
    def _save_image_row(inline_form, *, product: Product, delete: bool) -> ProductImage | None:
        if delete:
            product_image_delete(image=inline_form.instance)
            return None
        new_file = inline_form.cleaned_data["image"] if "image" in inline_form.changed_data else None
        if inline_form.instance.pk is None:
            image = inline_form.save(commit=False)
            return product_image_add(
                product=product, file=new_file, alt_text=image.alt_text, position=image.position
            )
        image = ProductImage.objects.get(pk=inline_form.instance.pk)
        image.alt_text = inline_form.cleaned_data["alt_text"]
        image.position = inline_form.cleaned_data["position"]
        return product_image_update(image=image, file=new_file)

    @admin.action(permissions=["change"], description=_("Publish the selected products"))
    def publish(self, request, queryset) -> None:
        self._set_published(request, queryset, is_published=True)

    @admin.action(permissions=["change"], description=_("Unpublish the selected products"))
    def unpublish(self, request, queryset) -> None:
        self._set_published(request, queryset, is_published=False)

    def _set_published(self, request, queryset, *, is_published: bool) -> None:
        changed = products_set_published(
            product_ids=queryset.values_list("pk", flat=True), is_published=is_published
        )
        message = (
            ngettext("%(count)d product published.", "%(count)d products published.", changed)
            if is_published
            else ngettext("%(count)d product unpublished.", "%(count)d products unpublished.", changed)
        )
        self.message_user(request, message % {"count": changed})


@admin.register(StockAlert)
class StockAlertAdmin(admin.ModelAdmin):
    """Who asked to be told when a variant is back: read here, changed only by the shoppers
    (asking, the unsubscribe link) and the stock."""

    list_display = ["variant", "email", "status", "created_at", "notified_at"]
    list_filter = ["status"]
    list_select_related = ["variant"]
    search_fields = ["email", "variant__sku"]
    raw_id_fields = ["variant", "user"]
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
