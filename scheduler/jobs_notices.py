"""Public notices and reminders of dialogue sessions, queued in bulk from the database.

The notice job finds sessions whose ``version`` has not been announced yet (created, postponed,
cancelled, moved to a new place) and queues one message per chat of every subscriber of the
covered villages, plus a loudspeaker text for each village head; the reminder job does the same
one day and two hours before the start. Each session is handled in its own transaction with
``enqueue_many``; the idempotency keys (``notice:{session}:{version}:{person}:{channel}``,
``remind1d:{session}:{start}:{person}:{channel}``...) make a repeated or concurrent run harmless,
and the marks on the session (``noticed_version``, ``reminded_*``) keep later runs from
rescanning thousands of recipients.

People with a concern on the agenda or registered to speak hear about their session even when
they muted notices: it concerns them personally.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute, selectinload

from scheduler import jobs_text
from scheduler.jobs_context import JobContext
from storage.models import Commune, DialogueSession, Village
from storage.outbox import OutboxMessage, enqueue_many
from storage.repo.registrations import speaker_ids
from storage.repo.sessions import (
    UPCOMING,
    Recipient,
    agenda_people,
    covered_village_ids,
    people_recipients,
    subscribers,
    village_heads,
)

log = logging.getLogger(__name__)

DAY_BEFORE = timedelta(days=1)
HOURS_BEFORE = timedelta(hours=2)


@dataclass(frozen=True)
class _Audience:
    """Who hears about one session, and the words of its block in each language."""

    commune: Commune
    village_names: dict[int, str]
    covered_names: list[str]
    whole_commune: bool
    subscribers: list[Recipient]
    personal: list[Recipient]
    speakers: dict[int, int]
    agenda: dict[int, list[str]]


async def _audience(session: AsyncSession, dialogue: DialogueSession) -> _Audience:
    commune = await session.get(Commune, dialogue.commune_id)
    assert commune is not None
    village_ids = await covered_village_ids(session, dialogue)
    every = list(
        (await session.scalars(select(Village).where(Village.commune_id == commune.id))).all()
    )
    names = {v.id: v.name for v in every}
    covered = [v.name for v in dialogue.villages]
    speakers = await speaker_ids(session, dialogue.id)
    agenda = await agenda_people(session, dialogue.id)
    return _Audience(
        commune=commune,
        village_names=names,
        covered_names=covered,
        whole_commune=not covered or len(covered) >= len(every),
        subscribers=await subscribers(session, village_ids),
        personal=await people_recipients(session, sorted(set(speakers) | set(agenda))),
        speakers=speakers,
        agenda=agenda,
    )


def _personal_lines(jc: JobContext, audience: _Audience, recipient: Recipient) -> str:
    t = jc.catalogs.get(recipient.locale)
    lines = []
    codes = audience.agenda.get(recipient.person_id)
    if codes:
        lines.append(t("remind.agenda", codes=", ".join(codes)))
    place = audience.speakers.get(recipient.person_id)
    if place is not None:
        lines.append(t("remind.speaker", place=place))
    return "\n".join(lines)


def _messages(
    jc: JobContext,
    audience: _Audience,
    *,
    key: str,
    kind: str,
    now: datetime,
    render: Any,
) -> Iterable[OutboxMessage]:
    """One message per chat: subscribers get the common text, people concerned a personal one.

    ``render(translator) -> payload`` builds the common payload once per language.
    """
    cache: dict[str, dict[str, Any]] = {}

    def common(locale: str) -> dict[str, Any]:
        if locale not in cache:
            cache[locale] = render(jc.catalogs.get(locale))
        return cache[locale]

    personal = {(r.person_id, r.channel): r for r in audience.personal}
    for recipient in audience.subscribers:
        if (recipient.person_id, recipient.channel) in personal:
            continue
        yield _message(recipient, key, kind, common(recipient.locale), now)
    for recipient in personal.values():
        payload = dict(common(recipient.locale))
        extra = _personal_lines(jc, audience, recipient)
        if extra:
            payload["text"] = f"{payload['text']}\n\n{extra}"
        yield _message(recipient, key, kind, payload, now)


def _message(
    recipient: Recipient, key: str, kind: str, payload: dict[str, Any], now: datetime
) -> OutboxMessage:
    return OutboxMessage(
        key=f"{key}:{recipient.person_id}:{recipient.channel}",
        channel=recipient.channel,
        chat_id=recipient.chat_id,
        person_id=recipient.person_id,
        kind=kind,
        payload=payload,
        not_before=now,
    )


async def _claim(
    session: AsyncSession, session_id: int, condition: ColumnElement[bool]
) -> DialogueSession | None:
    """The session if it still needs the work, locked against a second process (PostgreSQL)."""
    return await session.scalar(
        select(DialogueSession)
        .where(DialogueSession.id == session_id, condition)
        .options(selectinload(DialogueSession.villages))
        .with_for_update(of=DialogueSession, skip_locked=True)
    )


async def _ids(jc: JobContext, condition: ColumnElement[bool]) -> list[int]:
    async with jc.db.reader() as session:
        rows = await session.scalars(
            select(DialogueSession.id).where(condition).order_by(DialogueSession.starts_at)
        )
        return list(rows.all())


# --- notices ----------------------------------------------------------------------------------


def _notice_due() -> ColumnElement[bool]:
    return or_(
        DialogueSession.noticed_version.is_(None),
        DialogueSession.noticed_version < DialogueSession.version,
    )


async def queue_notices(jc: JobContext, now: datetime) -> int:
    """Announce every session version not announced yet; returns how many messages were new."""
    added = 0
    for session_id in await _ids(jc, _notice_due()):
        async with jc.db.transaction() as session:
            dialogue = await _claim(session, session_id, _notice_due())
            if dialogue is None:
                continue
            if dialogue.starts_at > now:
                added += await _announce(jc, session, dialogue, now)
            # A session already past is not announced; it is only marked as done.
            dialogue.noticed_version = dialogue.version
            dialogue.announced_at = now
    return added


async def _announce(
    jc: JobContext, session: AsyncSession, dialogue: DialogueSession, now: datetime
) -> int:
    audience = await _audience(session, dialogue)
    tz = jc.timezone
    announce_kind = jobs_text.notice_kind(dialogue)

    def render(t: Any) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "text": jobs_text.notice_text(
                t,
                dialogue,
                tz,
                commune=audience.commune.name,
                village_names=audience.covered_names,
                whole_commune=audience.whole_commune,
            )
        }
        if announce_kind != "cancelled":
            payload["buttons"] = jobs_text.register_button(t, dialogue.id)
        return payload

    key = f"notice:{dialogue.id}:{dialogue.version}"
    messages = list(_messages(jc, audience, key=key, kind="session_notice", now=now, render=render))
    messages += await _loudspeaker(jc, session, dialogue, audience, now)
    added = await enqueue_many(session, messages, created_at=now)
    log.info(
        "session %d v%d (%s): %d notices queued",
        dialogue.id,
        dialogue.version,
        announce_kind,
        added,
    )
    return added


async def _loudspeaker(
    jc: JobContext,
    session: AsyncSession,
    dialogue: DialogueSession,
    audience: _Audience,
    now: datetime,
) -> list[OutboxMessage]:
    """For each village head: a text ready to read out on the village loudspeaker."""
    village_ids = await covered_village_ids(session, dialogue)
    messages = []
    for recipient, village_id in await village_heads(session, village_ids):
        t = jc.catalogs.get(recipient.locale)
        spoken = jobs_text.loudspeaker_text(
            t,
            dialogue,
            jc.timezone,
            commune=audience.commune.name,
            village=audience.village_names.get(village_id, ""),
        )
        text = t("notice.loudspeaker_intro", village=audience.village_names.get(village_id, ""))
        messages.append(
            _message(
                recipient,
                f"loa:{dialogue.id}:{dialogue.version}:{village_id}",
                "loudspeaker_text",
                {"text": f"{text}\n\n{spoken}"},
                now,
            )
        )
    return messages


# --- reminders --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Stage:
    name: str  # "remind1d" or "remind2h": the key prefix
    lead: timedelta
    until: timedelta  # the window ends this long before the start (the next stage takes over)
    mark: InstrumentedAttribute[datetime | None]
    text_key: str


def _stages() -> Sequence[_Stage]:
    return (
        _Stage(
            "remind1d",
            DAY_BEFORE,
            HOURS_BEFORE,
            DialogueSession.reminded_day_before,
            "remind.day_before",
        ),
        _Stage(
            "remind2h",
            HOURS_BEFORE,
            timedelta(0),
            DialogueSession.reminded_hours_before,
            "remind.hours_before",
        ),
    )


def _reminder_due(stage: _Stage, now: datetime) -> ColumnElement[bool]:
    column = stage.mark
    return and_(
        DialogueSession.status.in_(UPCOMING),
        DialogueSession.starts_at > now + stage.until,
        DialogueSession.starts_at <= now + stage.lead,
        DialogueSession.noticed_version == DialogueSession.version,
        or_(column.is_(None), column != DialogueSession.starts_at),
    )


def start_stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%MZ")


async def queue_reminders(jc: JobContext, now: datetime) -> int:
    """Queue the day-before and two-hours-before reminders that are due; returns how many."""
    added = 0
    for stage in _stages():
        for session_id in await _ids(jc, _reminder_due(stage, now)):
            async with jc.db.transaction() as session:
                dialogue = await _claim(session, session_id, _reminder_due(stage, now))
                if dialogue is None:
                    continue
                announced = dialogue.announced_at
                # A notice sent after the reminder time already told people everything.
                if announced is None or announced <= dialogue.starts_at - stage.lead:
                    added += await _remind(jc, session, dialogue, stage, now)
                setattr(dialogue, stage.mark.key, dialogue.starts_at)
    return added


async def _remind(
    jc: JobContext, session: AsyncSession, dialogue: DialogueSession, stage: _Stage, now: datetime
) -> int:
    audience = await _audience(session, dialogue)
    tz = jc.timezone

    def render(t: Any) -> dict[str, Any]:
        local = dialogue.starts_at.astimezone(tz)
        text = t(
            stage.text_key,
            title=dialogue.title,
            when=jobs_text.when_text(t, dialogue.starts_at, tz),
            time=f"{local:%H:%M}",
            place=jobs_text.place_text(t, dialogue),
        )
        return {"text": text}

    key = f"{stage.name}:{dialogue.id}:{start_stamp(dialogue.starts_at)}"
    messages = _messages(jc, audience, key=key, kind="session_reminder", now=now, render=render)
    added = await enqueue_many(session, messages, created_at=now)
    log.info("session %d: %d %s reminders queued", dialogue.id, added, stage.name)
    return added
