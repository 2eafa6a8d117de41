"""Turns a confirmed draft into a concern: throttles, duplicates, tracking code, agenda, alerts."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from handlers import draft
from handlers.common import show_menu
from handlers.context import Ctx
from handlers.notify import notify_person, officials_of, text_payload
from scheduler.commune_calendar import CommuneSettingsError, timeline_for
from scheduler.deadlines import Timeline
from storage.models import Commune, Concern, Person, Role, Village
from storage.repo.concerns import AttachmentDraft, ConcernDraft, create_concern, recent_by_submitter
from storage.repo.sessions import next_session_for_village


def spoken_code(code: str) -> str:
    """The code as it is read aloud: "DT-26-0042" -> "DT 26 0042" with spaced digits."""
    prefix, year, number = code.split("-")
    return f"{' '.join(prefix)} - {' '.join(year)} - {' '.join(number)}"


async def _villager_by_phone(ctx: Ctx, phone: str | None) -> int | None:
    if not phone:
        return None
    return await ctx.session.scalar(
        select(Person.id).where(Person.phone == phone, Person.erased_at.is_(None)).limit(1)
    )


async def submit_draft(ctx: Ctx, *, allow_duplicate: bool) -> None:
    person = ctx.person
    assert person is not None and person.commune_id is not None
    text = draft.draft_text(ctx)
    if not text:
        ctx.say(ctx.t("intake.empty"))
        ctx.set_step("intake", "write")
        await ctx.reprompt()
        return
    limits = ctx.services.limits
    hour_ago = ctx.now - timedelta(hours=1)
    duplicate_since = ctx.now - limits.duplicate_window
    recent = await recent_by_submitter(ctx.session, person.id, min(hour_ago, duplicate_since))
    if sum(c.created_at >= hour_ago for c in recent) >= limits.concerns_per_hour:
        ctx.say(ctx.t("intake.throttled", limit=limits.concerns_per_hour))
        return
    if not allow_duplicate:
        same = next((c for c in recent if c.text == text and c.created_at >= duplicate_since), None)
        if same is not None:
            ctx.set_step("intake", "dup", dup_code=same.code)
            await ctx.reprompt()
            return
    proxy = ctx.data.get("proxy") or None
    village_id = person.village_id
    if proxy:
        head = await ctx.role(Role.VILLAGE_HEAD)
        village_id = head.village_id if head is not None else village_id
    commune = await ctx.session.get(Commune, person.commune_id)
    assert commune is not None
    topics = [t for t in ctx.data.get("topics", []) if t in draft.TOPIC_CODES] or ["khac"]
    scores = ctx.data.get("scores", {})
    source = "citizen" if ctx.data.get("topics_by_person") else "model"
    flags = ctx.data.get("flags", {})
    legal_complaint = bool(flags.get("legal_complaint"))
    # A petition under the law is recorded but never put on a dialogue's agenda.
    upcoming = (
        None
        if legal_complaint
        else await next_session_for_village(ctx.session, village_id, commune.id, ctx.now)
    )
    concern = await create_concern(
        ctx.session,
        ConcernDraft(
            commune_id=commune.id,
            village_id=village_id,
            submitter_id=person.id,
            channel=ctx.event.chat.channel,
            text=text,
            topics=[(t, scores.get(t), source) for t in topics],
            legal_complaint=legal_complaint,
            urgent=bool(flags.get("urgent")),
            abusive=bool(flags.get("abusive")),
            show_name=bool(ctx.data.get("show_name")),
            model_version=ctx.data.get("model_version"),
            on_behalf_name=proxy.get("name") if proxy else None,
            on_behalf_phone=proxy.get("phone") if proxy else None,
            attachments=[AttachmentDraft(**a) for a in ctx.data.get("attachments", [])],
            session_id=upcoming.id if upcoming is not None else None,
        ),
        code_prefix=commune.code_prefix,
        now=ctx.now,
    )
    if proxy:
        concern.on_behalf_person_id = await _villager_by_phone(ctx, proxy.get("phone"))
    ctx.clear_flow()
    # One message with everything the person needs to know next: fewer pings on an old phone.
    parts = [ctx.t("intake.received", code=concern.code, spoken=spoken_code(concern.code))]
    if concern.legal_complaint:
        parts.append(ctx.t("intake.legal_complaint", commune=commune.name))
    if upcoming is not None:
        when = ctx.local(upcoming.starts_at).strftime("%H:%M %d/%m/%Y")
        venue = upcoming.venue or upcoming.online_link or ""
        parts.append(ctx.t("intake.next_session", title=upcoming.title, when=when, venue=venue))
    else:
        parts.append(ctx.t("intake.no_session_yet"))
    try:
        timeline = timeline_for(commune)
    except CommuneSettingsError:
        # The receipt must not fail on a commune's bad settings; the jobs report those.
        timeline = Timeline()
    parts.append(
        ctx.t(
            "intake.time_limits",
            track=f"/tracuu {concern.code}",
            answer_days=timeline.answer_working_days,
            max_days=timeline.extension_max_working_days,
        )
    )
    show_menu(ctx, "\n\n".join(parts))
    if concern.urgent:
        await _alert_officials(ctx, concern, village_id)


async def _alert_officials(ctx: Ctx, concern: Concern, village_id: int | None) -> None:
    village = await ctx.session.get(Village, village_id) if village_id else None
    for membership in await officials_of(ctx.session, concern.commune_id):
        official = await ctx.session.get(Person, membership.person_id)
        translator = ctx.services.catalogs.get(official.locale if official else None)
        text = translator(
            "alert.urgent",
            code=concern.code,
            village=village.name if village else "",
            text=concern.text[:500],
        )
        await notify_person(
            ctx.session,
            membership.person_id,
            key=f"urgent:{concern.code}:{membership.person_id}",
            kind="urgent_alert",
            payload=text_payload(text),
            now=ctx.now,
        )
