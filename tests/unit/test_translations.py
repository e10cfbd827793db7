"""Berth ships Simplified Chinese: every catalogued string is translated, and the
compiled catalogue is the one the sources describe."""

import gettext
import re
from pathlib import Path

from django.utils import translation

CATALOGUE = Path(__file__).resolve().parents[2] / "locale/zh_Hans/LC_MESSAGES/django.po"
_ENTRY = re.compile(r'^(#,[^\n]*\n)?msgid ((?:".*"\n)+)msgstr ((?:".*"\n)+)', re.M)


def entries():
    for flags, msgid, msgstr in _ENTRY.findall(CATALOGUE.read_text()):
        yield flags, "".join(re.findall(r'"(.*)"', msgid)), "".join(re.findall(r'"(.*)"', msgstr))


def test_every_string_is_translated():
    untranslated = [
        msgid for flags, msgid, msgstr in entries() if msgid and (not msgstr or "fuzzy" in flags)
    ]
    assert untranslated == [], "run `make messages` and translate these"


def test_compiled_catalogue_is_current():
    with CATALOGUE.with_suffix(".mo").open("rb") as compiled:
        catalog = gettext.GNUTranslations(compiled)._catalog
    source = {msgid.encode().decode("unicode_escape") for _f, msgid, _s in entries() if msgid}
    assert source == {key for key in catalog if key}, "run `make messages`"
    with translation.override("zh-hans"):
        assert translation.gettext("New app") == "新建应用"
