"""/taophien, second part: which villages, topics and social group a new session is for.

Toggle buttons keep the step (and its nonce) so that the other buttons of the same picker stay
valid; typed village names are matched without diacritics.
"""

from __future__ import annotations

from handlers import draft
from handlers.context import Ctx
from handlers.events import Text
from handlers.router import Router, expect_buttons
from scheduler.jobs_text import TARGET_GROUPS
from storage.models import SessionKind
from storage.repo.communes import match_names, villages_of

router = Router()
FLOW = "session_new"


async def to_villages(ctx: Ctx, venue: str | None) -> None:
    villages = await villages_of(ctx.session, int(ctx.data["commune_id"]))
    ctx.set_step(FLOW, "villages", place=venue, village_ids=[v.id for v in villages])
    await ctx.reprompt()


# --- villages, topics, group ------------------------------------------------------------------


@router.prompt(FLOW, "villages")
async def ask_villages(ctx: Ctx) -> None:
    chosen = set(ctx.data.get("village_ids", []))
    villages = await villages_of(ctx.session, int(ctx.data["commune_id"]))
    buttons = [
        ctx.button(("✅ " if v.id in chosen else "") + v.name, "sn_village", str(v.id))
        for v in villages
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append([ctx.button(ctx.t("session.villages_all_button"), "sn_village", "all")])
    rows.append([ctx.button(ctx.t("session.done"), "sn_villages_done")])
    ctx.say(ctx.t("session.ask_villages"), rows)


@router.action("sn_village")
async def toggle_village(ctx: Ctx) -> None:
    villages = await villages_of(ctx.session, int(ctx.data["commune_id"]))
    ids = {v.id for v in villages}
    chosen = [i for i in ctx.data.get("village_ids", []) if i in ids]
    if ctx.arg == "all":
        chosen = sorted(ids)
    elif ctx.arg.isdigit() and int(ctx.arg) in ids:
        village_id = int(ctx.arg)
        chosen = (
            [i for i in chosen if i != village_id]
            if village_id in chosen
            else [*chosen, village_id]
        )
    else:
        ctx.say(ctx.t("error.button_invalid"))
    # Toggling keeps the step (and its nonce): the other village buttons must stay valid.
    ctx.data["village_ids"] = chosen
    await ctx.reprompt()


async def _typed_villages(ctx: Ctx, text: str) -> None:
    villages = await villages_of(ctx.session, int(ctx.data["commune_id"]))
    names = [v.name for v in villages]
    chosen: list[int] = []
    for part in text.replace(";", ",").split(","):
        found = match_names(part, names) if part.strip() else []
        if len(found) >= 1:
            chosen.append(villages[found[0]].id)
    if not chosen:
        ctx.say(ctx.t("session.villages_not_found"))
    else:
        ctx.data["village_ids"] = sorted(set(chosen))
    await ctx.reprompt()


@router.step(FLOW, "villages")
async def typed_villages(ctx: Ctx) -> None:
    if isinstance(ctx.payload, Text):
        await _typed_villages(ctx, ctx.payload.text)
        return
    await expect_buttons(ctx)


@router.action("sn_villages_done")
async def villages_done(ctx: Ctx) -> None:
    if not ctx.data.get("village_ids"):
        ctx.say(ctx.t("session.villages_none"))
        await ctx.reprompt()
        return
    ctx.set_step(FLOW, "topics", topics=[])
    await ctx.reprompt()


@router.prompt(FLOW, "topics")
async def ask_topics(ctx: Ctx) -> None:
    chosen = set(ctx.data.get("topics", []))
    buttons = [
        ctx.button(("✅ " if code in chosen else "") + ctx.t(f"topic.{code}"), "sn_topic", code)
        for code in draft.TOPIC_CODES
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append([ctx.button(ctx.t("session.done"), "sn_topics_done")])
    ctx.say(ctx.t("session.ask_topics"), rows)


@router.action("sn_topic")
async def toggle_topic(ctx: Ctx) -> None:
    if ctx.arg in draft.TOPIC_CODES:
        topics = [t for t in ctx.data.get("topics", []) if t in draft.TOPIC_CODES]
        topics = [t for t in topics if t != ctx.arg] if ctx.arg in topics else [*topics, ctx.arg]
        ctx.data["topics"] = topics
    await ctx.reprompt()


@router.action("sn_topics_done")
async def topics_done(ctx: Ctx) -> None:
    if ctx.data.get("kind") == SessionKind.THEMATIC.value:
        ctx.set_step(FLOW, "group")
    else:
        ctx.set_step(FLOW, "confirm", group=None)
    await ctx.reprompt()


@router.prompt(FLOW, "group")
async def ask_group(ctx: Ctx) -> None:
    buttons = [ctx.button(ctx.t(f"session.group.{g}"), "sn_group", g) for g in TARGET_GROUPS]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append([ctx.button(ctx.t("session.group_none"), "sn_group", "")])
    ctx.say(ctx.t("session.ask_group"), rows)


@router.action("sn_group")
async def pick_group(ctx: Ctx) -> None:
    if ctx.arg and ctx.arg not in TARGET_GROUPS:
        await ctx.refuse_button()
        return
    ctx.set_step(FLOW, "confirm", group=ctx.arg or None)
    await ctx.reprompt()
