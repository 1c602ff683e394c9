"""The widget's languages (C10): Babel catalogues, the agent's locale and dates per locale.

The catalogues are kept as `.po` files under `gadget/translations/`; `make catalogues` (which
`make run`, `make test` and `make harness` run first) compiles each to the `.mo` beside it, once,
not in every web process. The `.mo` files are not committed. A service whose catalogues are
missing or older than their `.po` refuses to start rather than show agents untranslated text.
"""

import os
import tempfile

from babel import Locale
from babel.dates import format_date, format_time, get_datetime_format, get_timezone
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import request
from flask_babel import Babel, get_locale
from flask_babel import get_timezone as current_timezone

from server.config import LOCALES, ConfigError

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CATALOGUES = os.path.join(ROOT, "gadget", "translations")
DEFAULT_LOCALE = LOCALES[0]
DOMAIN = "messages"

babel = Babel()


def init_app(app):
    """Let Flask-Babel pick the locale and time zone per request, from compiled catalogues."""
    stale = stale_catalogues()
    if stale:
        raise ConfigError(
            f"the translation catalogue {os.path.relpath(stale[0], ROOT)} is not compiled "
            "or older than its .po (run `make catalogues`)"
        )
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LOCALE)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "UTC")
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = CATALOGUES
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    app.jinja_env.filters["when"] = when
    app.jinja_env.filters["day"] = day


def catalogue_path(locale):
    return os.path.join(CATALOGUES, locale, "LC_MESSAGES", DOMAIN + ".po")


def compiled_path(locale):
    return os.path.join(CATALOGUES, locale, "LC_MESSAGES", DOMAIN + ".mo")


def _sources():
    return [
        locale
        for locale in sorted(os.listdir(CATALOGUES))
        if os.path.isfile(catalogue_path(locale))
    ]


def _is_current(locale):
    compiled = compiled_path(locale)
    return os.path.exists(compiled) and (
        os.path.getmtime(compiled) >= os.path.getmtime(catalogue_path(locale))
    )


def stale_catalogues():
    """The `.mo` files that are missing or older than their `.po`."""
    return [compiled_path(locale) for locale in _sources() if not _is_current(locale)]


def compile_catalogues():
    """Write each `.po` catalogue as the `.mo` beside it when that is missing or older.

    Returns the locales compiled.
    """
    done = []
    for locale in _sources():
        if _is_current(locale):
            continue
        source, compiled = catalogue_path(locale), compiled_path(locale)
        folder = os.path.dirname(compiled)
        with open(source, "rb") as po:
            catalogue = read_po(po, locale=locale)
        # Several processes may start at once: each writes its own file, then swaps it in.
        handle, temporary = tempfile.mkstemp(dir=folder, suffix=".mo")
        with os.fdopen(handle, "wb") as mo:
            write_mo(mo, catalogue)
        os.replace(temporary, compiled)
        done.append(locale)
    return done


def main():
    """Compile the catalogues and say which (`make catalogues`)."""
    done = compile_catalogues()
    print(f"catalogues: compiled {', '.join(done)}" if done else "catalogues: up to date")


def select_locale():
    """`?locale=` (Finesse's, e.g. `nl_NL`) when we have that language, else Accept-Language.

    The widget's own requests send the agent's language as Accept-Language, so fragments
    follow the Finesse locale rather than the browser's.
    """
    return match_locale(request.args.get("locale", "")) or (
        request.accept_languages.best_match(LOCALES) or DEFAULT_LOCALE
    )


def match_locale(wanted):
    """`nl_NL`, `nl-BE` or `NL` → `nl`; None for a language we do not have."""
    wanted = (wanted or "").strip().lower().replace("_", "-")
    for candidate in (wanted, wanted.split("-")[0]):
        if candidate in LOCALES:
            return candidate
    return None


def select_timezone():
    """The agent's time zone as the widget reports it (`tz`), else the default (UTC)."""
    name = request.values.get("tz", "").strip()
    if not name or len(name) > 64:
        return None
    try:
        get_timezone(name)
    except LookupError:
        return None
    return name


def locale_code():
    """The current language as a BCP 47 tag, for `lang` attributes."""
    return str(get_locale() or DEFAULT_LOCALE).replace("_", "-")


def _local(moment):
    tz = current_timezone()
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=get_timezone("UTC"))
    return moment.astimezone(tz)


def when(moment):
    """A date and time as the agent's language writes it, to the minute (C10)."""
    if moment is None:
        return ""
    locale = get_locale() or Locale.parse(DEFAULT_LOCALE)
    local = _local(moment)
    pattern = get_datetime_format("medium", locale=locale)
    return (
        pattern.replace("'", "")
        .replace("{1}", format_date(local, "medium", locale=locale))
        .replace("{0}", format_time(local, "short", locale=locale))
    )


def day(moment):
    """A date alone, as the agent's language writes it."""
    if moment is None:
        return ""
    return format_date(_local(moment), "medium", locale=get_locale() or DEFAULT_LOCALE)
