"""The public page of answered concerns: one self-contained HTML file a citizen opens on a phone.

No script, no external resource (a Content-Security-Policy says so to the browser too), every
piece of data escaped. Concerns are grouped by topic with anchors; picking a topic in the menu
shows only that topic where the browser supports ``:has()``, and just jumps to it elsewhere.
Citizens' text is published without personal data: a name only where the citizen consented
(``public_name``), and phone numbers, ID numbers and e-mail addresses masked wherever they were
typed into a question or an answer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from html import escape

from handlers.reports._format import (
    as_local_datetime,
    at,
    cap_first,
    clean,
    fmt_date,
    one_line,
    topic_label,
)
from locales import Translator
from nlp.topics import TOPICS
from storage.report_records import PublicItem

# Vietnamese phone numbers (0xx or +84, 9 to 12 digits with spaces, dots or dashes between) and
# 12-digit citizen ID numbers, which start with 0 too. Money ("150.000.000") never starts with 0.
_PHONE_OR_ID = re.compile(r"(?<![\w.,])(?:\+84|0)(?:[ .-]?\d){8,11}(?!\d)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_ID_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")

_CSS = """
*{box-sizing:border-box}
body{margin:0;font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;
color:#1b1f23;background:#f4f6f8}
header,nav,main,footer{max-width:46rem;margin:0 auto;padding:0 1rem}
header{padding-top:1rem}
h1{font-size:1.35rem;line-height:1.3;margin:.2rem 0;color:#8b0000}
.unit{font-weight:600;margin:0}
.meta{color:#555;font-size:.9rem;margin:.2rem 0}
nav{position:sticky;top:0;background:#f4f6f8;padding-top:.5rem;padding-bottom:.5rem;
display:flex;flex-wrap:wrap;gap:.4rem;border-bottom:1px solid #d0d7de}
nav a{display:inline-block;padding:.3rem .7rem;border-radius:1rem;background:#fff;
border:1px solid #c8d1da;color:#0b4f8a;text-decoration:none;font-size:.9rem}
h2{font-size:1.15rem;margin:1.2rem 0 .5rem;padding-top:.3rem}
section{scroll-margin-top:4.5rem}
h2 span{color:#555;font-weight:400}
article{background:#fff;border:1px solid #d0d7de;border-left:4px solid #0b4f8a;
border-radius:.4rem;padding:.7rem .9rem;margin:.6rem 0}
article p{margin:.35rem 0;overflow-wrap:anywhere}
.label{font-weight:700}
.answer{border-top:1px dashed #d0d7de;padding-top:.4rem}
.code{font-family:ui-monospace,Menlo,Consolas,monospace}
footer{color:#555;font-size:.85rem;padding-bottom:2rem}
main:has(section:target) section:not(:target){display:none}
"""


def _mask(t: Translator, text: str) -> str:
    masked = t("public.masked")
    return _EMAIL.sub(masked, _PHONE_OR_ID.sub(masked, text))


def _html_text(t: Translator, text: str) -> str:
    """Escaped, masked text with its line breaks kept."""
    return escape(_mask(t, clean(text))).replace("\n", "<br>\n")


def _anchor(prefix: str, key: str) -> str:
    return prefix + _ID_UNSAFE.sub("-", key)


def _topic_order(items: Sequence[PublicItem]) -> list[str]:
    present = {item.topic for item in items}
    known = [code for code in TOPICS if code in present]
    return known + sorted(present - set(known))


def _newest_first(items: Sequence[PublicItem]) -> list[PublicItem]:
    return sorted(
        items,
        key=lambda i: (as_local_datetime(i.answered_at), as_local_datetime(i.date), i.code),
        reverse=True,
    )


def _article(t: Translator, item: PublicItem) -> str:
    facts = [f'<span class="code">{escape(one_line(item.code))}</span>']
    village = one_line(item.village or "")
    if village:
        facts.append(escape(village))
    facts.append(escape(t("public.received", date=fmt_date(item.date))))
    parts = [
        f'<article id="{escape(_anchor("y-kien-", one_line(item.code)))}">',
        f'<p class="meta">{" · ".join(facts)}</p>',
        f'<p><span class="label">{escape(t("public.question"))}:</span> '
        f"{_html_text(t, item.question)}</p>",
        f'<p class="answer"><span class="label">{escape(t("public.answer"))}</span> '
        f"({escape(t('public.answered_on', date=fmt_date(item.answered_at)))}): "
        f"{_html_text(t, item.answer)}</p>",
    ]
    name = one_line(item.public_name or "")
    if name:
        parts.append(f'<p class="meta">{escape(t("public.sender", name=name))}</p>')
    parts.append("</article>")
    return "\n".join(parts)


def render_public_page(
    commune_name: str, items: Sequence[PublicItem], t: Translator, generated_at: datetime
) -> str:
    """The whole page as an HTML string (UTF-8 when written out)."""
    unit = cap_first(one_line(commune_name))
    title = t("public.title")
    topics = _topic_order(items)
    by_topic = {code: _newest_first([i for i in items if i.topic == code]) for code in topics}
    nav = [f'<a href="#tat-ca">{escape(t("public.all"))} ({len(items)})</a>']
    sections: list[str] = []
    for code in topics:
        anchor = escape(_anchor("chu-de-", code))
        label = escape(topic_label(t, code))
        count = len(by_topic[code])
        nav.append(f'<a href="#{anchor}">{label} ({count})</a>')
        articles = "\n".join(_article(t, item) for item in by_topic[code])
        sections.append(
            f'<section id="{anchor}">\n<h2>{label} <span>({count})</span></h2>\n{articles}\n'
            "</section>"
        )
    if not sections:
        sections.append(f'<p class="meta">{escape(t("public.empty"))}</p>')
    return "\n".join(
        [
            "<!DOCTYPE html>",
            f'<html lang="{escape(t.language)}">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            '<meta http-equiv="Content-Security-Policy" '
            "content=\"default-src 'none'; style-src 'unsafe-inline'\">",
            '<meta name="referrer" content="no-referrer">',
            f"<title>{escape(title)} — {escape(unit)}</title>",
            f"<style>{_CSS}</style>",
            "</head>",
            "<body>",
            "<header>",
            f'<p class="unit">{escape(unit)}</p>',
            f"<h1>{escape(title)}</h1>",
            f'<p class="meta">{escape(t("public.count", count=len(items)))} · '
            f"{escape(t('public.updated', **at(generated_at)))}</p>",
            "</header>",
            f'<nav aria-label="{escape(t("public.nav_label"))}">{" ".join(nav)}</nav>',
            '<main id="tat-ca">',
            *sections,
            "</main>",
            f"<footer><p>{escape(t('public.privacy'))}</p></footer>",
            "</body>",
            "</html>",
            "",
        ]
    )
