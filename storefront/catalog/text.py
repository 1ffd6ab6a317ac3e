import re
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


WORD = re.compile(r"[a-z0-9]+")
SEARCH_WORD_MIN_LENGTH = 3
SEARCH_WORD_MAX_LENGTH = 60


def search_words(text: str) -> set[str]:
    """The words of `text` worth correcting a search to, without accents: three letters or
    more, not a bare number ("Tênis de corrida 42" -> {"tenis", "corrida"})."""
    return {
        word
        for word in WORD.findall(unaccent(text))
        if SEARCH_WORD_MIN_LENGTH <= len(word) <= SEARCH_WORD_MAX_LENGTH and not word.isdigit()
    }
