"""Anonymous storefront pages, cached whole and dropped together when the catalog changes.

Every cached page's key carries the catalog version; a change to a product, price, stock or
category bumps the version, so stale pages are never served (they expire on their own).
"""

import hashlib
import re
import time
from collections.abc import Callable, Iterable
from functools import wraps
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.middleware.csrf import get_token
from django.utils.translation import get_language

from storefront.catalog.models import CatalogVersionBumpOwed

VERSION_KEY = "catalog:version"
# Every key expires, the version too: a cache that shares a Redis server with the broker runs
# with `volatile-lru`, which evicts only keys that expire.
VERSION_SECONDS = 30 * 24 * 60 * 60
# The CSRF token of forms on cached pages: stored as this placeholder and filled in for
# each shopper when the page is served, so forms post without JavaScript.
CSRF_FIELD = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
CSRF_PLACEHOLDER = b"__csrf_token__"
T = TypeVar("T")


def catalog_version() -> int:
    # Started from the clock: a version key lost to eviction never comes back to an old number.
    return cache.get_or_set(VERSION_KEY, time.time_ns, timeout=VERSION_SECONDS)


def catalog_changed() -> None:
    """Drop every cached catalog page once the current transaction commits."""
    transaction.on_commit(catalog_version_bump)


def catalog_version_bump() -> None:
    """Drop every cached catalog page; when the cache does not answer, owe it (see below)."""
    if not _version_bumped():
        CatalogVersionBumpOwed.objects.create()


def _version_bumped() -> bool:
    # A cache that is down answers None (its errors are ignored) instead of the new value.
    try:
        return cache.incr(VERSION_KEY) is not None
    except ValueError:  # the key was evicted: a new clock-based value invalidates the old pages
        return cache.add(VERSION_KEY, time.time_ns(), timeout=VERSION_SECONDS) is not None


def catalog_version_bumps_owed_pay() -> bool:
    """Drop the cached pages that catalog changes made during a cache outage could not drop,
    once the cache answers again; return whether nothing is owed any more."""
    last_owed = CatalogVersionBumpOwed.objects.order_by("-pk").values_list("pk", flat=True).first()
    if last_owed is None:
        return True
    if not _version_bumped():
        return False
    CatalogVersionBumpOwed.objects.filter(pk__lte=last_owed).delete()
    return True


def catalog_cached(key: str, compute: Callable[[], T]) -> T:
    """A value derived from the catalog, kept until the catalog changes (facets, subtrees)."""
    versioned_key = f"catalog:{catalog_version()}:{key}"
    value = cache.get(versioned_key)
    if value is None:
        value = compute()
        cache.set(versioned_key, value, settings.STORE_PAGE_CACHE_SECONDS or VERSION_SECONDS)
    return value


def _is_cacheable(request: HttpRequest) -> bool:
    return (
        settings.STORE_PAGE_CACHE_SECONDS > 0
        and request.method == "GET"
        and not request.user.is_authenticated
        and "messages" not in request.COOKIES  # a one-off notice is on the way
    )


def _query_read_by_page(query: QueryDict, params: Iterable[str]) -> QueryDict:
    """The part of a query string the page reads, in a fixed order: junk parameters neither
    make new cache entries nor reach the page."""
    kept = QueryDict(mutable=True)
    for name in sorted(params):
        if name in query:
            kept.setlist(name, sorted(query.getlist(name)))
    kept._mutable = False
    return kept


def cache_anonymous_page(
    *, params: Iterable[str] = ()
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Serve anonymous GETs from the cache; logged-in shoppers always get a fresh page. The
    page sees only the query `params` it declares, and is cached under them alone."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def cached(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not _is_cacheable(request):
                return view(request, *args, **kwargs)
            request.GET = _query_read_by_page(request.GET, params)
            request.META["QUERY_STRING"] = request.GET.urlencode()  # what get_full_path() shows
            page_digest = hashlib.sha256(f"{request.path}?{request.GET.urlencode()}".encode()).hexdigest()
            key = f"page:{catalog_version()}:{get_language()}:{page_digest}"
            cached_page = cache.get(key)
            if cached_page is None:
                response = view(request, *args, **kwargs)
                if hasattr(response, "render"):
                    response.render()
                if response.status_code != 200 or "private" in response.get("Cache-Control", ""):
                    return response
                content = CSRF_FIELD.sub(rb"\1" + CSRF_PLACEHOLDER + rb"\2", response.content)
                cache.set(key, (content, response["Content-Type"]), settings.STORE_PAGE_CACHE_SECONDS)
            else:
                content, content_type = cached_page
                response = HttpResponse(content_type=content_type)
                response["X-Cache"] = "hit"
            response.content = content.replace(CSRF_PLACEHOLDER, get_token(request).encode())
            return response

        return cached

    return decorator
