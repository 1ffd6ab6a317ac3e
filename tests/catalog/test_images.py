import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from storefront.catalog.images import MAX_FILE_BYTES, validate_product_image
from storefront.catalog.models import Product, ProductImage
from storefront.catalog.services import (
    pictures,
    product_image_add,
    product_image_delete,
    product_image_make_thumbnails,
    product_image_update,
)
from tests.catalog.factories import ProductFactory, image_bytes, image_file, png_declaring_size, product_image

pytestmark = pytest.mark.django_db

NBSP = "\N{NO-BREAK SPACE}"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def refusal(file) -> ValidationError:
    with pytest.raises(ValidationError) as error:
        validate_product_image(file)
    return error.value


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


# What staff may upload


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP"])
def test_a_sane_picture_is_accepted(image_format):
    # given / when / then
    validate_product_image(image_file(800, 600, image_format))


def test_the_file_is_rewound_after_the_check():
    # given
    file = image_file()
    # when
    validate_product_image(file)
    # then
    assert file.tell() == 0


def test_a_picture_of_exactly_the_minimum_size_is_accepted():
    # given / when / then
    validate_product_image(image_file(200, 200))


def test_a_text_file_is_refused():
    # given / when
    error = refusal(upload("foto.jpg", b"isto nao e uma imagem\n" * 20))
    # then
    assert error.messages == ["The file is not an image or is damaged."]
    assert error.code == "image_invalid"


def test_a_gif_is_refused():
    # given / when
    error = refusal(image_file(800, 600, "GIF"))
    # then
    assert error.messages == ["GIF pictures are not accepted; use JPEG, PNG or WebP."]
    assert error.code == "image_format"


