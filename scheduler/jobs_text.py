"""How a dialogue session reads in a message: dates, the summary block, notices, loudspeaker text.

Shared by the handlers (session card, /lich) and the jobs (notices, reminders), so a session
reads the same everywhere. Everything takes a ``Translator``; nothing here touches the database.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from locales import Translator
from storage.models import DialogueSession, SessionForm, SessionStatus

# Telegram's callback data of a button that stays valid; must equal handlers.context.LASTING
# (the scheduler may not import handlers, a test checks the two agree).
LASTING_NONCE = "g"
REGISTER_ACTION = "reg_session"

# Social groups a thematic session may address; other text is shown as written.
TARGET_GROUPS = (
    "nong_dan",
    "thanh_nien",
    "phu_nu",
    "cuu_chien_binh",
    "cong_nhan",
    "doanh_nghiep",
    "nguoi_cao_tuoi",
)


def day_text(t: Translator, day: date) -> str:
    """ "thứ Ba 15/12/2026": the weekday helps people who do not read dates easily."""
    return t("session.day", weekday=t(f"session.weekday.{day.weekday()}"), date=f"{day:%d/%m/%Y}")


def when_text(t: Translator, moment: datetime, tz: ZoneInfo) -> str:
    local = moment.astimezone(tz)
    return t("session.when", time=f"{local:%H:%M}", day=day_text(t, local.date()))


def spoken_when(t: Translator, moment: datetime, tz: ZoneInfo) -> str:
    """The time as it is read on a loudspeaker: "8 giờ 30 phút, thứ Ba ngày 15/12/2026"."""
    local = moment.astimezone(tz)
    hour = (
        t("notice.spoken_hour_minute", hour=local.hour, minute=local.minute)
        if local.minute
        else t("notice.spoken_hour", hour=local.hour)
    )
    return t("notice.spoken_when", hour=hour, day=day_text(t, local.date()))


def place_text(t: Translator, dialogue: DialogueSession) -> str:
    if dialogue.form is SessionForm.ONLINE and dialogue.online_link:
        return dialogue.online_link
    return dialogue.venue or dialogue.online_link or t("session.place_none")


def group_label(t: Translator, group: str | None) -> str | None:
    if not group:
        return None
    return t(f"session.group.{group}") if group in TARGET_GROUPS else group


def villages_text(t: Translator, names: Sequence[str], whole_commune: bool) -> str:
    return t("session.villages_all") if whole_commune or not names else ", ".join(names)


def summary(
    t: Translator,
    dialogue: DialogueSession,
    tz: ZoneInfo,
    *,
    village_names: Sequence[str],
    whole_commune: bool,
) -> str:
    """The block every message about a session carries: what, when, where, who, for whom."""
    lines = [
        f"📅 {dialogue.title}",
        f"🕗 {when_text(t, dialogue.starts_at, tz)}",
        f"📍 {place_text(t, dialogue)}",
        t("session.line_host", host=dialogue.host),
        t("session.line_villages", villages=villages_text(t, village_names, whole_commune)),
        t(
            "session.line_kind",
            kind=t(f"session.kind.{dialogue.kind.value}"),
            form=t(f"session.form.{dialogue.form.value}"),
        ),
    ]
    if dialogue.topics:
        topics = ", ".join(t(f"topic.{code}") for code in dialogue.topics if t.has(f"topic.{code}"))
        if topics:
            lines.append(t("session.line_topics", topics=topics))
    group = group_label(t, dialogue.target_group)
    if group:
        lines.append(t("session.line_group", group=group))
    return "\n".join(lines)


def status_label(t: Translator, status: SessionStatus) -> str:
    return t(f"session.status.{status.value}")


def notice_kind(dialogue: DialogueSession) -> str:
    """Which announcement the current version of a session calls for."""
    if dialogue.status is SessionStatus.CANCELLED:
        return "cancelled"
    if dialogue.previous_starts_at is not None and dialogue.status is SessionStatus.POSTPONED:
        return "postponed"
    return "new" if dialogue.version <= 1 else "changed"


def notice_text(
    t: Translator,
    dialogue: DialogueSession,
    tz: ZoneInfo,
    *,
    commune: str,
    village_names: Sequence[str],
    whole_commune: bool,
) -> str:
    kind = notice_kind(dialogue)
    block = summary(t, dialogue, tz, village_names=village_names, whole_commune=whole_commune)
    old = dialogue.previous_starts_at or dialogue.starts_at
    return t(
        f"notice.{kind}",
        commune=commune,
        title=dialogue.title,
        summary=block,
        when=when_text(t, dialogue.starts_at, tz),
        old=when_text(t, old, tz),
    )


def loudspeaker_text(
    t: Translator, dialogue: DialogueSession, tz: ZoneInfo, *, commune: str, village: str
) -> str:
    """A short text a village head can read out on the loudspeaker as it is."""
    kind = notice_kind(dialogue)
    old = dialogue.previous_starts_at or dialogue.starts_at
    return t(
        f"notice.loudspeaker_{kind}",
        commune=commune,
        village=village,
        title=dialogue.title,
        when=spoken_when(t, dialogue.starts_at, tz),
        old=spoken_when(t, old, tz),
        place=place_text(t, dialogue),
        host=dialogue.host,
    )


def register_button(t: Translator, session_id: int) -> list[list[list[str]]]:
    """An outbox payload's buttons: one that opens /dangky for this session."""
    data = f"{LASTING_NONCE}|{REGISTER_ACTION}|{session_id}"
    return [[[t("session.register_button"), data]]]
