import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext, pgettext

from orders.models import Order
from storefront.catalog import views as catalog_views
from storefront.catalog.cache import catalog_version_bump
from storefront.catalog.models import Product
from storefront.reviews import views
from storefront.reviews.models import Review
from storefront.reviews.selectors import PRODUCT_REVIEW_SUMMARY_QUERIES
from tests.accounts.factories import UserFactory
from tests.catalog.factories import CategoryFactory, ProductFactory
from tests.reviews.factories import received_line, review_row

pytestmark = pytest.mark.django_db

FORM = {"rating": "5", "title": "Excelente", "comment": "Ferve a água em dois minutos."}


@pytest.fixture(autouse=True)
def fresh_pages():
    """Pages cached by an earlier test must not answer this one."""
    catalog_version_bump()


def pt(message: str) -> str:
    """A text of the store as a Portuguese-speaking shopper reads it."""
    with translation.override("pt-br"):
        return gettext(message)


def form_url(product) -> str:
    return reverse("reviews:review-form", kwargs={"slug": product.slug})


# Writing


def test_a_customer_who_received_the_product_writes_a_review(client, customer):
    product = received_line(customer=customer).variant.product
    client.force_login(customer)
    response = client.post(form_url(product), FORM)
    assert response.status_code == 302
    review = Review.objects.get(customer=customer)
    assert (review.rating, review.title, review.status) == (5, "Excelente", Review.Status.PENDING)
    page = client.get(response.url).content.decode()
    with translation.override("pt-br"):
        assert (
            pgettext("review status", "Waiting for moderation") in page
        )  # the review waits, and may still be changed
    assert 'value="Excelente"' in page


def test_a_customer_cannot_review_a_product_they_did_not_receive(client, customer):
    product = received_line(customer=customer, status=Order.Status.SHIPPED).variant.product
    client.force_login(customer)
    assert client.get(form_url(product)).status_code == 403
    response = client.post(form_url(product), FORM)
    assert response.status_code == 403
    assert pt("You can review a product once you have received it.") in response.content.decode()
    assert not Review.objects.exists()


def test_someone_elses_delivery_does_not_let_a_customer_review(client, customer):
    product = received_line(customer=UserFactory()).variant.product
    client.force_login(customer)
    assert client.post(form_url(product), FORM).status_code == 403
    assert not Review.objects.exists()


def test_visitors_log_in_before_reviewing(client):
    product = ProductFactory()
    response = client.get(form_url(product))
    assert response.status_code == 302
    assert "login" in response.url


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("rating", "", "Choose from 1 to 5 stars."),
        ("rating", "9", "Choose from 1 to 5 stars."),
        ("title", "   ", "Give your review a title."),
        ("comment", " \n ", "Tell other shoppers what you thought of the product."),
        ("comment", "x" * 2001, "no máximo 2000 caracteres"),
    ],
)
def test_bad_input_shows_an_error_on_the_field_and_writes_nothing(client, customer, field, value, message):
    product = received_line(customer=customer).variant.product
    client.force_login(customer)
    response = client.post(form_url(product), FORM | {field: value})
    assert response.status_code == 200
    assert pt(message) in " ".join(response.context["form"].errors[field])
    assert not Review.objects.exists()


def test_a_published_review_is_shown_read_only(client, customer):
    review = review_row(customer=customer, status=Review.Status.APPROVED, title="Publicada")
    client.force_login(customer)
    response = client.get(form_url(review.product))
    assert response.context.get("form") is None
    assert 'data-testid="review-read-only"' in response.content.decode()
    client.post(form_url(review.product), FORM)
    review.refresh_from_db()
    assert review.title == "Publicada"


def test_a_rejected_review_shows_its_reason_to_its_author(client, customer):
    review = review_row(customer=customer, status=Review.Status.REJECTED)
    client.force_login(customer)
    assert "Fora do tema." in client.get(form_url(review.product)).content.decode()


# The order's page


