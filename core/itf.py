"""Interleaved 2 of 5, the barcode printed on boletos, drawn as SVG."""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

# Narrow (n) and wide (w) elements of each digit.
PATTERNS = {
    "0": "nnwwn",
    "1": "wnnnw",
    "2": "nwnnw",
    "3": "wwnnn",
    "4": "nnwnw",
    "5": "wnwnn",
    "6": "nwwnn",
    "7": "nnnww",
    "8": "wnnwn",
    "9": "nwnwn",
}
START, STOP = "nnnn", "wnn"
NARROW, WIDE, HEIGHT = 1, 3, 50


def itf_svg(digits: str) -> SafeString:
    """An SVG of the digits (an even count) as ITF bars: pairs of digits share five bars and
    the five spaces between them. The markup is built with escaping, ready for a template."""
    if len(digits) % 2 or not digits.isdigit():
        raise ValueError("ITF encodes an even number of digits")
    elements = START
    for first, second in zip(digits[::2], digits[1::2], strict=True):
        elements += "".join(bar + space for bar, space in zip(PATTERNS[first], PATTERNS[second], strict=True))
    elements += STOP
    x, bars = 0, []
    for index, element in enumerate(elements):
        width = WIDE if element == "w" else NARROW
        if index % 2 == 0:  # bars and spaces alternate, starting with a bar
            bars.append((x, width, HEIGHT))
        x += width
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" preserveAspectRatio="none" '
        'role="img" aria-label="{}">{}</svg>',
        x,
        HEIGHT,
        digits,
        format_html_join("", '<rect x="{}" y="0" width="{}" height="{}"/>', bars),
    )
