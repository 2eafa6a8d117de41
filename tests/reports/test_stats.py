"""Statistics for a period, as chat text and as a workbook."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import datetime

from openpyxl import load_workbook

from handlers.reports._paging import utf16_len
from handlers.reports.stats_text import render_stats_text
from handlers.reports.stats_xlsx import render_stats_xlsx
from locales import Translator
from storage.report_records import StatsData


def test_text_has_totals_rate_and_breakdowns(stats_data: StatsData, vi: Translator) -> None:
    pages = render_stats_text(stats_data, vi)
    assert len(pages) == 1
    text = pages[0]
    assert "Xã Bảo Tân" in text
    assert "Từ ngày 01/10/2026 đến ngày 31/12/2026" in text
    assert "Tổng số: 100 ý kiến, kiến nghị" in text
    assert "Tỷ lệ trả lời đúng hạn: 87,5%" in text
    assert "• Đã trả lời đúng hạn: 35" in text
    assert "• Quá hạn, chưa trả lời: 3" in text
    assert "• Hạ tầng: 50 (50,0%)" in text
    assert "• Thôn Tây: 40 (40,0%)" in text
    assert "• Không tiếp nhận: 10 (10,0%)" in text
    order = [text.index(h) for h in ("theo chủ đề", "theo thôn", "theo kết quả xử lý")]
    assert order == sorted(order)


def test_text_without_anything_due(stats_data: StatsData, vi: Translator) -> None:
    data = replace(stats_data, on_time_rate=None, by_status=[], total=0)
    text = render_stats_text(data, vi)[0]
    assert "chưa có ý kiến nào đến hạn trả lời" in text
    assert "Tổng số: 0 ý kiến, kiến nghị" in text
    assert "(" not in text.split("theo chủ đề")[1].split("\n\n")[0]  # no share of zero


def test_text_pages_for_many_villages(stats_data: StatsData, vi: Translator) -> None:
    villages = [(f"Thôn {n}", n) for n in range(1, 200)]
    pages = render_stats_text(replace(stats_data, by_village=villages), vi, max_chars=800)
    assert len(pages) > 2
    assert all(utf16_len(page) <= 800 for page in pages)


def test_workbook(stats_data: StatsData, vi: Translator) -> None:
    book = load_workbook(io.BytesIO(render_stats_xlsx(stats_data, vi)))
    assert book.sheetnames == ["Tổng hợp", "Theo chủ đề", "Theo thôn", "Theo kết quả xử lý"]
    summary = {row[0]: row[1] for row in book["Tổng hợp"].iter_rows(values_only=True)}
    assert summary["Tổng số ý kiến, kiến nghị"] == 100
    assert summary["Tỷ lệ trả lời đúng hạn"] == 0.875
    assert summary["Đã trả lời nhưng quá hạn"] == 5
    assert summary["Thời điểm lập"] == datetime(2027, 1, 2, 10, 0)
    statuses = list(book["Theo kết quả xử lý"].iter_rows(values_only=True))
    assert statuses[1] == (1, "Đã trả lời", 70, 0.7)
    assert book["Theo kết quả xử lý"]["D2"].number_format == "0.0%"
    assert book["Theo thôn"].max_row == 3


def test_workbook_without_a_rate(stats_data: StatsData, vi: Translator) -> None:
    data = replace(stats_data, on_time_rate=None)
    book = load_workbook(io.BytesIO(render_stats_xlsx(data, vi)))
    summary = {row[0]: row[1] for row in book["Tổng hợp"].iter_rows(values_only=True)}
    assert summary["Tỷ lệ trả lời đúng hạn"] == "Chưa có ý kiến đến hạn trả lời"
