"""Locale choice and the house formats for dates, times and money.

Babel's own `en` formats are "Nov 22, 2026" and "CN¥1,234.50"; the office wants
`2026年11月22日` / `22 Nov 2026` and `¥1,234.50` in both languages.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from flask import current_app, g, has_request_context, request, session
from flask_babel import get_locale

SUPPORTED = ("zh", "en")
EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def current_language() -> str:
    if not has_request_context():
        return "zh"
    # Asked for every date cell of a list: decided once per request (flask_babel, too,
    # keeps the locale it chose for the rest of the request).
    lang = getattr(request, "_hq_lang", None)
    if lang is None:
        loc = get_locale()
        lang = request._hq_lang = "en" if loc is not None and loc.language == "en" else "zh"
    return lang


def choose_first_visit_locale() -> None:
    """FAB keeps the locale in the session and never reads Accept-Language:
    a first visit with an English browser starts in English."""
    if "locale" in session or request.path.startswith("/static"):
        return
    best = request.accept_languages.best_match(SUPPORTED)
    session["locale"] = best or current_app.config["BABEL_DEFAULT_LOCALE"]


def institution_tz() -> ZoneInfo:
    from flask import has_app_context

    if not has_app_context():
        return ZoneInfo("Asia/Shanghai")
    if has_request_context():
        # A list asks for every time cell: looked up once per request (settings do not change
        # within one).
        tz = getattr(request, "_hq_tz", None)
        if tz is not None:
            return tz
    settings = current_app.extensions.get("houqin_settings")
    tz = ZoneInfo(settings.get("timezone") if settings else "Asia/Shanghai")
    if has_request_context():
        request._hq_tz = tz
    return tz


def to_local(value: datetime | None, tz: ZoneInfo | None = None) -> datetime | None:
    """A stored (UTC) time in the institution's zone; `tz`: that zone, already looked up (a
    caller converting thousands of values asks for it once)."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(tz or institution_tz())


def local_now() -> datetime:
    return datetime.now(institution_tz())


def local_day_range_utc(day: date | None = None) -> tuple[datetime, datetime]:
    """The institution's local day as a UTC range: never func.date() on stored UTC."""
    tz = institution_tz()
    day = day or local_now().date()
    start = datetime.combine(day, time.min, tzinfo=tz)
    return start.astimezone(timezone.utc), (start + timedelta(days=1)).astimezone(timezone.utc)


