"""Anonymous storefront pages, cached whole and dropped together when the catalog changes.

Every cached page's key carries the catalog version; a change to a product, price, stock or
category bumps the version, so stale pages are never served (they expire on their own).
Views marked with `cache_anonymous_page` fill the cache; `AnonymousPageMiddleware` serves what
they stored to visitors with no session before the rest of the middleware runs.
"""

import hashlib
import re
import time
from collections.abc import Callable, Iterable
from functools import lru_cache, wraps
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.urls import Resolver404, get_urlconf, resolve
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


def _catalog_seconds() -> int:
    """How long values derived from the catalog are kept (a version change drops them first)."""
    return settings.STORE_PAGE_CACHE_SECONDS or VERSION_SECONDS


def catalog_cached(key: str, compute: Callable[[], T]) -> T:
    """A value derived from the catalog, kept until the catalog changes (facets, subtrees)."""
    versioned_key = f"catalog:{catalog_version()}:{key}"
    value = cache.get(versioned_key)
    if value is None:
        value = compute()
        cache.set(versioned_key, value, _catalog_seconds())
    return value


def catalog_cached_many(
    keys: list[str], compute: Callable[[list[int]], list[T]], *, version: int | None = None
) -> list[T]:
    """Values derived from the catalog for several keys, those kept read in one round trip;
    `compute(indexes)` makes the missing ones (for the keys at those indexes, in order).
    `version` is the catalog's version read before anything `compute` uses was read (a page
    reads it first: `cache_anonymous_page`), so nothing older than it is kept under it."""
    prefix = f"catalog:{version or catalog_version()}:"
    found = cache.get_many([prefix + key for key in keys])
    missing = [index for index, key in enumerate(keys) if prefix + key not in found]
    made = dict(zip(missing, compute(missing), strict=True)) if missing else {}
    if made:
        cache.set_many({prefix + keys[index]: value for index, value in made.items()}, _catalog_seconds())
    return [made[index] if index in made else found[prefix + key] for index, key in enumerate(keys)]


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


def _page_key(path: str, query: QueryDict, language: str) -> str:
    page_digest = hashlib.sha256(f"{path}?{query.urlencode()}".encode()).hexdigest()
    return f"page:{language}:{page_digest}"


def _stored_page(key: str) -> tuple[bytes, str] | None:
    """The page stored under `key` if the catalog has not changed since: one round trip reads
    the page with the catalog's version."""
    found = cache.get_many([VERSION_KEY, key])
    version, stored = found.get(VERSION_KEY), found.get(key)
    if version is None or stored is None or stored[0] != version:
        return None
    return stored[1], stored[2]


@lru_cache(maxsize=4096)
def _page_params(urlconf: str, path: str) -> tuple[str, ...] | None:
    """The query parameters a cached page at `path` reads; None for a page that is not cached."""
    try:
        return getattr(resolve(path, urlconf).func, "anonymous_page_params", None)
    except Resolver404:
        return None


def _with_csrf_token(request: HttpRequest, content: bytes) -> bytes:
    return content.replace(CSRF_PLACEHOLDER, get_token(request).encode())


def cache_anonymous_page(
    *, params: Iterable[str] = ()
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Serve anonymous GETs from the cache; logged-in shoppers always get a fresh page. The
    page sees only the query `params` it declares, and is cached under them alone."""
    params = tuple(params)

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def cached(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not _is_cacheable(request):
                request.catalog_version = catalog_version()  # before the page reads the catalog
                return view(request, *args, **kwargs)
            request.GET = _query_read_by_page(request.GET, params)
            request.META["QUERY_STRING"] = request.GET.urlencode()  # what get_full_path() shows
            key = _page_key(request.path, request.GET, get_language())
            cached_page = _stored_page(key)
            if cached_page is None:
                # Read before the page reads the catalog: a change meanwhile drops what it stores.
                version = request.catalog_version = catalog_version()
                response = view(request, *args, **kwargs)
                if hasattr(response, "render"):
                    response.render()
                if response.status_code != 200 or "private" in response.get("Cache-Control", ""):
                    return response
                content = CSRF_FIELD.sub(rb"\1" + CSRF_PLACEHOLDER + rb"\2", response.content)
                stored = (version, content, response["Content-Type"])
                cache.set(key, stored, settings.STORE_PAGE_CACHE_SECONDS)
            else:
                content, content_type = cached_page
                response = HttpResponse(content_type=content_type)
                response["X-Cache"] = "hit"
            response.content = _with_csrf_token(request, content)
            return response

        cached.anonymous_page_params = params
        return cached

    return decorator


class AnonymousPageMiddleware:
    """Serve a page `cache_anonymous_page` stored to a visitor with no session and no notice on
    the way, before authentication, messages and the view run: such a visitor is anonymous and
    gets the same page as everyone. Placed after the language is chosen and the request's text
    checked; the page gets what the layers it skips would have added: the visitor's CSRF token
    and cookie and X-Frame-Options. Anything else (a miss included) goes on down the stack,
    where the view fills the cache."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        # Reads the CSRF cookie before the page and sets it after, as further down the stack.
        self.csrf = CsrfViewMiddleware(self._page)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        stored = self._page_for(request)
        if stored is None:
            return self.get_response(request)
        request.stored_page = stored
        return self.csrf(request)

    def _page_for(self, request: HttpRequest) -> tuple | None:
        """The stored page (content, content type) this request may have, or None."""
        if (
            settings.STORE_PAGE_CACHE_SECONDS <= 0
            or request.method != "GET"
            or settings.SESSION_COOKIE_NAME in request.COOKIES
            or "messages" in request.COOKIES
        ):
            return None
        params = _page_params(get_urlconf() or settings.ROOT_URLCONF, request.path_info)
        if params is None:
            return None
        query = _query_read_by_page(request.GET, params)
        return _stored_page(_page_key(request.path, query, get_language()))

    def _page(self, request: HttpRequest) -> HttpResponse:
        content, content_type = request.stored_page
        response = HttpResponse(_with_csrf_token(request, content), content_type=content_type)
        response["X-Cache"] = "hit"
        response["X-Frame-Options"] = settings.X_FRAME_OPTIONS
        return response
