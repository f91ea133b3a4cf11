"""Flask-Babel: Chinese by default, English on request (?lang=en, the session, Accept-Language)."""
from __future__ import annotations

from pathlib import Path

from flask import Flask, has_request_context, request, session
from flask_babel import Babel, get_locale, get_translations, gettext, refresh

from app.domain import vocabulary

LANGUAGES = ("zh", "en")
babel = Babel()


def select_locale() -> str:
    """?lang= (remembered in the session for pages) wins, then the session, then Accept-Language, then zh."""
    chosen = request.args.get("lang")
    if chosen in LANGUAGES:
        if not request.path.startswith("/api/"):  # an API call's ?lang= is for that answer only
            session["lang"] = chosen
        return chosen
    if session.get("lang") in LANGUAGES:
        return session["lang"]
    best = request.accept_languages.best_match(LANGUAGES, default="zh")
    return best if request.accept_languages and best == "en" and _prefers_en() else "zh"


def _prefers_en() -> bool:
    """English only when the browser ranks it above any Chinese variant."""
    for lang, _quality in request.accept_languages:
        if lang.lower().startswith("zh"):
            return False
        if lang.lower().startswith("en"):
            return True
    return False


def init_babel(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "zh")
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", app.config.get("TIMEZONE", "Asia/Shanghai"))
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(Path(app.root_path) / "translations"))
    babel.init_app(app, locale_selector=select_locale)
    # Templates' _() (Jinja's new-style gettext: escaping and %-formatting stay Jinja's).
    app.jinja_env.install_gettext_callables(
        gettext=translate, ngettext=lambda s, p, n: get_translations().ungettext(s, p, n), newstyle=True,
        pgettext=lambda c, s: get_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: get_translations().unpgettext(c, s, p, n))
    # Flask-Babel caches the locale on `g`; an app context shared by several requests (tests,
    # CLI) must not carry one user's language into the next request.
    app.before_request(refresh)


def english() -> bool:
    """Whether this request reads English."""
    return str(get_locale() or "zh").startswith("en")


def in_language(message: object) -> str:
    """A message (a refusal, a validation message) in the request's language: its own English when
    it carries one (app.formdefs.messages.Said), else the catalogue's; Chinese as written."""
    if not english():
        return str(message)
    return getattr(message, "english", None) or translate(str(message))


# text → its translation, per locale, for the life of the process: the catalogues are compiled
# files read once (Flask-Babel caches them per process too), so a text's translation in a locale
# never changes while the process runs. Bounded (texts handed over by services may vary).
_TRANSLATED: dict[str, dict[str, str]] = {}
_MEMO_KEY = "sitecase.translated"
MAX_REMEMBERED = 20_000


def translate(text: str) -> str:
    """The catalogue's translation of `text`; in English a word of the vocabulary that has none
    in the catalogue (a status, metric or notice name a service handed over in Chinese)."""
    # The locale is chosen once per request; Flask-Babel's lookup of the request's locale and
    # catalogue was most of a page's translating (≈ 60 texts on the inbox page).
    if has_request_context():
        memo = request.environ.get(_MEMO_KEY)
        if memo is None:
            memo = request.environ[_MEMO_KEY] = _TRANSLATED.setdefault(str(get_locale() or "zh"), {})
    else:
        memo = {}
    done = memo.get(text)
    if done is None:
        done = gettext(text)
        if done == text and str(get_locale() or "zh").startswith("en"):
            done = vocabulary.english_of(text) or done
        if len(memo) >= MAX_REMEMBERED:
            memo.clear()
        memo[text] = done
    return done
