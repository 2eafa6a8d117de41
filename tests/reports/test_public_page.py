"""The public page: self-contained, escaped, grouped by topic, newest first, no personal data."""

from __future__ import annotations

from datetime import UTC, date, datetime
from html.parser import HTMLParser

from handlers.reports.public_page import render_public_page
from locales import Translator
from storage.report_records import PublicItem

NOW = datetime(2026, 12, 5, 3, 0, tzinfo=UTC)
VOID = {"meta", "br", "link", "img", "input", "hr"}


class _Collector(HTMLParser):
    """Tags, attributes and text of a page, and whether every element was closed."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.open: list[str] = []
        self.text: list[str] = []
        self.balanced = True

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open.pop() != tag:
            self.balanced = False

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(html: str) -> _Collector:
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector


def test_page_is_self_contained(public_items: list[PublicItem], vi: Translator) -> None:
    html = render_public_page("xã Bảo Tân", public_items, vi, NOW)
    page = _parse(html)
    assert page.balanced and not page.open
    names = [tag for tag, _ in page.tags]
    assert "script" not in names
    assert "link" not in names and "img" not in names
    metas = [attrs for tag, attrs in page.tags if tag == "meta"]
    assert {"charset": "utf-8"} in metas
    assert any(a.get("name") == "viewport" for a in metas)
    assert any("default-src 'none'" in (a.get("content") or "") for a in metas)
    for _, attrs in page.tags:
        for name in ("src", "href"):
            value = attrs.get(name)
            assert value is None or value.startswith("#"), value
    assert html.startswith('<!DOCTYPE html>\n<html lang="vi">')


def test_content_is_escaped(public_items: list[PublicItem], vi: Translator) -> None:
    html = render_public_page("xã <Bảo Tân>", public_items, vi, NOW)
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;nguy hiểm&lt;/b&gt;" in html
    assert "&quot;bao giờ&quot;" in html
    assert "Xã &lt;Bảo Tân&gt;" in html
    # Line breaks in an answer survive.
    assert "Đã sửa xong.<br>\nCảm ơn bà con." in html


def test_names_only_with_consent(public_items: list[PublicItem], vi: Translator) -> None:
    text = "".join(_parse(render_public_page("xã Bảo Tân", public_items, vi, NOW)).text)
    assert text.count("Người gửi:") == 1
    assert "Người gửi: Nguyễn Văn Bình" in text


def test_phone_numbers_are_masked_but_amounts_kept(
    public_items: list[PublicItem], vi: Translator
) -> None:
    html = render_public_page("xã Bảo Tân", public_items, vi, NOW)
    assert "0912" not in html and "345 678" not in html
    assert "gọi [đã ẩn] giúp tôi" in html
    assert "150.000.000 đồng" in html


def test_grouped_by_topic_with_anchors_newest_first(
    public_items: list[PublicItem], vi: Translator
) -> None:
    html = render_public_page("xã Bảo Tân", public_items, vi, NOW)
    page = _parse(html)
    sections = [attrs["id"] for tag, attrs in page.tags if tag == "section"]
    # Topics in the classifier's order: land before infrastructure.
    assert sections == ["chu-de-dat_dai", "chu-de-ha_tang"]
    links = [attrs["href"] for tag, attrs in page.tags if tag == "a"]
    assert links == ["#tat-ca", "#chu-de-dat_dai", "#chu-de-ha_tang"]
    assert 'id="tat-ca"' in html
    # Within infrastructure the answer of 1 December comes before that of 20 November.
    assert html.index('id="y-kien-DT-0102"') < html.index('id="y-kien-DT-0101"')
    assert "Hạ tầng <span>(2)</span>" in html
    assert "3 ý kiến đã được trả lời · Cập nhật lúc 10:00 ngày 05/12/2026" in html


def test_mixed_dates_and_datetimes_sort(vi: Translator) -> None:
    items = [
        PublicItem("A", date(2026, 1, 1), None, "khac", "q", "a", date(2026, 2, 1)),
        PublicItem("B", date(2026, 1, 1), None, "khac", "q", "a", datetime(2026, 2, 1, 20, 0)),
        PublicItem("C", date(2026, 1, 1), None, "moi", "q", "a", date(2026, 1, 5)),
    ]
    html = render_public_page("xã Bảo Tân", items, vi, NOW)
    assert html.index('id="y-kien-B"') < html.index('id="y-kien-A"')
    # An unknown topic code still gets its own section, after the known ones.
    assert html.index('id="chu-de-khac"') < html.index('id="chu-de-moi"')


def test_empty_page(vi: Translator, en: Translator) -> None:
    assert "Chưa có ý kiến nào được trả lời." in render_public_page("xã Bảo Tân", [], vi, NOW)
    english = render_public_page("Bao Tan commune", [], en, NOW)
    assert '<html lang="en">' in english
    assert "No concern has been answered yet." in english
