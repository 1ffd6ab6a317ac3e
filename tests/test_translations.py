"""The pt-BR catalogue is complete and its compiled .mo (committed, so that no gettext is
needed to run the store) matches the .po."""

import re
from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parents[1] / "locale" / "pt_BR" / "LC_MESSAGES"
PO = polib.pofile(str(LOCALE / "django.po"))


def test_every_message_is_translated():
    assert PO.untranslated_entries() == []
    assert PO.fuzzy_entries() == []


def test_the_compiled_catalogue_matches_the_source():
    def pairs(catalogue) -> set[tuple]:
        return {
            (entry.msgctxt, entry.msgid, entry.msgstr, tuple(sorted(entry.msgstr_plural.items())))
            for entry in catalogue
            if entry.msgid and not entry.obsolete
        }

    assert pairs(polib.mofile(str(LOCALE / "django.mo"))) == pairs(PO), "run `make messages`"


@pytest.mark.parametrize(
    "entry", [entry for entry in PO if "%(" in entry.msgid], ids=lambda entry: entry.msgid[:40]
)
def test_placeholders_survive_translation(entry):
    placeholders = set(re.findall(r"%\(\w+\)[sd]", entry.msgid))
    translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
    for translation in translations:
        assert set(re.findall(r"%\(\w+\)[sd]", translation)) == placeholders
