"""Text helpers every report shares: cleaning citizens' text, dates, labels, percentages."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time, timedelta, timezone

from babel.numbers import format_percent

from locales import Translator

# Vietnam has kept UTC+7 without daylight saving since 1975, so a fixed offset needs no tz data.
VIETNAM_TZ = timezone(timedelta(hours=7), "ICT")

# Characters XML 1.0 forbids: python-docx and openpyxl refuse them, and a citizen's paste can hold
# them. Lone surrogates cannot be encoded at all.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_SPACES = re.compile(r"\s+")
_LINE_END_SPACES = re.compile(r"[ \t]+\n")


def clean(text: str) -> str:
    """NFC text without XML-illegal characters; phones often send decomposed (NFD) Vietnamese,
    which some fonts draw with misplaced tone marks."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    return _LINE_END_SPACES.sub("\n", _XML_ILLEGAL.sub("", text)).strip()


def one_line(text: str) -> str:
    """``clean`` with every run of whitespace, newlines included, made one space."""
    return _SPACES.sub(" ", clean(text)).strip()


def shorten(text: str, limit: int) -> str:
    """One line of at most ``limit`` characters, cut at a word boundary where one is near."""
    flat = one_line(text)
    if len(flat) <= limit:
        return flat
    cut = flat[: max(limit - 1, 1)]
    space = cut.rfind(" ")
    # Only back up to a space if that keeps most of the text; a long word is cut mid-word.
    if space >= limit * 2 // 3:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-") + "…"


def cap_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def local(moment: datetime) -> datetime:
    """Vietnam wall-clock time, naive; naive input is taken to be local already."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(VIETNAM_TZ).replace(tzinfo=None)


def as_local_datetime(day: date) -> datetime:
    """A date or datetime as a naive local datetime, so that the two can be sorted together."""
    if isinstance(day, datetime):
        return local(day)
    return datetime.combine(day, time.min)


def as_local_date(day: date) -> date:
    return local(day).date() if isinstance(day, datetime) else day


def fmt_date(day: date) -> str:
    """dd/mm/yyyy, the form Vietnamese documents use for dates in running text and tables."""
    return as_local_date(day).strftime("%d/%m/%Y")


def at(moment: datetime) -> dict[str, str]:
    """``time`` and ``date`` placeholders for "Lập lúc {time} ngày {date}"."""
    moment = local(moment)
    return {"time": moment.strftime("%H:%M"), "date": moment.strftime("%d/%m/%Y")}


def decree_date_parts(day: date) -> tuple[str, str, str]:
    """Day, month and year as Decree 30/2020/NĐ-CP writes them after the place name: days below 10
    and the months January and February get a leading zero ("ngày 05 tháng 02"), other months do
    not ("tháng 3")."""
    day = as_local_date(day)
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{day.day:02d}", month, str(day.year)


def percent(t: Translator, fraction: float) -> str:
    """87,5% in Vietnamese and 87.5% in English."""
    return str(format_percent(fraction, format="#,##0.0%", locale=t.language))


def _label(t: Translator, prefix: str, code: str) -> str:
    key = f"{prefix}.{code}"
    return t(key) if t.has(key) else code


def topic_label(t: Translator, code: str) -> str:
    return _label(t, "report.topic", code)


def status_label(t: Translator, code: str) -> str:
    return _label(t, "report.status", code)


def department_label(t: Translator, department: str) -> str:
    return _label(t, "report.department", department)


def village_label(t: Translator, village: str | None) -> str:
    name = one_line(village or "")
    return name or t("report.village.unknown")


def concern_text(t: Translator, text: str, abusive: bool) -> str:
    """The citizen's words, or the catalog's placeholder where they must not be reproduced."""
    return t("report.concern.withheld") if abusive else clean(text)