def test_a_truncated_png_is_refused():
    # given
    data = image_bytes(800, 600, "PNG")
    # when
    error = refusal(upload("foto.png", data[: len(data) // 2]))
    # then
    assert error.messages == ["The file is not an image or is damaged."]


def test_a_truncated_jpeg_is_refused():
    # given the first half of a real JPEG
    data = image_bytes(800, 600, "JPEG")
    # when
    error = refusal(upload("foto.jpg", data[: len(data) // 2]))
    # then
    assert error.messages == ["The file is not an image or is damaged."]


def test_a_file_over_10_mb_is_refused():
    # given a picture padded past the limit
    file = upload("foto.jpg", image_bytes() + b"\0" * MAX_FILE_BYTES)
    # when
    error = refusal(file)
    # then
    assert error.messages == [f"The file is 10.0{NBSP}MB; the limit is 10.0{NBSP}MB."]
    assert error.code == "image_too_big"


def test_a_tiny_picture_is_refused():
    # given / when
    error = refusal(image_file(50, 50))
    # then
    assert error.messages == ["The picture is 50×50 pixels; each side needs at least 200."]
    assert error.code == "image_too_small"


def test_a_picture_one_pixel_short_of_the_minimum_is_refused():
    # given / when
    error = refusal(image_file(800, 199))
    # then
    assert error.messages == ["The picture is 800×199 pixels; each side needs at least 200."]


def test_a_decompression_bomb_is_refused():
    # given a 48-byte PNG whose header declares 20000 by 20000 pixels (400 million)
    bomb = upload("bomba.png", png_declaring_size(20_000, 20_000))
    # when
    error = refusal(bomb)
    # then
    assert error.messages == ["The picture has too many pixels to be processed safely."]
    assert error.code == "image_too_many_pixels"


def test_a_picture_past_pillows_warning_threshold_is_refused_as_a_bomb():
    # given 100 million pixels: above Pillow's warning level, below its hard limit
    bomb = upload("bomba.png", png_declaring_size(10_000, 10_000))
    # when
    error = refusal(bomb)
    # then
    assert error.messages == ["The picture has too many pixels to be processed safely."]


def test_a_picture_over_the_store_pixel_limit_is_refused():
    # given 49 million pixels: Pillow would decode it, the store does not
    huge = upload("enorme.png", png_declaring_size(7_000, 7_000))
    # when
    error = refusal(huge)
    # then
    assert error.messages == ["The picture is 7000×7000 pixels; the limit is 40 million pixels."]
    assert error.code == "image_too_many_pixels"


# Adding pictures


def test_product_image_add_stores_the_picture_and_its_size():
    # given
    product = ProductFactory()
    # when
    image = product_image_add(product=product, file=image_file(1200, 900), alt_text="Frente")
    # then
    stored = ProductImage.objects.get(pk=image.pk)
    assert (stored.width, stored.height, stored.alt_text) == (1200, 900, "Frente")
    assert default_storage.exists(stored.image.name)


def test_the_first_picture_becomes_the_main_image():
    # given
    product = ProductFactory()
    # when
    image = product_image(product)
    # then
    assert Product.objects.get(pk=product.pk).main_image == image


def test_the_main_image_is_the_first_by_position():
    # given
    product = ProductFactory()
    product_image(product, position=2)
    # when
    first = product_image(product, position=1)
    # then
    assert Product.objects.get(pk=product.pk).main_image == first


def test_moving_a_picture_first_makes_it_the_main_image():
    # given
    product = ProductFactory()
    product_image(product, position=1)
    back = product_image(product, position=2)
    # when
    back.position = 0
    product_image_update(image=back)
    # then
    assert Product.objects.get(pk=product.pk).main_image == back


def test_deleting_the_main_image_promotes_the_next_one():
    # given
    product = ProductFactory()
    main = product_image(product, position=1)
    second = product_image(product, position=2)
    # when
    product_image_delete(image=main)
    # then
    assert Product.objects.get(pk=product.pk).main_image == second


def test_a_refused_picture_stores_nothing():
    # given
    product = ProductFactory()
    # when
    with pytest.raises(ValidationError) as error:
        product_image_add(product=product, file=image_file(50, 50))
    # then
    assert error.value.messages == ["The picture is 50×50 pixels; each side needs at least 200."]
    assert not ProductImage.objects.exists()
    assert Product.objects.get(pk=product.pk).main_image is None


# Thumbnails


def stored_picture(name: str) -> tuple[str, tuple[int, int]]:
    with default_storage.open(name, "rb") as file, Image.open(file) as picture:
        return picture.format, picture.size


def test_thumbnails_wait_for_the_commit(django_capture_on_commit_callbacks):
    # given
    product = ProductFactory()
    # when
    with django_capture_on_commit_callbacks(execute=False):
        image = product_image(product)
    # then
    assert ProductImage.objects.get(pk=image.pk).thumbnails == {}


def test_the_thumbnail_task_renders_every_size_after_commit(django_capture_on_commit_callbacks):
    # given
    product = ProductFactory()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        image = product_image(product, file=image_file(1200, 900))
    # then
    thumbnails = ProductImage.objects.get(pk=image.pk).thumbnails
    sizes = {name: (thumbnail["width"], thumbnail["height"]) for name, thumbnail in thumbnails.items()}
    assert sizes == {"small": (160, 120), "card": (480, 360), "large": (1000, 750)}
    assert {name: stored_picture(thumbnail["name"]) for name, thumbnail in thumbnails.items()} == {
        "small": ("WEBP", (160, 120)),
        "card": ("WEBP", (480, 360)),
        "large": ("WEBP", (1000, 750)),
    }


def test_thumbnails_are_never_larger_than_the_original(django_capture_on_commit_callbacks):
    # given
    product = ProductFactory()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        image = product_image(product, file=image_file(600, 300))
    # then
    thumbnails = ProductImage.objects.get(pk=image.pk).thumbnails
    assert (thumbnails["large"]["width"], thumbnails["large"]["height"]) == (600, 300)


def transparent_png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGBA", (400, 400), (0, 0, 0, 0)).save(buffer, format="PNG")
    return SimpleUploadedFile("recorte.png", buffer.getvalue())


def test_thumbnails_of_a_transparent_png_are_rendered(django_capture_on_commit_callbacks):
    # given
    product = ProductFactory()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        image = product_image(product, file=transparent_png())
    # then
    card = ProductImage.objects.get(pk=image.pk).thumbnails["card"]
    assert stored_picture(card["name"]) == ("WEBP", (400, 400))


def test_transparent_parts_of_a_png_do_not_turn_black_in_thumbnails(django_capture_on_commit_callbacks):
    # given a cut-out product photo: fully transparent around the product
    product = ProductFactory()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        image = product_image(product, file=transparent_png())
    # then: shown on the white page, the corner is white
    card = ProductImage.objects.get(pk=image.pk).thumbnails["card"]
    with default_storage.open(card["name"], "rb") as file, Image.open(file) as picture:
        on_page = Image.alpha_composite(Image.new("RGBA", picture.size, "white"), picture.convert("RGBA"))
    assert on_page.getpixel((0, 0)) == (255, 255, 255, 255)


def test_making_thumbnails_twice_renders_nothing_the_second_time(
    monkeypatch, django_capture_on_commit_callbacks
):
    # given an image whose thumbnails exist
    with django_capture_on_commit_callbacks(execute=True):
        image = product_image(ProductFactory())
    done = ProductImage.objects.get(pk=image.pk)

    def render_again(**kwargs):
        raise AssertionError("thumbnails rendered twice")

    monkeypatch.setattr(pictures, "render_thumbnails", render_again)
    # when
    result = product_image_make_thumbnails(image_id=image.pk)
    # then
    after = ProductImage.objects.get(pk=image.pk)
    assert result.thumbnails == done.thumbnails
    assert (after.thumbnails, after.updated_at) == (done.thumbnails, done.updated_at)


def test_making_thumbnails_of_a_deleted_image_does_nothing():
    # given
    image = product_image(ProductFactory())
    image_id = image.pk
    product_image_delete(image=image)
    # when
    result = product_image_make_thumbnails(image_id=image_id)
    # then
    assert result is None


def test_a_rendition_falls_back_to_the_original_before_thumbnails_exist():
    # given
    image = product_image(ProductFactory(), file=image_file(1200, 900))
    # when
    rendition = ProductImage.objects.get(pk=image.pk).rendition("card")
    # then
    assert rendition == {"url": image.image.url, "width": 1200, "height": 900}


def test_a_rendition_uses_the_thumbnail_once_it_exists(django_capture_on_commit_callbacks):
    # given
    with django_capture_on_commit_callbacks(execute=True):
        image = product_image(ProductFactory(), file=image_file(1200, 900))
    stored = ProductImage.objects.get(pk=image.pk)
    # when
    rendition = stored.rendition("card")
    # then
    assert rendition == {
        "url": default_storage.url(stored.thumbnails["card"]["name"]),
        "width": 480,
        "height": 360,
    }
    assert rendition["url"].endswith("-card.webp")
