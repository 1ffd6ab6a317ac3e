"""The anonymous page cache, through small views decorated here and served by this module's URLs."""

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.template import engines
from django.template.response import TemplateResponse
from django.test import Client
from django.urls import path
from django.utils.translation import get_language

from storefront.catalog.cache import cache_anonymous_page
from storefront.catalog.models import Product
from storefront.catalog.services import product_save
from tests.accounts.factories import UserFactory
from tests.catalog.factories import ProductFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.catalog.test_cache")]


@cache_anonymous_page(params=("pagina", "cor"))
def product_names_view(request: HttpRequest) -> HttpResponse:
    names = ", ".join(Product.objects.order_by("name").values_list("name", flat=True))
    return HttpResponse(f"<p>{get_language()}: {names}{request.GET.urlencode()}</p>")


@cache_anonymous_page(params=("pagina",))
def full_path_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f"<a href='{request.get_full_path()}'>")


@cache_anonymous_page()
def template_view(request: HttpRequest) -> TemplateResponse:
    template = engines["django"].from_string("<p>{{ count }} produtos</p>")
    return TemplateResponse(request, template, {"count": Product.objects.count()})


@cache_anonymous_page()
def missing_view(request: HttpRequest) -> HttpResponse:
    return HttpResponseNotFound(f"<p>{Product.objects.count()}</p>")


@cache_anonymous_page()
def feed_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("<urlset></urlset>", content_type="application/xml")


@cache_anonymous_page()
def form_view(request: HttpRequest) -> TemplateResponse:
    template = engines["django"].from_string('<form method="post" action="/enviar/">{% csrf_token %}</form>')
    return TemplateResponse(request, template, {})


def post_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


urlpatterns = [
    path("produtos/", product_names_view),
    path("modelo/", template_view),
    path("caminho/", full_path_view),
    path("sumiu/", missing_view),
    path("feed.xml", feed_view),
    path("formulario/", form_view),
    path("enviar/", post_view),
]