def format_date(value: date | datetime | None, lang: str | None = None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_local(value)
    lang = lang or current_language()
    if lang == "en":
        return f"{value.day} {EN_MONTHS[value.month - 1]} {value.year}"
    return f"{value.year}年{value.month}月{value.day}日"


def format_datetime(value: datetime | None, lang: str | None = None) -> str:
    if value is None:
        return ""
    local = to_local(value)
    return f"{format_date(local, lang)} {local:%H:%M}"


def date_formatter(lang: str | None = None):
    """format_date with the language decided once: for a column of a list."""
    lang = lang or current_language()
    tz = institution_tz()
    if lang == "en":
        def fmt(value):
            if value is None:
                return ""
            if isinstance(value, datetime):
                value = to_local(value, tz)
            return f"{value.day} {EN_MONTHS[value.month - 1]} {value.year}"
    else:
        def fmt(value):
            if value is None:
                return ""
            if isinstance(value, datetime):
                value = to_local(value, tz)
            return f"{value.year}年{value.month}月{value.day}日"
    return fmt


def datetime_formatter(lang: str | None = None):
    """format_datetime with the language and the zone decided once: for a column of a list."""
    day = date_formatter(lang)
    tz = institution_tz()

    def fmt(value):
        if value is None:
            return ""
        local = to_local(value, tz)
        return f"{day(local)} {local.hour:02d}:{local.minute:02d}"
    return fmt


def format_time(value: datetime | None) -> str:
    return "" if value is None else f"{to_local(value):%H:%M}"


def format_money(value) -> str:
    if value is None:
        return ""
    amount = Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    return f"{sign}¥{abs(amount):,.2f}"


COMMON_ZONES = ("Asia/Shanghai", "Asia/Urumqi", "Asia/Hong_Kong", "Asia/Macau", "Asia/Taipei",
                "Asia/Singapore", "Asia/Tokyo", "Europe/London", "UTC")


def timezone_choices(current: str | None) -> list[str]:
    """The zones a Chinese institution plausibly uses, plus whatever is stored (or was typed)."""
    zones = list(COMMON_ZONES)
    if current and current not in zones:
        zones.insert(0, current)
    return zones


def tolerate_percent(app) -> None:
    """Jinja's new-style gettext %-formats every string it shows, even with no variables, so
    Flask-AppBuilder's form template (`{{ _(error) }}` for each field error) answered 500 on a
    message with a bare "%" ("the weights add up to 90 %"). Without variables a string that
    does not format is shown as it is (escaped); "%%" still reads "%". Called once Babel has
    installed its callables (AppBuilder starts Babel)."""
    from jinja2 import pass_context
    from markupsafe import escape

    env = app.jinja_env
    formatting = env.globals["gettext"]
    # this app's: language -> {(autoescape, text): translation} of template texts without variables
    template_words: dict[str, dict] = app.extensions.setdefault("houqin_template_words", {})

    def translated(__context, __string, **variables):
        try:
            return formatting(__context, __string, **variables)
        except (ValueError, TypeError, KeyError):
            if variables:
                raise
            return escape(__context.call(env.globals["_hq_plain_gettext"], __string))

    @pass_context
    def gettext(__context, __string, **variables):
        # A text without variables is looked up once per language (and escaping mode) and kept:
        # through Flask-Babel each lookup cost ~30 µs, and a page shows a hundred of them.
        if variables or __string.__class__ is not str or not has_request_context():
            return translated(__context, __string, **variables)
        words = g.get("_hq_words")
        if words is None:
            words = g._hq_words = template_words.setdefault(str(get_locale()), {})
        key = (__context.eval_ctx.autoescape, __string)
        found = words.get(key)
        if found is None:
            found = translated(__context, __string)
            if len(words) < TEMPLATE_WORDS_MAX:  # a field error may carry what was typed: bounded
                words[key] = found
        return found

    from flask_babel import gettext as plain

    env.globals["_hq_plain_gettext"] = plain
    env.globals["gettext"] = gettext


TEMPLATE_WORDS_MAX = 20_000  # per language


def back_to_the_page(response):
    """FAB's /lang/<locale> goes back to the last list it remembers, not to the page the switch
    was clicked on (the desk, a form): the switch sends that page as `next` (houqin.js), and a
    local path there is where the new language opens."""
    if request.endpoint != "LocaleView.index" or response.status_code not in (301, 302, 303):
        return response
    target = request.args.get("next", "")
    if local_path(target):
        response.headers["Location"] = target
    return response


def local_path(target: str) -> bool:
    """A path on this site ("/gate/desk/?campus_id=1"), never another host ("//x", "/\\x", "http:")."""
    return (bool(target) and target.startswith("/") and not target.startswith(("//", "/\\"))
            and "\\" not in target and not any(ord(c) < 32 for c in target))


def install(app) -> None:
    app.before_request(choose_first_visit_locale)
    app.after_request(back_to_the_page)
    app.jinja_env.filters["hq_date"] = format_date
    app.jinja_env.filters["hq_datetime"] = format_datetime
    app.jinja_env.filters["hq_time"] = format_time
    app.jinja_env.filters["hq_money"] = format_money
    app.jinja_env.globals["hq_lang"] = current_language
    app.jinja_env.globals["hq_timezones"] = timezone_choices
    app.jinja_env.globals["hq_now"] = local_now
    app.jinja_env.globals["hq_institution"] = lambda: app.extensions["houqin_settings"].get("institution_name")
