"""Catalog management in the Django admin: pages load for the roles that may use them, and
every save goes through the catalog services."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from backoffice.roles import Role
from storefront.catalog.models import Category, Product, ProductImage, Variant
from tests.accounts.factories import UserFactory
from tests.catalog.factories import (
    CategoryFactory,
    ProductFactory,
    image_file,
    png_declaring_size,
    product_image,
)

pytestmark = pytest.mark.django_db

ENGLISH = {"accept-language": "en"}
CHANGELIST = reverse("admin:catalog_product_changelist")
ADD = reverse("admin:catalog_product_add")

# Whatever the number of products: session, user, permissions, whether the user owes a second
# factor, then the page's own reads (the changelist: filter choices, count, one page with
# category and brand joined).
CHANGELIST_QUERIES = 9
CHANGE_PAGE_QUERIES = 8


def change_url(product: Product) -> str:
    return reverse("admin:catalog_product_change", args=[product.pk])


@pytest.fixture
def superuser_client(client):
    """Variants and images are raw data no role edits yet, so their inlines need a superuser."""
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def product_form(category: Category, **fields) -> dict:
    """The product admin form as the browser posts it, with empty variant and image inlines."""
    return {
        "name": "Camiseta básica",
        "slug": "camiseta-basica",
        "category": category.pk,
        "brand": "",
        "description": "<p>Algodão</p>",
        "is_published": "on",
        "seo_title": "",
        "seo_description": "",
        **inline_management("variants"),
        **inline_management("images"),
        **fields,
    }


def inline_management(prefix: str, total: int = 0, initial: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def variant_row(index: int = 0, **fields) -> dict:
    row = {
        "sku": "CAM-P-AZUL",
        "ean": "",
        "is_active": "on",
        "position": "0",
        "price": "49.90",
        "compare_at_price": "",
        "cost_price": "",
        "weight_grams": "200",
        "length_cm": "30.0",
        "width_cm": "20.0",
        "height_cm": "2.0",
        **fields,
    }
    return {f"variants-{index}-{name}": value for name, value in row.items()}


def image_row(index: int = 0, **fields) -> dict:
    row = {"image": image_file(1200, 900), "alt_text": "Frente", "position": "0", **fields}
    return {f"images-{index}-{name}": value for name, value in row.items()}


def form_errors(response) -> list[str]:
    """The messages shown on the product form and its inline rows."""
    errors = [
        message for messages in response.context["adminform"].form.errors.values() for message in messages
    ]
    for inline in response.context["inline_admin_formsets"]:
        errors += [
            message for form in inline.formset.errors for messages in form.values() for message in messages
        ]
    return errors


# Pages


def test_a_manager_sees_the_product_list(staff_client, django_assert_max_num_queries):
    # given
    client = staff_client(Role.MANAGER)
    ProductFactory.create_batch(30)
    # when
    with django_assert_max_num_queries(CHANGELIST_QUERIES):
        response = client.get(CHANGELIST)
    # then
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 30


def test_a_manager_sees_a_product_page(staff_client, django_assert_max_num_queries):
    # given
    client = staff_client(Role.MANAGER)
    product = ProductFactory(name="Camiseta básica")
    # when
    with django_assert_max_num_queries(CHANGE_PAGE_QUERIES):
        response = client.get(change_url(product))
    # then
    assert response.status_code == 200
    assert response.context["original"] == product


def test_the_product_list_searches_by_sku(staff_client):
    # given
    client = staff_client(Role.MANAGER)
    wanted = ProductFactory()
    ProductFactory()
    # when
    response = client.get(CHANGELIST, {"q": wanted.variants.get().sku})
    # then
    assert list(response.context["cl"].result_list) == [wanted]


def test_a_superuser_sees_the_product_page_with_its_inlines(superuser_client):
    # given
    product = ProductFactory()
    product_image(product)
    # when
    response = superuser_client.get(change_url(product))
    # then
    assert response.status_code == 200
    assert [inline.formset.prefix for inline in response.context["inline_admin_formsets"]] == [
        "variants",
        "images",
    ]


# Saving


def test_a_manager_saves_a_product_through_the_services(staff_client):
    # given
    client = staff_client(Role.MANAGER)
    category = CategoryFactory()
    # when
    response = client.post(ADD, product_form(category, description="<p>Oi</p><script>x()</script>"))
    # then
    assert response.status_code == 302
    product = Product.objects.get()
    assert product.description == "<p>Oi</p>"
    assert product.published_at is not None
    assert product.search_text == f"camiseta basica {category.name.lower()}"


def test_a_manager_adds_a_subcategory_with_its_tree_path(staff_client):
    # given
    client = staff_client(Role.MANAGER)
    clothing = CategoryFactory()
    # when
    response = client.post(
        reverse("admin:catalog_category_add"),
        {"name": "Camisetas", "slug": "camisetas", "parent": clothing.pk, "position": "0", "icon": ""},
    )
    # then
    assert response.status_code == 302
    shirts = Category.objects.get(slug="camisetas")
    assert (shirts.path, shirts.depth) == (f"/{clothing.pk}/{shirts.pk}/", 1)


@pytest.mark.parametrize("forged", ["' OR 1=1 --", "ç" * 1000, "99999999999999999999", "-1"])
def test_a_forged_parent_or_category_id_is_a_form_error_not_a_crash(staff_client, forged):
    # given
    client = staff_client(Role.MANAGER)
    category = CategoryFactory()
    # when
    subcategory = client.post(
        reverse("admin:catalog_category_add"),
        {"name": "Camisetas", "slug": "camisetas", "parent": forged, "position": "0", "icon": ""},
    )
    product = client.post(ADD, {**product_form(category), "category": forged, "brand": forged})
    # then
    assert (subcategory.status_code, product.status_code) == (200, 200)
    assert subcategory.context["adminform"].form.errors["parent"]
    assert set(product.context["adminform"].form.errors) == {"category", "brand"}
    assert list(Category.objects.all()) == [category] and not Product.objects.exists()


def test_saving_a_product_with_a_variant_and_an_image_goes_through_the_services(
    superuser_client, django_capture_on_commit_callbacks
):
    # given
    category = CategoryFactory()
    data = product_form(
        category,
        **inline_management("variants", total=1),
        **variant_row(price="49.90"),
        **inline_management("images", total=1),
        **image_row(),
    )
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = superuser_client.post(ADD, data)
    # then
    assert response.status_code == 302
    product = Product.objects.get()
    assert product.price_from == Decimal("49.90")
    assert product.main_image == product.images.get()
    assert set(product.main_image.thumbnails) == {"small", "card", "large"}


def test_a_superuser_saves_a_product_without_touching_its_inlines(superuser_client):
    # given
    product = ProductFactory(name="Camiseta")
    # when
    response = superuser_client.post(
        change_url(product), product_form(product.category, name="Camiseta polo", slug=product.slug)
    )
    # then
    assert response.status_code == 302
    assert Product.objects.get(pk=product.pk).name == "Camiseta polo"


def test_replacing_a_picture_in_the_admin_stores_the_new_file(superuser_client):
    # given
    product = ProductFactory()
    variant = product.variants.get()
    image = product_image(product, file=image_file(1200, 900))
    data = product_form(
        product.category,
        slug=product.slug,
        **inline_management("variants", total=1, initial=1),
        **variant_row(id=variant.pk, product=product.pk, sku=variant.sku, price="99.90"),
        **inline_management("images", total=1, initial=1),
        **image_row(id=image.pk, product=product.pk, image=image_file(900, 900, name="nova.jpg")),
    )
    # when
    superuser_client.post(change_url(product), data)
    # then
    assert (ProductImage.objects.get(pk=image.pk).width, ProductImage.objects.get(pk=image.pk).height) == (
        900,
        900,
    )


def test_a_tiny_picture_uploaded_in_the_admin_shows_the_reason(superuser_client):
    # given
    category = CategoryFactory()
    data = product_form(
        category, **inline_management("images", total=1), **image_row(image=image_file(50, 50))
    )
    # when
    response = superuser_client.post(ADD, data, headers=ENGLISH)
    # then
    assert response.status_code == 200
    assert form_errors(response) == ["The picture is 50×50 pixels; each side needs at least 200."]
    assert "The picture is 50×50 pixels; each side needs at least 200." in response.content.decode()
    assert not Product.objects.exists()


def test_a_picture_over_the_pixel_limit_uploaded_in_the_admin_shows_the_reason(superuser_client):
    # given
    category = CategoryFactory()
    huge = SimpleUploadedFile("enorme.png", png_declaring_size(7_000, 7_000), content_type="image/png")
    data = product_form(category, **inline_management("images", total=1), **image_row(image=huge))
    # when
    response = superuser_client.post(ADD, data, headers=ENGLISH)
    # then
    assert form_errors(response) == ["The picture is 7000×7000 pixels; the limit is 40 million pixels."]
    assert not Product.objects.exists()


def test_a_bad_variant_in_the_admin_saves_nothing(superuser_client):
    # given
    category = CategoryFactory()
    data = product_form(
        category, **inline_management("variants", total=1), **variant_row(ean="4006381333932")
    )
    # when
    response = superuser_client.post(ADD, data, headers=ENGLISH)
    # then
    assert form_errors(response) == ["This EAN's check digit is wrong."]
    assert not Product.objects.exists()
    assert not Variant.objects.exists()


# Bulk actions


def test_a_manager_publishes_products_in_bulk(staff_client):
    # given
    client = staff_client(Role.MANAGER)
    drafts = ProductFactory.create_batch(2, is_published=False)
    # when
    response = client.post(
        CHANGELIST,
        {"action": "publish", "_selected_action": [p.pk for p in drafts], "index": "0"},
        headers=ENGLISH,
        follow=True,
    )
    # then
    assert [str(message) for message in response.context["messages"]] == ["2 products published."]
    assert Product.objects.filter(is_published=True, published_at__isnull=False).count() == 2


def test_a_manager_unpublishes_one_product(staff_client):
    # given
    client = staff_client(Role.MANAGER)
    product, other = ProductFactory.create_batch(2)
    # when
    response = client.post(
        CHANGELIST,
        {"action": "unpublish", "_selected_action": [product.pk], "index": "0"},
        headers=ENGLISH,
        follow=True,
    )
    # then
    assert [str(message) for message in response.context["messages"]] == ["1 product unpublished."]
    assert list(Product.objects.published()) == [other]


# Wrong role


def test_warehouse_staff_cannot_change_a_product(staff_client):
    # given
    client = staff_client(Role.WAREHOUSE)
    product = ProductFactory(name="Camiseta")
    # when
    response = client.post(
        change_url(product), product_form(product.category, name="Outro", slug=product.slug)
    )
    # then
    assert response.status_code == 403
    assert Product.objects.get(pk=product.pk).name == "Camiseta"


def test_warehouse_staff_cannot_add_a_product(staff_client):
    # given
    client = staff_client(Role.WAREHOUSE)
    # when
    response = client.post(ADD, product_form(CategoryFactory()))
    # then
    assert response.status_code == 403
    assert not Product.objects.exists()


def test_warehouse_staff_cannot_publish_in_bulk(staff_client):
    # given
    client = staff_client(Role.WAREHOUSE)
    draft = ProductFactory(is_published=False)
    # when
    response = client.post(
        CHANGELIST, {"action": "publish", "_selected_action": [draft.pk], "index": "0"}, headers=ENGLISH
    )
    # then
    assert response.status_code == 200  # the admin redraws the list: the action is not offered
    assert not Product.objects.get(pk=draft.pk).is_published


def test_warehouse_staff_may_look_at_a_product(staff_client):
    # given
    client = staff_client(Role.WAREHOUSE)
    product = ProductFactory()
    # when
    response = client.get(change_url(product))
    # then
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
