"""Every write to the catalog; callers import from here (`from storefront.catalog.services import ...`)."""

from storefront.catalog.services.categories import (
    attribute_value_upsert,
    brand_save,
    brand_upsert,
    category_save,
    category_upsert,
)
from storefront.catalog.services.importing import CatalogImportSummary, catalog_import
from storefront.catalog.services.pictures import (
    product_image_add,
    product_image_delete,
    product_image_make_thumbnails,
    product_image_update,
    product_refresh_main_image,
)
from storefront.catalog.services.products import (
    product_refresh_search,
    product_refresh_summary,
    product_save,
    product_search_text,
    product_upsert,
    products_set_published,
    variant_delete,
    variant_save,
    variant_set_stock_online,
)
from storefront.catalog.services.relations import (
    RELATED_LIMIT,
    RELATIONS_BATCH,
    product_relations_refresh,
    product_relations_replace,
    product_relations_set_bought_together,
    product_sales_counts_set,
)
from storefront.catalog.services.search import search_words_add, search_words_rebuild
from storefront.catalog.services.stock_alerts import (
    stock_alert_email_read,
    stock_alert_subscribe,
    stock_alert_transition,
    stock_alert_unsubscribe_link,
    stock_alerts_cancel,
    stock_alerts_notify,
    stock_alerts_reconcile,
)

__all__ = [
    "RELATED_LIMIT",
    "RELATIONS_BATCH",
    "CatalogImportSummary",
    "attribute_value_upsert",
    "brand_save",
    "brand_upsert",
    "catalog_import",
    "category_save",
    "category_upsert",
    "product_image_add",
    "product_image_delete",
    "product_image_make_thumbnails",
    "product_image_update",
    "product_refresh_main_image",
    "product_refresh_search",
    "product_refresh_summary",
    "product_relations_refresh",
    "product_relations_replace",
    "product_relations_set_bought_together",
    "product_sales_counts_set",
    "product_save",
    "product_search_text",
    "product_upsert",
    "products_set_published",
    "search_words_add",
    "search_words_rebuild",
    "stock_alert_email_read",
    "stock_alert_subscribe",
    "stock_alert_transition",
    "stock_alert_unsubscribe_link",
    "stock_alerts_cancel",
    "stock_alerts_notify",
    "stock_alerts_reconcile",
    "variant_delete",
    "variant_save",
    "variant_set_stock_online",
]