@pytest.fixture(autouse=True)
def page_cache(settings):
    """A cache of this module's own, emptied before each test."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "catalog-page-cache-tests",
        }
    }
    cache.clear()


def test_an_anonymous_page_is_served_from_the_cache_the_second_time(client):
    # given
    ProductFactory(name="Camiseta")
    first = client.get("/produtos/")
    # when
    second = client.get("/produtos/")
    # then
    assert "X-Cache" not in first
    assert second["X-Cache"] == "hit"
    assert second.content == first.content == b"<p>pt-br: Camiseta</p>"


def test_a_cached_page_runs_no_query(client, django_assert_num_queries):
    # given
    ProductFactory()
    client.get("/produtos/")
    # when
    with django_assert_num_queries(0):
        response = client.get("/produtos/")
    # then
    assert response["X-Cache"] == "hit"


def test_a_cached_page_stays_until_the_catalog_changes(client):
    # given a cached page, and a product written without committing
    ProductFactory(name="Camiseta")
    client.get("/produtos/")
    ProductFactory(name="Bermuda")
    # when
    response = client.get("/produtos/")
    # then
    assert response.content == b"<p>pt-br: Camiseta</p>"


def test_a_committed_catalog_change_drops_the_cached_page(client, django_capture_on_commit_callbacks):
    # given
    product = ProductFactory(name="Camiseta")
    client.get("/produtos/")
    # when
    with django_capture_on_commit_callbacks(execute=True):
        product.name = "Camiseta polo"
        product_save(product=product)
    response = client.get("/produtos/")
    # then
    assert "X-Cache" not in response
    assert response.content == b"<p>pt-br: Camiseta polo</p>"


def test_a_logged_in_shopper_never_gets_a_cached_page(client):
    # given a page cached for anonymous visitors
    ProductFactory(name="Camiseta")
    client.get("/produtos/")
    ProductFactory(name="Bermuda")
    client.force_login(UserFactory())
    # when
    response = client.get("/produtos/")
    # then
    assert "X-Cache" not in response
    assert response.content == b"<p>pt-br: Bermuda, Camiseta</p>"


def test_a_logged_in_shopper_never_fills_the_cache(client):
    # given
    client.force_login(UserFactory())
    client.get("/produtos/")
    client.get("/produtos/")
    client.logout()
    # when
    response = client.get("/produtos/")
    # then
    assert "X-Cache" not in response


def test_a_cached_hit_sets_the_csrf_cookie(client):
    # given a page another visitor already cached
    client.get("/produtos/")
    client.cookies.clear()
    # when
    response = client.get("/produtos/")
    # then
    assert response["X-Cache"] == "hit"
    assert response.cookies[django_settings.CSRF_COOKIE_NAME].value


def test_the_parameters_the_page_reads_are_part_of_the_key(client):
    # given
    client.get("/produtos/?pagina=1")
    # when
    response = client.get("/produtos/?pagina=2")
    # then
    assert "X-Cache" not in response


def test_junk_parameters_make_no_new_cache_entry_and_never_reach_the_page(client):
    # given
    first = client.get("/produtos/?cor=azul&pagina=2")
    # when
    responses = [client.get(f"/produtos/?pagina=2&utm={n}&cor=azul") for n in range(300)]
    # then
    assert {response["X-Cache"] for response in responses} == {"hit"}
    assert first.content == b"<p>pt-br: cor=azul&pagina=2</p>"
    assert len(cache._cache) == 2  # the catalog version and one page


def test_a_junk_parameter_never_reaches_links_on_the_cached_page(client):
    # given
    client.get("/caminho/?utm=EVIL&pagina=2")
    # when
    response = client.get("/caminho/?pagina=2")
    # then
    assert response["X-Cache"] == "hit"
    assert response.content == b"<a href='/caminho/?pagina=2'>"


def test_a_junk_parameter_alone_gets_the_plain_page(client):
    # given
    client.get("/produtos/")
    # when
    response = client.get("/produtos/?x=%3Cscript%3E")
    # then
    assert response["X-Cache"] == "hit"
    assert response.content == b"<p>pt-br: </p>"


def test_each_language_has_its_own_cached_page(client):
    # given
    client.get("/produtos/", headers={"accept-language": "pt-br"})
    # when
    response = client.get("/produtos/", headers={"accept-language": "en"})
    # then
    assert "X-Cache" not in response
    assert response.content.startswith(b"<p>en:")


def test_a_post_is_never_cached(client):
    # given
    client.post("/produtos/")
    # when
    response = client.post("/produtos/")
    # then
    assert "X-Cache" not in response


def test_a_visitor_with_a_pending_message_gets_a_fresh_page(client):
    # given
    client.get("/produtos/")
    client.cookies["messages"] = "pending"
    # when
    response = client.get("/produtos/")
    # then
    assert "X-Cache" not in response


def test_an_error_page_is_not_cached(client):
    # given
    client.get("/sumiu/")
    ProductFactory()
    # when
    response = client.get("/sumiu/")
    # then
    assert response.status_code == 404
    assert response.content == b"<p>1</p>"


def test_a_template_response_is_rendered_and_cached(client):
    # given
    ProductFactory.create_batch(2)
    client.get("/modelo/")
    # when
    response = client.get("/modelo/")
    # then
    assert response["X-Cache"] == "hit"
    assert response.content == b"<p>2 produtos</p>"


def test_a_cached_hit_keeps_the_content_type(client):
    # given
    client.get("/feed.xml")
    # when
    response = client.get("/feed.xml")
    # then
    assert response["X-Cache"] == "hit"
    assert response["Content-Type"] == "application/xml"


# Served before authentication and the view: visitors with no session cookie


def test_a_visitor_with_no_session_is_served_before_authentication_and_the_view_run(client):
    # given a page cached by another visitor
    ProductFactory(name="Camiseta")
    client.get("/produtos/")
    client.cookies.clear()
    # when
    response = client.get("/produtos/")
    # then the stored page went out before authentication looked for a user
    assert response["X-Cache"] == "hit"
    assert response.content == b"<p>pt-br: Camiseta</p>"
    assert not hasattr(response.wsgi_request, "user")


def test_a_visitor_with_a_session_gets_the_same_cached_page_from_the_view(client):
    # given a page cached, and an anonymous visitor whose cart opened a session
    ProductFactory(name="Camiseta")
    client.get("/produtos/")
    client.cookies[django_settings.SESSION_COOKIE_NAME] = "a-session"
    # when
    response = client.get("/produtos/")
    # then the view served it, past authentication
    assert response["X-Cache"] == "hit"
    assert response.content == b"<p>pt-br: Camiseta</p>"
    assert response.wsgi_request.user.is_anonymous


def test_a_page_served_early_has_the_headers_of_one_served_by_the_view(client):
    # given
    client.get("/produtos/?pagina=2", headers={"accept-language": "en"})
    client.cookies.clear()
    early = client.get("/produtos/?pagina=2&utm=x", headers={"accept-language": "en"})
    client.cookies.clear()
    client.cookies[django_settings.SESSION_COOKIE_NAME] = "a-session"
    # when
    by_view = client.get("/produtos/?pagina=2&utm=x", headers={"accept-language": "en"})
    # then
    assert not hasattr(early.wsgi_request, "user") and hasattr(by_view.wsgi_request, "user")
    for header in ("X-Cache", "Content-Type", "Content-Language", "X-Frame-Options", "Vary"):
        assert early[header] == by_view[header], header
    assert early["Content-Language"] == "en"
    assert early.content == by_view.content == b"<p>en: pagina=2</p>"


def test_the_csrf_token_of_a_page_served_early_lets_its_form_post():
    # given a form page cached by another visitor
    Client().get("/formulario/")
    visitor = Client(enforce_csrf_checks=True)
    # when a new visitor gets it and posts its form
    page = visitor.get("/formulario/")
    token = page.content.decode().split('value="')[1].split('"')[0]
    response = visitor.post("/enviar/", {"csrfmiddlewaretoken": token})
    # then
    assert page["X-Cache"] == "hit" and not hasattr(page.wsgi_request, "user")
    assert response.status_code == 200


def test_a_page_no_one_cached_yet_goes_down_to_the_view(client):
    # when
    response = client.get("/produtos/")
    # then
    assert "X-Cache" not in response
    assert response.wsgi_request.user.is_anonymous


def test_a_request_with_text_the_store_cannot_keep_is_refused_though_its_page_is_cached(client):
    # given
    client.get("/produtos/")
    # when
    response = client.get("/produtos/", HTTP_USER_AGENT="bot\x00")
    # then
    assert response.status_code == 400


def test_the_page_cache_turned_off_serves_nothing_early(client, settings):
    # given
    client.get("/produtos/")
    settings.STORE_PAGE_CACHE_SECONDS = 0
    # when
    response = client.get("/produtos/")
    # then
    assert "X-Cache" not in response
