"""Interleaved 2 of 5, the barcode printed on boletos, drawn as SVG."""

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


def itf_svg(digits: str) -> str:
    """An SVG of the digits (an even count) as ITF bars: pairs of digits share five bars and
    the five spaces between them."""
    if len(digits) % 2 or not digits.isdigit():
        raise ValueError("ITF encodes an even number of digits")
    elements = START
    for first, second in zip(digits[::2], digits[1::2], strict=True):
        elements += "".join(bar + space for bar, space in zip(PATTERNS[first], PATTERNS[second], strict=True))
    elements += STOP
    x, rects = 0, []
    for index, element in enumerate(elements):
        width = WIDE if element == "w" else NARROW
        if index % 2 == 0:  # bars and spaces alternate, starting with a bar
            rects.append(f'<rect x="{x}" y="0" width="{width}" height="{HEIGHT}"/>')
        x += width
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {x} {HEIGHT}" preserveAspectRatio="none" '
        f'role="img" aria-label="{digits}">{"".join(rects)}</svg>'
    )