def test_a_delivered_orders_page_leads_to_reviewing_its_products(client, customer):
    line = received_line(customer=customer)
    client.force_login(customer)
    order_page = client.get(reverse("checkout:order-detail", kwargs={"number": line.order.number}))
    review_list_url = reverse("reviews:order-review-list", kwargs={"number": line.order.number})
    assert review_list_url in order_page.content.decode()
    response = client.get(review_list_url)
    assert form_url(line.variant.product) in response.content.decode()


def test_an_order_not_delivered_offers_no_review(client, customer):
    line = received_line(customer=customer, status=Order.Status.SHIPPED)
    client.force_login(customer)
    order_page = client.get(reverse("checkout:order-detail", kwargs={"number": line.order.number}))
    assert 'data-testid="order-reviews"' not in order_page.content.decode()
    response = client.get(reverse("reviews:order-review-list", kwargs={"number": line.order.number}))
    assert form_url(line.variant.product) not in response.content.decode()


def test_another_customers_order_is_not_found(client, customer):
    line = received_line(customer=UserFactory())
    client.force_login(customer)
    response = client.get(reverse("reviews:order-review-list", kwargs={"number": line.order.number}))
    assert response.status_code == 404


def test_the_order_review_page_has_bounded_queries(client, customer, django_assert_max_num_queries):
    line = received_line(customer=customer)
    for _ in range(8):
        product = ProductFactory()
        line.order.lines.create(
            variant=product.variants.get(),
            product_name=product.name,
            sku=product.variants.get().sku,
            unit_price=Decimal("10.00"),
            quantity=1,
            line_total=Decimal("10.00"),
        )
        review_row(product=product, customer=customer)
    client.force_login(customer)
    with django_assert_max_num_queries(views.ORDER_REVIEW_QUERIES):
        response = client.get(reverse("reviews:order-review-list", kwargs={"number": line.order.number}))
    assert len(response.context["items"]) == 9


# The product page


def many_reviews(product, count: int) -> Product:
    for number in range(count):
        review_row(
            product=product, rating=5 - number % 3, status=Review.Status.APPROVED, title=f"Opinião {number}"
        )
    return Product.objects.get(pk=product.pk)


def test_the_product_page_shows_the_average_distribution_and_newest_reviews_in_bounded_queries(
    client, django_assert_max_num_queries
):
    product = many_reviews(ProductFactory(), 30)
    review_row(product=product, title="Ainda esperando")
    with django_assert_max_num_queries(catalog_views.PRODUCT_QUERIES + PRODUCT_REVIEW_SUMMARY_QUERIES):
        response = client.get(product.get_absolute_url())
    html = response.content.decode()
    assert 'data-testid="rating-average">4,0<' in html
    with translation.override("pt-br"):
        assert ngettext("%(counter)s review", "%(counter)s reviews", 30) % {"counter": 30} in html
    assert html.count('data-testid="review"') == 5
    assert "Opinião 29" in html
    assert "Ainda esperando" not in html
    assert reverse("reviews:product-review-list", kwargs={"slug": product.slug}) in html


def test_a_product_without_reviews_invites_the_first(client):
    product = ProductFactory()
    html = client.get(product.get_absolute_url()).content.decode()
    assert 'data-testid="no-reviews"' in html
    assert form_url(product) in html


def test_review_text_is_escaped_on_the_product_page(client):
    product = ProductFactory()
    review_row(
        product=product,
        status=Review.Status.APPROVED,
        title='<img src=x onerror="alert(1)">',
        comment="<script>alert('oi')</script>\nsegunda linha",
    )
    html = client.get(product.get_absolute_url()).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;oi&#x27;)&lt;/script&gt;<br>segunda linha" in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html


def test_a_moderation_shows_on_the_cached_product_page(client, settings):
    settings.STORE_PAGE_CACHE_SECONDS = 60
    product = ProductFactory()
    review = review_row(product=product, title="Chegou antes do prazo")
    assert "Chegou antes do prazo" not in client.get(product.get_absolute_url()).content.decode()
    from storefront.reviews.services import review_approve
    from tests.reviews.factories import MODERATOR

    review_approve(review_id=review.pk, actor=MODERATOR)
    # (the test database commits nothing, so the version bump is made by hand, as on commit)
    catalog_version_bump()
    assert "Chegou antes do prazo" in client.get(product.get_absolute_url()).content.decode()


