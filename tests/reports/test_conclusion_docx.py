"""The conclusion notice: the Decree 30/2020/NĐ-CP layout and the content of its four sections."""

from __future__ import annotations

import io
import shutil
import subprocess
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from docx import Document as open_docx
from docx.document import Document
from docx.oxml.ns import qn
from docx.table import Table, _Cell

from handlers.reports.conclusion_docx import render_conclusion_docx
from locales import Translator
from storage.report_records import ConclusionData


def _open(data: ConclusionData, t: Translator) -> Document:
    return open_docx(io.BytesIO(render_conclusion_docx(data, t)))


def _lines(container: Document | _Cell) -> list[str]:
    return [p.text for p in container.paragraphs]


def _body(document: Document) -> str:
    return "\n".join(_lines(document))


def _borderless(table: Table) -> bool:
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    return borders is not None and all(edge.get(qn("w:val")) == "nil" for edge in borders)


def test_page_setup_follows_the_decree(conclusion_data: ConclusionData, vi: Translator) -> None:
    document = _open(conclusion_data, vi)
    section = document.sections[0]
    sizes = [
        section.page_width,
        section.page_height,
        section.top_margin,
        section.bottom_margin,
        section.left_margin,
        section.right_margin,
    ]
    assert [round(size.mm) if size is not None else None for size in sizes] == [
        210,
        297,
        20,
        20,
        30,
        15,
    ]
    normal = document.styles["Normal"].font
    assert normal.name == "Times New Roman"
    assert normal.size is not None and 13 <= normal.size.pt <= 14
    # Page numbers only from the second page.
    assert section.different_first_page_header_footer
    assert "PAGE" in section.header._element.xml
    assert "PAGE" not in section.first_page_header._element.xml


def test_heading_has_issuer_number_motto_place_and_date(
    conclusion_data: ConclusionData, vi: Translator
) -> None:
    document = _open(conclusion_data, vi)
    heading = document.tables[0]
    assert _borderless(heading)
    left, right = heading.rows[0].cells
    left_lines = [line for line in _lines(left) if line]
    right_lines = [line for line in _lines(right) if line]
    assert left_lines == ["ỦY BAN NHÂN DÂN", "XÃ BẢO TÂN", "Số: 15/TB-UBND"]
    assert right_lines == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Bảo Tân, ngày 05 tháng 12 năm 2026",
    ]
    issuer = left.paragraphs[0].runs[0]
    assert issuer.bold
    motto = right.paragraphs[1].runs[0]
    assert motto.bold
    place_date = next(p for p in right.paragraphs if p.text.startswith("Bảo Tân"))
    assert place_date.runs[0].italic
    # A rule (a bordered empty paragraph) under the issuer and under the motto.
    assert sum("w:pBdr" in p._p.xml for p in left.paragraphs) == 1
    assert "w:pBdr" in right.paragraphs[2]._p.xml


def test_title_summary_and_opening(conclusion_data: ConclusionData, vi: Translator) -> None:
    document = _open(conclusion_data, vi)
    paragraphs = [p for p in document.paragraphs if p.text]
    assert paragraphs[0].text == "THÔNG BÁO"
    assert paragraphs[0].runs[0].bold
    assert paragraphs[1].text == (
        "Kết luận của Chủ tịch UBND xã tại Hội nghị đối thoại với Nhân dân quý IV năm 2026"
    )
    # 01:00 UTC is 08:00 in Vietnam.
    assert paragraphs[2].text.startswith(
        "Vào hồi 08 giờ 00 phút, ngày 28/11/2026, tại Hội trường UBND xã, đồng chí Nguyễn Văn An"
        " - Chủ tịch UBND xã chủ trì Hội nghị"
    )
    assert "và 120 công dân." in paragraphs[2].text
    assert "..." not in paragraphs[2].text


def test_sections_in_order_with_their_decisions(
    conclusion_data: ConclusionData, vi: Translator
) -> None:
    body = _body(_open(conclusion_data, vi))
    headings = [
        "I. CÁC Ý KIẾN, KIẾN NGHỊ ĐÃ ĐƯỢC TRẢ LỜI TẠI HỘI NGHỊ",
        "II. CÁC Ý KIẾN, KIẾN NGHỊ GIAO CƠ QUAN, CÔNG CHỨC CHUYÊN MÔN XEM XÉT, GIẢI QUYẾT",
        "III. CÁC Ý KIẾN, KIẾN NGHỊ VƯỢT THẨM QUYỀN, BÁO CÁO CẤP CÓ THẨM QUYỀN",
        "IV. CÁC NỘI DUNG KHÔNG TIẾP NHẬN",
        "Trên đây là kết luận của Chủ tịch UBND xã",
    ]
    positions = [body.index(heading) for heading in headings]
    assert positions == sorted(positions)
    assert "Trả lời: UBND xã đã bố trí kinh phí sửa chữa" in body
    assert (
        "Giao công chức phụ trách địa chính chủ trì, phối hợp với các đơn vị liên quan xem xét, "
        "giải quyết và trả lời bằng văn bản cho công dân trước ngày 08/01/2027." in body
    )
    assert "Giao Phòng Văn hóa - Xã hội chủ trì" in body
    assert "trong thời hạn quy định." in body
    assert "báo cáo Sở Xây dựng tỉnh xem xét, giải quyết theo thẩm quyền" in body
    assert "Lý do: nội dung là đơn khiếu nại. Nội dung có tính chất khiếu nại, tố cáo" in body
    assert "Ủy ban nhân dân xã Bảo Tân thông báo" in body
    assert body.rstrip().endswith("được biết, thực hiện./.")


