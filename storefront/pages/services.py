from django.db import transaction

from storefront.catalog.cache import catalog_changed
from storefront.catalog.text import clean_description
from storefront.pages.models import StorePage


@transaction.atomic
def store_page_save(*, page: StorePage) -> StorePage:
    """Save a page's edited text, keeping only the markup pages may use; cached pages (the
    footer links every page) are dropped after the commit."""
    page.body_pt_br = clean_description(page.body_pt_br)
    page.body_en = clean_description(page.body_en)
    page.full_clean()
    page.save()
    catalog_changed()
    return page