# Every review of a product


def test_every_published_review_is_a_page_away_paginated_in_bounded_queries(
    client, django_assert_max_num_queries
):
    product = many_reviews(ProductFactory(), 25)
    url = reverse("reviews:product-review-list", kwargs={"slug": product.slug})
    with django_assert_max_num_queries(views.REVIEW_LIST_QUERIES):
        first = client.get(url)
    assert first.content.decode().count('data-testid="review"') == views.REVIEWS_PAGE_SIZE
    last = client.get(url, {"page": 3})
    assert last.content.decode().count('data-testid="review"') == 5
    assert "Opinião 0" in last.content.decode()


# Listings sorted by rating


def test_a_category_sorts_by_best_rating_then_by_number_of_reviews(client):
    category = CategoryFactory()
    unrated = ProductFactory(category=category, name="Sem avaliação")
    good = ProductFactory(category=category, name="Bom")
    best_few = ProductFactory(category=category, name="Ótimo com uma")
    best_many = ProductFactory(category=category, name="Ótimo com duas")
    review_row(product=good, rating=4, status=Review.Status.APPROVED)
    review_row(product=best_few, rating=5, status=Review.Status.APPROVED)
    for _ in range(2):
        review_row(product=best_many, rating=5, status=Review.Status.APPROVED)
    response = client.get(category.get_absolute_url(), {"sort": "rating"})
    assert [product.pk for product in response.context["products"]] == [
        best_many.pk,
        best_few.pk,
        good.pk,
        unrated.pk,
    ]
    assert f'<option value="rating" selected>{pt("Best rated")}</option>' in response.content.decode()


# Structured data


def json_ld(html: str) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match, "no JSON-LD on the page"
    return json.loads(match.group(1))


def test_the_product_page_carries_schema_org_product_data(client):
    product = ProductFactory(name="Chaleira", price=Decimal("150.00"), stock=3)
    review_row(product=product, rating=4, status=Review.Status.APPROVED, title="Boa")
    review_row(product=product, rating=5, status=Review.Status.APPROVED, title="Ótima")
    data = json_ld(client.get(product.get_absolute_url()).content.decode())
    assert data["@type"] == "Product"
    assert data["name"] == "Chaleira"
    assert data["sku"] == product.variants.get().sku
    assert data["url"] == f"http://testserver{product.get_absolute_url()}"
    assert data["description"] == "Um produto de teste."
    assert data["offers"] == {
        "@type": "Offer",
        "priceCurrency": "BRL",
        "price": "150.00",
        "availability": "https://schema.org/InStock",
        "itemCondition": "https://schema.org/NewCondition",
        "url": data["url"],
    }
    assert data["aggregateRating"] == {
        "@type": "AggregateRating",
        "ratingValue": "4.50",
        "reviewCount": 2,
        "bestRating": 5,
        "worstRating": 1,
    }
    assert [review["name"] for review in data["review"]] == ["Ótima", "Boa"]
    assert data["review"][0]["reviewRating"]["ratingValue"] == 5


def test_a_sold_out_product_is_out_of_stock_and_has_no_rating_without_reviews(client):
    product = ProductFactory(stock=0)
    data = json_ld(client.get(product.get_absolute_url()).content.decode())
    assert data["offers"]["availability"] == "https://schema.org/OutOfStock"
    assert "aggregateRating" not in data
    assert "review" not in data


def test_product_and_review_text_cannot_close_the_structured_data_script(client):
    product = ProductFactory(name="Chaleira </script><script>alert(1)</script>")
    review_row(
        product=product, status=Review.Status.APPROVED, title="</script><b>x</b>", comment="<!-- & -->"
    )
    html = client.get(product.get_absolute_url()).content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert "<" not in block and ">" not in block and "&" not in block.replace("\\u0026", "")
    data = json.loads(block)
    assert data["name"] == "Chaleira </script><script>alert(1)</script>"
    assert data["review"][0]["name"] == "</script><b>x</b>"
    assert data["review"][0]["reviewBody"] == "<!-- & -->"
