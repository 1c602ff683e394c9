"""C10: the widget in English, Dutch, French and Turkish, complete, with dates per locale."""

import datetime
import os

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from server.config import LOCALES
from server.widget import i18n

ROOT = i18n.ROOT
# What gadget/babel.cfg says, for Babel's extractor: the widget's Python, the labels and
# validation messages it shares with the API, and its templates.
METHODS = [
    ("server/widget/**.py", "python"),
    ("server/desk/**.py", "python"),
    ("server/labels.py", "python"),
    ("server/schemas/**.py", "python"),
    ("gadget/templates/**.html", "jinja2"),
]
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "_l": None,
    "lazy_gettext": None,
    "pgettext": ((1, "c"), 2),
}


def extracted_msgids():
    """(context, msgid) of every text the widget translates."""
    found = set()
    for _name, _line, message, _comments, context in extract_from_dir(
        ROOT, METHODS, keywords=KEYWORDS
    ):
        found.add((context, message if isinstance(message, str) else message[0]))
    return found


def catalogue(locale):
    with open(i18n.catalogue_path(locale), "rb") as handle:
        return read_po(handle, locale=locale)


def test_babel_cfg_names_the_same_sources_as_this_test():
    with open(os.path.join(ROOT, "gadget", "babel.cfg")) as handle:
        sections = [line.strip() for line in handle if line.startswith("[")]
    assert sections == [f"[{method}: {pattern}]" for pattern, method in METHODS]


@pytest.mark.parametrize("locale", LOCALES)
def test_C10_every_catalogue_translates_every_message(locale):
    wanted = extracted_msgids()
    assert len(wanted) > 100  # the extraction found the widget's texts
    po = catalogue(locale)
    have = {(message.context, message.id): message for message in po if message.id}
    missing = sorted(wanted - set(have))
    untranslated = sorted(
        msgid
        for msgid, message in have.items()
        if msgid in wanted and (not message.string or message.fuzzy)
    )
    stale = sorted(set(have) - wanted)
    assert not missing, f"{locale}: not in the catalogue: {missing}"
    assert not untranslated, f"{locale}: untranslated or fuzzy: {untranslated}"
    assert not stale, f"{locale}: no longer used: {stale}"
    problems = [(message.id, errors) for message, errors in po.check()]
    assert not problems, f"{locale}: placeholders do not match: {problems}"


def test_C10_translated_texts_differ_from_english():
    english = {
        (message.context, message.id): message.string for message in catalogue("en") if message.id
    }
    for locale in LOCALES[1:]:
        po = catalogue(locale)
        same = [
            message.id
            for message in po
            if message.id and message.string == english[(message.context, message.id)]
        ]
        # Names and words two languages share (Tags, Chat, Open…) may stay as they are.
        assert len(same) < 10, f"{locale}: {same}"


def test_C10_dates_follow_the_locale(app):
    moment = datetime.datetime(2026, 3, 5, 14, 30)
    written = {}
    for locale in LOCALES:
        with app.test_request_context(f"/widget/?locale={locale}"):
            written[locale] = (i18n.when(moment), i18n.day(moment))
    assert written["en"][1] == "Mar 5, 2026"
    assert written["nl"][1] == "5 mrt 2026"
    assert written["fr"][1] == "5 mars 2026"
    assert written["tr"][1] == "5 Mar 2026"
    assert "14:30" in written["nl"][0] and "2:30" in written["en"][0]


def test_C10_dates_in_the_agents_time_zone(app):
    moment = datetime.datetime(2026, 3, 5, 14, 30)
    with app.test_request_context("/widget/?locale=nl&tz=Europe/Amsterdam"):
        assert "15:30" in i18n.when(moment)
    with app.test_request_context("/widget/?locale=nl&tz=Not/AZone"):
        assert "14:30" in i18n.when(moment)


def test_C10_catalogues_are_compiled_before_the_service_starts(app):
    for locale in LOCALES:
        assert os.path.exists(i18n.compiled_path(locale))
    assert i18n.stale_catalogues() == []
