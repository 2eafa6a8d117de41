"""The triage summary as chat messages an official reads on a phone before a session.

Plain text, no markup (it is sent without a parse mode), sections marked with an emoji. The order
is the order of urgency: counts, URGENT, groups of similar concerns, concerns raised again and
again, complaints and denunciations (kept apart: they follow their own law), then the speakers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from handlers.reports._format import (
    at,
    cap_first,
    concern_text,
    fmt_date,
    one_line,
    shorten,
    status_label,
    topic_label,
    village_label,
)
from handlers.reports._paging import Block, paginate
from locales import Translator
from storage.report_records import ConcernRow, Count, GroupRow, SpeakerRow, TriageData

# A concern's text is cut to this many characters: enough to recognise it, the rest is one
# /tracuu away. Group texts are shorter because the group is what matters.
CONCERN_TEXT_LIMIT = 280
GROUP_TEXT_LIMIT = 200
# Beyond this many codes a group lists "and N more": a phone screen is narrow.
GROUP_CODES_SHOWN = 6
INDENT = "   "


def _heading(marker: str, title: str, count: int) -> str:
    # Emoji are markers, not words, so they stay out of the catalogs.
    return f"{marker} {title.upper()} ({count})"


def _section(heading: str, items: Sequence[Block], empty: str) -> list[Block]:
    """The heading kept on the same page as the first item."""
    if not items:
        return [[heading, empty]]
    return [[heading, *items[0]], *items[1:]]


def _counts(heading: str, counts: Sequence[Count], label: Callable[[str], str]) -> Block:
    return [heading, *(f"• {label(key)}: {count}" for key, count in counts)]


def _concern(t: Translator, number: int, row: ConcernRow, *, repeated: bool = False) -> Block:
    facts = [
        row.code,
        village_label(t, row.village),
        topic_label(t, row.primary_topic),
        fmt_date(row.created_at),
    ]
    if repeated:
        facts.append(t("report.triage.times_raised", count=row.times_raised))
        facts.append(status_label(t, row.status))
    text = concern_text(t, row.text, row.abusive)
    return [f"{number}. " + " · ".join(facts), INDENT + shorten(text, CONCERN_TEXT_LIMIT)]


def _group(t: Translator, number: int, group: GroupRow) -> Block:
    facts = [
        t("report.triage.group_count", count=group.count),
        topic_label(t, group.primary_topic),
    ]
    villages = ", ".join(village_label(t, v) for v in group.villages)
    if villages:
        facts.append(villages)
    codes = ", ".join(group.codes[:GROUP_CODES_SHOWN])
    hidden = len(group.codes) - GROUP_CODES_SHOWN
    if hidden > 0:
        codes = t("report.triage.codes_more", codes=codes, count=hidden)
    lines = [
        f"{number}. " + " · ".join(facts),
        INDENT
        + t("report.triage.quote", text=shorten(group.representative_text, GROUP_TEXT_LIMIT)),
    ]
    if codes:
        lines.append(INDENT + t("report.triage.codes", codes=codes))
    return lines


def _speaker(t: Translator, speaker: SpeakerRow) -> Block:
    name = one_line(speaker.name or "") or t("report.speaker.anonymous")
    if speaker.concern_code:
        return [
            t(
                "report.triage.speaker_with_code",
                position=speaker.position,
                name=name,
                code=speaker.concern_code,
            )
        ]
    return [t("report.triage.speaker", position=speaker.position, name=name)]


def triage_blocks(data: TriageData, t: Translator) -> list[Block]:
    """The whole summary as blocks of lines, before it is cut into pages."""
    header: Block = [
        "📋 " + t("report.triage.title").upper(),
        cap_first(one_line(f"{data.commune_name} — {data.title}")),
        t("report.period", start=fmt_date(data.period_start), end=fmt_date(data.period_end)),
        t("report.total", count=data.total),
        t("report.generated", **at(data.generated_at)),
    ]
    blocks: list[Block] = [header]
    if data.by_topic:
        blocks.append(
            _counts("📊 " + t("report.by_topic"), data.by_topic, lambda c: topic_label(t, c))
        )
    if data.by_village:
        blocks.append(
            _counts("🏘 " + t("report.by_village"), data.by_village, lambda v: village_label(t, v))
        )
    blocks += _section(
        _heading("🚨", t("report.triage.h_urgent"), len(data.urgent)),
        [_concern(t, n, row) for n, row in enumerate(data.urgent, 1)],
        t("report.none"),
    )
    blocks += _section(
        _heading("👥", t("report.triage.h_groups"), len(data.groups)),
        [_group(t, n, group) for n, group in enumerate(data.groups, 1)],
        t("report.none"),
    )
    blocks += _section(
        _heading("🔁", t("report.triage.h_repeated"), len(data.repeated_unresolved)),
        [_concern(t, n, r, repeated=True) for n, r in enumerate(data.repeated_unresolved, 1)],
        t("report.none"),
    )
    legal_items = [_concern(t, n, row) for n, row in enumerate(data.legal_complaints, 1)]
    if legal_items:
        legal_items[0] = [t("report.triage.legal_note"), *legal_items[0]]
    blocks += _section(
        _heading("⚖️", t("report.triage.h_legal"), len(data.legal_complaints)),
        legal_items,
        t("report.none"),
    )
    # Speakers are one short line each: one block, so no blank lines between them.
    speakers = [line for speaker in data.speakers for line in _speaker(t, speaker)]
    blocks.append(
        [
            _heading("🎤", t("report.triage.h_speakers"), len(data.speakers)),
            *(speakers or [t("report.none")]),
        ]
    )
    return blocks


def render_triage_pages(data: TriageData, t: Translator, max_chars: int = 3500) -> list[str]:
    """The summary as messages of at most ``max_chars`` characters (UTF-16 units), cut between
    lines; several pages end with "page i/n"."""
    return paginate(
        triage_blocks(data, t),
        max_chars,
        lambda page, pages: t("report.page", page=page, pages=pages),
    )
