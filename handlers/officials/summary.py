"""The triage summary from the database's rows: counts, groups of similar concerns, and concerns
raised again and again without being settled.

Pure and synchronous, so that the handler can run it in a worker thread: grouping 10,000 texts
takes about a second of CPU, which must not stall the other chats' events.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime

from nlp.grouping import Group, GroupItem, group_similar
from storage.repo.reporting import TriageInput
from storage.report_records import ConcernRow, Count, GroupRow, TriageData

# The chat version lists at most this many items a section, the printable DOCX this many (a
# working paper for the host, not an archive: past a few hundred rows nobody reads it, and
# python-docx needs seconds per thousand rows); the XLSX carries everything.
CHAT_LIMIT = 20
PRINT_LIMIT = 200


def _count(keys: Iterable[str]) -> list[Count]:
    return sorted(Counter(keys).items(), key=lambda pair: (-pair[1], pair[0]))


def _similar(pool: Sequence[ConcernRow]) -> list[tuple[Group, list[int]]]:
    """Groups of similar texts with the indexes (into ``pool``) of their members, sorted.

    The same text sent again and again (copied, forwarded by several people) is grouped once:
    identical texts always fall in one group, and the grouping's cost follows the number of
    distinct texts.
    """
    first: dict[str, int] = {}
    copies: dict[int, list[int]] = {}
    items: list[GroupItem] = []
    for i, row in enumerate(pool):
        key = " ".join(row.text.split()).casefold()
        original = first.setdefault(key, i)
        if original == i:
            items.append(GroupItem(str(i), row.text))
            copies[i] = [i]
        else:
            copies[original].append(i)
    return [
        (group, sorted(i for key in group.keys for i in copies[int(key)]))
        for group in group_similar(items)
    ]


def _group_row(pool: Sequence[ConcernRow], group: Group, members: list[int]) -> GroupRow:
    representative = int(group.representative_key)
    if representative not in members:
        # The group's most typical text was an earlier concern; show a current one.
        representative = members[0]
    villages = Counter(pool[i].village for i in members if pool[i].village)
    topics = Counter(pool[i].primary_topic for i in members)
    return GroupRow(
        representative_text=pool[representative].text,
        count=len(members),
        codes=tuple(pool[i].code for i in members),
        villages=tuple(v for v, _ in villages.most_common() if v),
        primary_topic=topics.most_common(1)[0][0],
    )


def build_triage(inp: TriageInput, *, title: str, generated_at: datetime) -> TriageData:
    """Group the current concerns together with the earlier unresolved ones, so that one
    grouping finds both the groups of this period and the issues raised before.

    Complaints and denunciations are listed apart and never grouped (they follow the law's own
    procedure); abusive concerns are counted but not grouped, so their words cannot become a
    group's representative text.
    """
    current = inp.current
    groupable = [r for r in current if not r.legal_complaint and not r.abusive]
    pool = groupable + inp.earlier
    group_rows: list[GroupRow] = []
    repeated: list[ConcernRow] = []
    for group, members in _similar(pool):
        now = [i for i in members if i < len(groupable)]
        before = [i for i in members if i >= len(groupable)]
        if len(now) >= 2:
            group_rows.append(_group_row(pool, group, now))
        if now and before:
            first = min(before, key=lambda i: (pool[i].created_at, i))
            repeated.append(replace(pool[first], times_raised=len(members)))
    group_rows.sort(key=lambda g: -g.count)
    repeated.sort(key=lambda r: -r.times_raised)
    return TriageData(
        commune_name=inp.commune_name,
        title=title,
        period_start=inp.period_start,
        period_end=inp.period_end,
        generated_at=generated_at,
        total=len(current),
        by_topic=_count(r.primary_topic for r in current),
        by_village=_count(r.village or "" for r in current),
        groups=group_rows,
        urgent=[r for r in current if r.urgent],
        legal_complaints=[r for r in current if r.legal_complaint],
        repeated_unresolved=repeated,
        speakers=inp.speakers,
    )


def for_chat(data: TriageData, limit: int = CHAT_LIMIT) -> tuple[TriageData, bool]:
    """The summary cut to ``limit`` items a section (by default what reads well on a phone);
    True if anything was cut."""
    sections = (data.urgent, data.groups, data.repeated_unresolved, data.legal_complaints)
    cut = any(len(section) > limit for section in sections)
    trimmed = replace(
        data,
        urgent=data.urgent[:limit],
        groups=data.groups[:limit],
        repeated_unresolved=data.repeated_unresolved[:limit],
        legal_complaints=data.legal_complaints[:limit],
    )
    return trimmed, cut
