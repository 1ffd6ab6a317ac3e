import unicodedata

import nh3

# What staff may use in product descriptions.
DESCRIPTION_TAGS = {
    "p",
    "br",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "ul",
    "ol",
    "li",
    "h3",
    "h4",
    "a",
    "table",
    "tr",
    "td",
    "th",
}


def unaccent(text: str) -> str:
    """`Calça Térmica` -> `calca termica`: the form search compares."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).lower()


def clean_description(html: str) -> str:
    """Keep the formatting staff may use; drop scripts, styles and every other tag."""
    return nh3.clean(
        html, tags=DESCRIPTION_TAGS, attributes={"a": {"href", "title"}}, link_rel="nofollow noopener"
    )
