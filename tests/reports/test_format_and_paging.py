"""Text helpers and the pager every chat report relies on."""

from __future__ import annotations

import unicodedata
from datetime import UTC, date, datetime

import pytest

from handlers.reports._format import (
    clean,
    decree_date_parts,
    fmt_date,
    percent,
    shorten,
    status_label,
    topic_label,
)
from handlers.reports._paging import paginate, utf16_len
from locales import Translator


@pytest.mark.parametrize(
    ("day", "parts"),
    [
        (date(2026, 12, 5), ("05", "12", "2026")),
        (date(2026, 2, 9), ("09", "02", "2026")),
        (date(2026, 1, 15), ("15", "01", "2026")),
        # From March on the month takes no leading zero (Decree 30/2020/NĐ-CP).
        (date(2026, 3, 1), ("01", "3", "2026")),
        (date(2026, 9, 30), ("30", "9", "2026")),
    ],
)
def test_decree_date_parts(day: date, parts: tuple[str, str, str]) -> None:
    assert decree_date_parts(day) == parts


def test_dates_are_shown_in_vietnam_time() -> None:
    assert fmt_date(datetime(2026, 12, 31, 18, 0, tzinfo=UTC)) == "01/01/2027"
    assert fmt_date(datetime(2026, 12, 31, 18, 0)) == "31/12/2026"


def test_clean_composes_and_drops_illegal_characters() -> None:
    decomposed = unicodedata.normalize("NFD", "Hòa bình")
    assert clean(f" {decomposed}\x00\x0b \r\nx ") == "Hòa bình\nx"


def test_shorten_cuts_at_a_word() -> None:
    text = "Đường liên thôn xuống cấp nghiêm trọng gây nguy hiểm cho người đi đường"
    short = shorten(text, 40)
    assert len(short) <= 40
    assert short.endswith("…")
    assert text.startswith(short[:-1])
    assert shorten("ngắn\ngọn", 40) == "ngắn gọn"


def test_percent_follows_the_language(vi: Translator, en: Translator) -> None:
    assert percent(vi, 0.875) == "87,5%"
    assert percent(en, 0.875) == "87.5%"


def test_unknown_codes_are_shown_as_they_are(vi: Translator) -> None:
    assert topic_label(vi, "dat_dai") == "Đất đai"
    assert topic_label(vi, "moi_ma") == "moi_ma"
    assert status_label(vi, "answered") == "Đã trả lời"


def test_utf16_length_counts_emoji_twice() -> None:
    assert utf16_len("🚨a") == 3
    assert utf16_len("ệ") == 1


def test_pages_keep_blocks_whole_and_in_order() -> None:
    blocks = [[f"block {n} line {m}" for m in range(3)] for n in range(30)]
    pages = paginate(blocks, 200, lambda p, n: f"page {p}/{n}")
    assert len(pages) > 1
    assert all(utf16_len(page) <= 200 for page in pages)
    text = "\n".join(pages)
    positions = [text.index(f"block {n} line 0") for n in range(30)]
    assert positions == sorted(positions)
    for page in pages:
        # No block is split: each page holds whole blocks only.
        assert page.count("line 0") == page.count("line 2")
    assert pages[0].endswith(f"page 1/{len(pages)}")


def test_a_single_page_has_no_footer() -> None:
    assert paginate([["one"], ["two"]], 200, lambda p, n: f"page {p}/{n}") == ["one\n\ntwo"]


def test_overlong_lines_are_cut_without_losing_text() -> None:
    line = "🚨" * 150 + " " + "chữ " * 100
    pages = paginate([[line]], 100)
    assert all(utf16_len(page) <= 100 for page in pages)
    # Nothing lost, and every emoji whole (a split one would not compare equal).
    assert "".join(pages).replace(" ", "") == line.replace(" ", "")


def test_too_small_a_page_is_refused() -> None:
    with pytest.raises(ValueError, match="max_chars"):
        paginate([["x"]], 30, lambda p, n: f"page {p}/{n}")
