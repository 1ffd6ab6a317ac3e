"""Anonymous storefront pages, cached whole and dropped together when the catalog changes.

Every cached page's key carries the catalog version; a change to a product, price, stock or
category bumps the version, so stale pages are never served (they expire on their own).
"""

import hashlib
import time
from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.translation import get_language

VERSION_KEY = "catalog:version"
T = TypeVar("T")


def catalog_version() -> int:
    # Started from the clock: a version key lost to eviction never comes back to an old number.
    return cache.get_or_set(VERSION_KEY, time.time_ns, timeout=None)


def catalog_changed() -> None:
    """Drop every cached catalog page once the current transaction commits."""
    transaction.on_commit(catalog_version_bump)


def catalog_version_bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # the key was evicted: a new clock-based value invalidates the old pages
        cache.set(VERSION_KEY, time.time_ns(), timeout=None)


def catalog_cached(key: str, compute: Callable[[], T]) -> T:
    """A value derived from the catalog, kept until the catalog changes (facets, subtrees)."""
    versioned_key = f"catalog:{catalog_version()}:{key}"
    value = cache.get(versioned_key)
    if value is None:
        value = compute()
        cache.set(versioned_key, value, settings.STORE_PAGE_CACHE_SECONDS or None)
    return value


def _is_cacheable(request: HttpRequest) -> bool:
    return (
        settings.STORE_PAGE_CACHE_SECONDS > 0
        and request.method == "GET"
        and not request.user.is_authenticated
        and "messages" not in request.COOKIES  # a one-off notice is on the way
    )


def cache_anonymous_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve anonymous GETs from the cache; logged-in shoppers always get a fresh page."""

    @wraps(view)
    def cached(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not _is_cacheable(request):
            return view(request, *args, **kwargs)
        path_digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        key = f"page:{catalog_version()}:{get_language()}:{path_digest}"
        cached_page = cache.get(key)
        if cached_page is None:
            response = view(request, *args, **kwargs)
            if hasattr(response, "render"):
                response.render()
            if response.status_code == 200:
                page = (response.content, response["Content-Type"])
                cache.set(key, page, settings.STORE_PAGE_CACHE_SECONDS)
        else:
            content, content_type = cached_page
            response = HttpResponse(content, content_type=content_type)
            response["X-Cache"] = "hit"
        # Cached pages embed no CSRF token; the cookie lets the page's scripts post forms.
        get_token(request)
        return response

    return cached