def test_names_only_with_consent_and_abuse_withheld(
    conclusion_data: ConclusionData, vi: Translator
) -> None:
    body = _body(_open(conclusion_data, vi))
    assert "1. Ý kiến của ông (bà) Nguyễn Văn Bình, Thôn Đông (mã DT-0101):" in body
    assert "1. Ý kiến của công dân ở Thôn Đông (mã DT-0201):" in body
    assert "2. Ý kiến của công dân (mã DT-0202):" in body
    assert "Lời lẽ xúc phạm" not in body
    assert "(mã DT-0109): (Nội dung không được đăng tải do có lời lẽ không phù hợp)" in body


def test_empty_sections_say_so(conclusion_data: ConclusionData, vi: Translator) -> None:
    data = replace(conclusion_data, escalated=[], not_accepted=[])
    body = _body(_open(data, vi))
    assert (
        "III. CÁC Ý KIẾN, KIẾN NGHỊ VƯỢT THẨM QUYỀN, BÁO CÁO CẤP CÓ THẨM QUYỀN\nKhông có." in body
    )
    assert "IV. CÁC NỘI DUNG KHÔNG TIẾP NHẬN\nKhông có." in body


def test_recipients_and_signature(conclusion_data: ConclusionData, vi: Translator) -> None:
    document = _open(conclusion_data, vi)
    bottom = document.tables[-1]
    assert _borderless(bottom)
    left, right = bottom.rows[0].cells
    assert _lines(left) == ["Nơi nhận:", "- Như trên;", "- TT Đảng ủy, HĐND xã;", "- Lưu: VT."]
    title_run = left.paragraphs[0].runs[0]
    assert title_run.bold and title_run.italic
    signature = _lines(right)
    assert signature[:2] == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
    assert signature[-1] == "Nguyễn Văn An"
    assert all(line == "" for line in signature[2:-1]) and len(signature) > 5
    assert right.paragraphs[-1].runs[0].bold


def test_defaults_for_a_draft(conclusion_data: ConclusionData, vi: Translator) -> None:
    data = replace(
        conclusion_data,
        number_symbol=None,
        recipients=[],
        signing_authority="KT. CHỦ TỊCH",
        signer_title="Phó Chủ tịch",
        issue_date=conclusion_data.issue_date.replace(month=3, day=2),
    )
    document = _open(data, vi)
    left, right = document.tables[0].rows[0].cells
    assert "Số:        /TB-UBND" in _lines(left)
    assert "Bảo Tân, ngày 02 tháng 3 năm 2026" in _lines(right)
    recipients = _lines(document.tables[-1].rows[0].cells[0])
    assert recipients[1].startswith("- Thường trực Đảng ủy")
    assert recipients[-1] == "- Lưu: VT."
    assert _lines(document.tables[-1].rows[0].cells[1])[:2] == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]


def test_number_given_with_its_prefix_is_not_doubled(
    conclusion_data: ConclusionData, vi: Translator
) -> None:
    document = _open(replace(conclusion_data, number_symbol="Số: 7/TB-UBND"), vi)
    assert "Số: 7/TB-UBND" in _lines(document.tables[0].rows[0].cells[0])


def test_metadata(conclusion_data: ConclusionData, vi: Translator) -> None:
    properties = _open(conclusion_data, vi).core_properties
    assert properties.author == "ỦY BAN NHÂN DÂN XÃ BẢO TÂN"
    assert properties.title.startswith("THÔNG BÁO Kết luận của Chủ tịch UBND xã")
    assert properties.language == "vi-VN"
    assert properties.comments == ""
    # Midnight of 5 December in Vietnam is 17:00 UTC the day before.
    assert properties.created == datetime(2026, 12, 4, 17, 0, tzinfo=UTC)


def test_english_preview_renders(conclusion_data: ConclusionData, en: Translator) -> None:
    body = _body(_open(conclusion_data, en))
    assert "I. CONCERNS ANSWERED AT THE SESSION" in body
    assert "by 08/01/2027" in body


def _office() -> str | None:
    return shutil.which("libreoffice") or shutil.which("soffice")


def test_converts_to_pdf_with_libreoffice(
    conclusion_data: ConclusionData, vi: Translator, tmp_path: Path
) -> None:
    office = _office()
    if office is None:
        pytest.skip("LibreOffice (libreoffice or soffice) is not installed")
    source = tmp_path / "thong-bao.docx"
    source.write_bytes(render_conclusion_docx(conclusion_data, vi))
    started = time.monotonic()
    subprocess.run(
        [
            office,
            # A profile of its own, so that a running LibreOffice does not swallow the job.
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    elapsed = time.monotonic() - started
    pdf = tmp_path / "thong-bao.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    assert elapsed < 180
    pdftotext = shutil.which("pdftotext")
    if pdftotext is not None:
        text = subprocess.run(
            [pdftotext, "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
        ).stdout
        for expected in ("THÔNG BÁO", "Độc lập - Tự do - Hạnh phúc", "Nơi nhận:", "Nguyễn Văn An"):
            assert expected in text
        # The heading's two columns share their lines on the page.
        assert any("ỦY BAN NHÂN DÂN" in line and "CỘNG HÒA" in line for line in text.splitlines())
