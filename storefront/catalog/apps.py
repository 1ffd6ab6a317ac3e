from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "storefront.catalog"
    label = "catalog"
    verbose_name = _("Catalog")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        connection_created.connect(_set_search_thresholds, dispatch_uid="catalog_search_thresholds")


def _set_search_thresholds(sender, connection, **kwargs) -> None:
    """Let trigram search forgive one wrong letter in a word ("camizeta" -> "camiseta"):
    PostgreSQL's default word-similarity threshold (0.6) is stricter than shoppers' typing."""
    if connection.vendor == "postgresql":
        from storefront.catalog.selectors import TRIGRAM_THRESHOLD

        with connection.cursor() as cursor:
            cursor.execute("SET pg_trgm.word_similarity_threshold = %s", [TRIGRAM_THRESHOLD])
