"""Product pictures for the demo store, drawn with Pillow: no downloads, same seed, same picture."""

import io
import random
import textwrap
import unicodedata
from functools import cache

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw, ImageFont

PICTURE_SIDE = 600
JPEG_QUALITY = 85

BACKGROUNDS = ("#f6efe6", "#eef3f8", "#f3f0f7", "#eef6f0", "#fbf3e4", "#f7eeee", "#eef4f4", "#f2f2f2")
ACCENTS = ("#1e3557", "#c0392b", "#2f7d4a", "#6e1f3a", "#2e6fd8", "#c9a43b", "#e46a9b", "#3c4048", "#0f7c8c")
SMALL_WORDS = {"a", "o", "e", "de", "da", "do", "das", "dos", "com", "para", "em", "sem", "à"}
# Fonts with the Portuguese accents, found in the usual system folders; Pillow's own font
# lacks some (ç), so the caption loses its accents when none of these is installed.
FONT_FILES = ("DejaVuSans.ttf", "LiberationSans-Regular.ttf", "Arial.ttf")


def product_picture(*, name: str, slug: str, seed: int, index: int = 0, colour: str = "") -> ContentFile:
    """A square JPEG for a product: a tinted background, a simple shape in the product's
    colour (or one of the palette's), its initials and its name underneath.

    `index` varies the shape so that a product's pictures are told apart in the gallery.
    """
    rng = random.Random(f"{seed}:{slug}:{index}")  # noqa: S311 - a picture, not a secret
    side = PICTURE_SIDE
    accent = _rgb(colour) if colour else _rgb(rng.choice(ACCENTS))
    background = _rgb(rng.choice(BACKGROUNDS))
    picture = Image.new("RGB", (side, side), background)
    draw = ImageDraw.Draw(picture)
    centre, radius = side // 2, side // 3
    box = (centre - radius, centre - radius - 40, centre + radius, centre + radius - 40)
    if index % 3 == 0:
        draw.ellipse(box, fill=accent, outline=_shade(accent, 0.7), width=8)
    elif index % 3 == 1:
        draw.rounded_rectangle(box, radius=48, fill=accent, outline=_shade(accent, 0.7), width=8)
    else:
        for offset in range(-side, side, 60):
            draw.line([(offset, side), (offset + side, 0)], fill=_mix(accent, background, 0.15), width=18)
        draw.regular_polygon(
            (centre, centre - 40, radius),
            n_sides=6,
            rotation=rng.randint(0, 60),
            fill=accent,
            outline=_shade(accent, 0.7),
            width=8,
        )
    draw.text((centre, centre - 40), _initials(name), font=_font(150)[0], fill=_ink_for(accent), anchor="mm")
    draw.rectangle((0, side - 120, side, side), fill=(255, 255, 255))
    caption = textwrap.shorten(name, width=34, placeholder="...")
    font, has_accents = _font(30)
    if not has_accents:
        caption = "".join(
            char for char in unicodedata.normalize("NFKD", caption) if not unicodedata.combining(char)
        )
    draw.text((centre, side - 60), caption, font=font, fill=(60, 60, 60), anchor="mm")
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=False)
    return ContentFile(buffer.getvalue(), name=f"{slug}-{index + 1}.jpg")


def _initials(name: str) -> str:
    words = [word for word in name.split() if word.lower() not in SMALL_WORDS and word[0].isalpha()]
    return "".join(word[0] for word in words[:2]).upper() or "?"


@cache
def _font(size: int) -> tuple[ImageFont.FreeTypeFont | ImageFont.ImageFont, bool]:
    """A font of this size, and whether it draws accented letters."""
    for font_file in FONT_FILES:
        try:
            return ImageFont.truetype(font_file, size), True
        except OSError:
            continue
    return ImageFont.load_default(size=size), False


def _rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


def _shade(rgb: tuple[int, int, int], factor: float) -> tuple[int, int, int]:
    return tuple(max(0, min(255, int(channel * factor))) for channel in rgb)


def _mix(rgb: tuple[int, int, int], other: tuple[int, int, int], share: float) -> tuple[int, int, int]:
    """`share` of `rgb` over `other`: a pale tint for the stripes."""
    return tuple(int(a * share + b * (1 - share)) for a, b in zip(rgb, other, strict=True))


def _ink_for(rgb: tuple[int, int, int]) -> tuple[int, int, int]:
    """White letters on dark shapes, dark letters on light ones."""
    red, green, blue = rgb
    return (33, 33, 33) if 0.299 * red + 0.587 * green + 0.114 * blue > 160 else (255, 255, 255)
