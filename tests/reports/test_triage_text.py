"""The triage summary as chat pages: order, limits, and what must not be shown."""

from __future__ import annotations

from dataclasses import replace

import pytest

from handlers.reports._paging import utf16_len
from handlers.reports.triage_text import render_triage_pages
from locales import Translator
from storage.report_records import GroupRow, SpeakerRow, TriageData
from tests.reports.conftest import concern


def _joined(pages: list[str]) -> str:
    return "\n".join(pages)


def test_sections_come_in_order(triage_data: TriageData, vi: Translator) -> None:
    pages = render_triage_pages(triage_data, vi)
    assert len(pages) == 1
    text = pages[0]
    markers = [
        "TỔNG HỢP Ý KIẾN, KIẾN NGHỊ CỦA NHÂN DÂN",
        "Số ý kiến theo chủ đề",
        "Số ý kiến theo thôn",
        "🚨 Ý KIẾN KHẨN CẤP (2)",
        "👥 NHÓM Ý KIẾN TƯƠNG TỰ (2)",
        "🔁 Ý KIẾN NÊU NHIỀU LẦN CHƯA ĐƯỢC GIẢI QUYẾT (1)",
        "⚖️ ĐƠN KHIẾU NẠI, TỐ CÁO (1)",
        "🎤 ĐĂNG KÝ PHÁT BIỂU (3)",
    ]
    positions = [text.index(marker) for marker in markers]
    assert positions == sorted(positions)
    assert "<" not in text  # plain text, no markup


def test_header_and_counts(triage_data: TriageData, vi: Translator) -> None:
    text = render_triage_pages(triage_data, vi)[0]
    assert "Xã Bảo Tân — Hội nghị đối thoại với Nhân dân quý IV năm 2026" in text
    assert "Từ ngày 01/10/2026 đến ngày 30/11/2026" in text
    assert "Tổng số: 9 ý kiến, kiến nghị" in text
    # 17:30 UTC on 4 December is half past midnight on 5 December in Vietnam.
    assert "Lập lúc 00:30 ngày 05/12/2026" in text
    assert "• Đất đai: 4" in text
    assert "• Chưa rõ thôn: 1" in text


def test_groups_show_count_text_and_some_codes(triage_data: TriageData, vi: Translator) -> None:
    text = render_triage_pages(triage_data, vi)[0]
    assert "1. 8 ý kiến · Đất đai · Thôn Đông, Thôn Tây" in text
    assert "DT-0205 và 2 mã khác" in text
    assert "DT-0206" not in text


def test_legal_complaints_carry_the_law_note(triage_data: TriageData, vi: Translator) -> None:
    text = render_triage_pages(triage_data, vi)[0]
    legal = text[text.index("⚖️") :]
    assert "Luật Khiếu nại và Luật Tố cáo" in legal
    assert "DT-0401" in legal


def test_repeated_concerns_say_how_often(triage_data: TriageData, vi: Translator) -> None:
    text = render_triage_pages(triage_data, vi)[0]
    assert "nêu 3 lần · Đã giao xử lý" in text


def test_speakers_without_a_name_stay_anonymous(triage_data: TriageData, vi: Translator) -> None:
    text = render_triage_pages(triage_data, vi)[0]
    assert "1. Nguyễn Văn Bình — ý kiến DT-0101" in text
    assert "2. Người đăng ký không nêu tên — ý kiến DT-0501" in text
    assert "3. Trần Thị Lan" in text


def test_abusive_text_is_withheld(triage_data: TriageData, vi: Translator) -> None:
    rude = concern("DT-0999", "câu chửi tục tĩu", urgent=True, abusive=True)
    text = render_triage_pages(replace(triage_data, urgent=[rude]), vi)[0]
    assert "tục tĩu" not in text
    assert "DT-0999" in text
    assert "không được đăng tải" in text


def test_empty_sections_say_so(vi: Translator, triage_data: TriageData) -> None:
    empty = replace(
        triage_data, urgent=[], groups=[], legal_complaints=[], repeated_unresolved=[], speakers=[]
    )
    text = render_triage_pages(empty, vi)[0]
    assert "🚨 Ý KIẾN KHẨN CẤP (0)\nKhông có." in text
    assert "🎤 ĐĂNG KÝ PHÁT BIỂU (0)\nKhông có." in text


@pytest.mark.parametrize("max_chars", [300, 1000, 3500])
def test_long_summaries_are_paged_within_the_limit(
    triage_data: TriageData, vi: Translator, max_chars: int
) -> None:
    long_text = "Đường giao thông nông thôn bị xuống cấp nghiêm trọng, " * 20
    big = replace(
        triage_data,
        urgent=[concern(f"DT-1{n:03d}", long_text, urgent=True) for n in range(40)],
        groups=[
            GroupRow(long_text, 5, ("DT-1", "DT-2"), ("Thôn Đông",), "ha_tang") for _ in range(40)
        ],
        speakers=[SpeakerRow(n, f"Người số {n}") for n in range(1, 80)],
    )
    pages = render_triage_pages(big, vi, max_chars=max_chars)
    assert len(pages) > 1
    assert all(utf16_len(page) <= max_chars for page in pages)
    assert all(page.strip("\n") == page and page.strip() for page in pages)
    assert pages[-1].endswith(f"Trang {len(pages)}/{len(pages)}")
    text = _joined(pages)
    # Urgent first, all of it, then the groups; the speakers are all there, in order.
    assert text.index("DT-1039") < text.index("👥 NHÓM Ý KIẾN TƯƠNG TỰ (40)")
    speaker_positions = [text.index(f"{n}. Người số {n}\n") for n in range(1, 79)]
    assert speaker_positions == sorted(speaker_positions)
    # Long texts are shortened for a phone screen.
    assert max(len(line) for line in text.splitlines()) < 300


def test_english(triage_data: TriageData, en: Translator) -> None:
    text = render_triage_pages(triage_data, en)[0]
    assert "🚨 URGENT CONCERNS (2)" in text
    assert "Law on Complaints" in text
    assert "• Land: 4" in text
