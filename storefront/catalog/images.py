"""Product pictures: what we accept from staff, and the renditions pages use."""

import io
import warnings
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP"}
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000  # 40 megapixels: a big studio photo, far below a decompression bomb
MIN_SIDE = 200

# Renditions by name: the longest side in pixels. Cards use "card", the gallery "large",
# the gallery strip "small".
THUMBNAIL_SIZES = {"small": 160, "card": 480, "large": 1000}


def validate_product_image(file) -> None:
    """Refuse anything but a sane JPEG, PNG or WebP picture, with a message staff understand."""
    if file.size > MAX_FILE_BYTES:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s."),
            code="image_too_big",
            params={"size": filesizeformat(file.size), "limit": filesizeformat(MAX_FILE_BYTES)},
        )
    file.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as picture:
                picture_format, (width, height) = picture.format, picture.size
                if width * height > MAX_PIXELS:
                    raise _too_many_pixels(width, height)
                picture.verify()
            # verify() checks the structure only; decoding finds truncated or corrupt data.
            file.seek(0)
            with Image.open(file) as picture:
                picture.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ValidationError(
            _("The picture has too many pixels to be processed safely."), code="image_too_many_pixels"
        ) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ValidationError(_("The file is not an image or is damaged."), code="image_invalid") from error
    finally:
        file.seek(0)
    if picture_format not in ALLOWED_FORMATS:
        raise ValidationError(
            _("%(format)s pictures are not accepted; use JPEG, PNG or WebP."),
            code="image_format",
            params={"format": picture_format},
        )
    if min(width, height) < MIN_SIDE:
        raise ValidationError(
            _("The picture is %(width)s×%(height)s pixels; each side needs at least %(minimum)s."),
            code="image_too_small",
            params={"width": width, "height": height, "minimum": MIN_SIDE},
        )


def _too_many_pixels(width: int, height: int) -> ValidationError:
    return ValidationError(
        _("The picture is %(width)s×%(height)s pixels; the limit is %(limit)s million pixels."),
        code="image_too_many_pixels",
        params={"width": width, "height": height, "limit": MAX_PIXELS // 1_000_000},
    )


def render_thumbnails(*, storage: Storage, name: str) -> dict[str, dict]:
    """Write a WebP rendition per size beside the original; return size name → file, width, height."""
    stem = PurePosixPath(name).with_suffix("")
    renditions = {}
    with storage.open(name, "rb") as original, Image.open(original) as picture:
        has_alpha = picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info
        picture = picture.convert("RGBA" if has_alpha else "RGB")
        for size_name, longest_side in THUMBNAIL_SIZES.items():
            rendition = picture.copy()
            rendition.thumbnail((longest_side, longest_side), Image.Resampling.LANCZOS)
            buffer = io.BytesIO()
            rendition.save(buffer, format="WEBP", quality=82, method=4)
            saved = storage.save(f"{stem}-{size_name}.webp", ContentFile(buffer.getvalue()))
            renditions[size_name] = {"name": saved, "width": rendition.width, "height": rendition.height}
    return renditions
