"""/gopy: a citizen writes a concern, checks its topics, chooses anonymity and sends it.

After onboarding it takes at most six taps or messages: /gopy, the text, confirm the topics,
the anonymity choice, send (sharing a phone number is optional).
"""

from __future__ import annotations

from handlers import draft
from handlers.common import main_menu, show_menu
from handlers.context import Ctx
from handlers.events import Contact, Forwarded, Location, Media, Text
from handlers.router import Router
from handlers.submit import submit_draft

router = Router()
FLOW = "intake"


async def begin(ctx: Ctx, *, proxy: dict[str, str] | None = None, text: str | None = None) -> None:
    """Start a new draft (a proxy one when ``proxy`` names the villager)."""
    ctx.start_flow(FLOW, "write", parts=[], attachments=[], proxy=proxy)
    if text is None:
        await ctx.reprompt()
        return
    problem = draft.check_text(ctx, text)
    if problem:
        ctx.say(ctx.t(problem))
        await ctx.reprompt()
        return
    draft.add_text(ctx, text)
    await _after_text(ctx)


@router.command("gopy", "submit")
async def submit_command(ctx: Ctx) -> None:
    await begin(ctx)


@router.step("idle", "idle")
async def idle_message(ctx: Ctx) -> None:
    """A message outside any flow: most people just start typing their concern."""
    payload = ctx.payload
    if isinstance(payload, Forwarded) and await ctx.role_is_head():
        from handlers.proxy import begin_from_forward

        await begin_from_forward(ctx, payload)
        return
    if isinstance(payload, Text | Forwarded):
        text = payload.text or ""
        await begin(ctx, text=text)
        return
    if isinstance(payload, Media | Location):
        await begin(ctx)
        await _take_extra(ctx)
        return
    show_menu(ctx, ctx.t("idle.hint"))


@router.prompt(FLOW, "write")
async def ask_text(ctx: Ctx) -> None:
    key = "intake.ask_text_proxy" if ctx.data.get("proxy") else "intake.ask_text"
    name = (ctx.data.get("proxy") or {}).get("name", "")
    ctx.say(ctx.t(key, name=name), [[ctx.button(ctx.t("intake.cancel"), "intake_cancel")]])


async def _take_extra(ctx: Ctx) -> bool:
    """Take text, media or a location into the draft; False (with a polite reply) if refused."""
    payload = ctx.payload
    if isinstance(payload, Forwarded):
        payload = payload.media if payload.media is not None else Text(payload.text or "")
    if isinstance(payload, Text):
        problem = draft.check_text(ctx, payload.text)
        if problem:
            ctx.say(ctx.t(problem))
            return False
        draft.add_text(ctx, payload.text)
        return True
    if isinstance(payload, Media):
        problem = draft.media_problem(ctx, payload)
        if problem:
            ctx.say(ctx.t(problem))
            return False
        draft.add_media(ctx, payload)
        if payload.caption and draft.check_text(ctx, payload.caption) is None:
            draft.add_text(ctx, payload.caption)
        label = ctx.t(f"attachment.{payload.kind.value}").lower()
        ctx.say(ctx.t("intake.file_added", what=label))
        return True
    if isinstance(payload, Location):
        draft.add_location(ctx, payload)
        ctx.say(ctx.t("intake.location_added"))
        return True
    if isinstance(payload, Contact):
        ctx.say(ctx.t("intake.contact_later"))
        return False
    ctx.say(ctx.t("intake.unsupported_media"))
    return False


@router.step(FLOW, "write")
async def got_text(ctx: Ctx) -> None:
    took = await _take_extra(ctx)
    if took and draft.draft_text(ctx):
        await _after_text(ctx)
    else:
        await ctx.reprompt()


async def _after_text(ctx: Ctx) -> None:
    draft.analyse(ctx)
    if ctx.data.get("uncertain") and not ctx.data.get("topics_by_person"):
        ctx.set_step(FLOW, "topic_edit")
        ctx.say(ctx.t("intake.topics_uncertain"))
    else:
        ctx.set_step(FLOW, "topics")
    await ctx.reprompt()


@router.prompt(FLOW, "topics")
async def show_topics(ctx: Ctx) -> None:
    topics = list(ctx.data.get("topics", []))
    extra = draft.attachment_summary(ctx)
    text = ctx.t("intake.topics_found", topics=draft.topic_labels(ctx, topics))
    if extra:
        text += "\n" + ctx.t("intake.attached", items=extra)
    text += "\n\n" + ctx.t("intake.more_hint")
    ctx.say(
        text,
        [
            [ctx.button(ctx.t("intake.topics_ok"), "topics_ok")],
            [
                ctx.button(ctx.t("intake.topics_edit"), "topics_edit"),
                ctx.button(ctx.t("intake.cancel"), "intake_cancel"),
            ],
        ],
    )


@router.step(FLOW, "topics", "anon", "confirm")
async def more_material(ctx: Ctx) -> None:
    """More text, a photo or a location while the draft is being checked: added, not lost."""
    if ctx.step == "confirm" and isinstance(ctx.payload, Contact):
        await _take_contact(ctx)
        return
    if await _take_extra(ctx) and isinstance(ctx.payload, Text | Forwarded):
        draft.analyse(ctx)
        ctx.say(ctx.t("intake.text_added"))
    await ctx.reprompt()


@router.action("topics_ok")
async def topics_ok(ctx: Ctx) -> None:
    ctx.set_step(FLOW, "anon")
    await ctx.reprompt()


@router.action("topics_edit")
async def topics_edit(ctx: Ctx) -> None:
    ctx.set_step(FLOW, "topic_edit")
    await ctx.reprompt()


@router.prompt(FLOW, "topic_edit")
async def ask_topics(ctx: Ctx) -> None:
    chosen = set(ctx.data.get("topics", []))
    buttons = [
        ctx.button(("✅ " if code in chosen else "") + ctx.t(f"topic.{code}"), "topic", code)
        for code in draft.TOPIC_CODES
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append([ctx.button(ctx.t("intake.topics_done"), "topics_done")])
    ctx.say(ctx.t("intake.topics_pick"), rows)


@router.step(FLOW, "topic_edit")
async def topic_edit_text(ctx: Ctx) -> None:
    if await _take_extra(ctx) and isinstance(ctx.payload, Text):
        ctx.say(ctx.t("intake.text_added"))
    await ctx.reprompt()


@router.action("topic")
async def toggle_topic(ctx: Ctx) -> None:
    if ctx.arg not in draft.TOPIC_CODES:
        await ctx.refuse_button()
        return
    topics = [t for t in ctx.data.get("topics", []) if t in draft.TOPIC_CODES]
    if ctx.data.get("uncertain") and not ctx.data.get("topics_by_person"):
        topics = []
    if ctx.arg in topics:
        topics.remove(ctx.arg)
    else:
        topics.append(ctx.arg)
    ctx.data["topics"] = topics
    ctx.data["topics_by_person"] = True
    # A new nonce per toggle would make the other topic buttons stale: keep the step as it is.
    await ctx.reprompt()


@router.action("topics_done")
async def topics_done(ctx: Ctx) -> None:
    if not ctx.data.get("topics"):
        ctx.say(ctx.t("intake.topics_none"))
        await ctx.reprompt()
        return
    ctx.data["topics_by_person"] = True
    ctx.set_step(FLOW, "anon")
    await ctx.reprompt()


@router.prompt(FLOW, "anon")
async def ask_anonymity(ctx: Ctx) -> None:
    ctx.say(
        ctx.t("intake.ask_anonymity"),
        [
            [ctx.button(ctx.t("intake.anonymous"), "anon", "hide")],
            [ctx.button(ctx.t("intake.show_name"), "anon", "show")],
        ],
    )


@router.action("anon")
async def set_anonymity(ctx: Ctx) -> None:
    if ctx.arg not in ("hide", "show"):
        await ctx.refuse_button()
        return
    ctx.set_step(FLOW, "confirm", show_name=ctx.arg == "show")
    await ctx.reprompt()


@router.prompt(FLOW, "confirm")
async def ask_confirm(ctx: Ctx) -> None:
    text = draft.draft_text(ctx)
    preview = text if len(text) <= 600 else text[:600] + "…"
    lines = [
        ctx.t("intake.summary_title"),
        f"«{preview}»",
        ctx.t("intake.summary_topics", topics=draft.topic_labels(ctx, ctx.data.get("topics", []))),
        ctx.t("intake.summary_public_name")
        if ctx.data.get("show_name")
        else ctx.t("intake.summary_anonymous"),
    ]
    attachments = draft.attachment_summary(ctx)
    if attachments:
        lines.append(ctx.t("intake.attached", items=attachments))
    phone = ctx.data.get("phone") or (ctx.person.phone if ctx.person else None)
    proxy = ctx.data.get("proxy")
    if proxy:
        lines.append(ctx.t("intake.summary_proxy", name=proxy.get("name", "")))
    if phone and not proxy:
        lines.append(ctx.t("intake.summary_phone", phone=phone))
    ctx.say(
        "\n".join(lines),
        [
            [ctx.button(ctx.t("intake.send"), "send")],
            [ctx.button(ctx.t("intake.cancel"), "intake_cancel")],
        ],
    )
    if not phone and not proxy:
        # A platform message carries one keyboard: the phone button comes in a message of its own.
        ctx.say(ctx.t("intake.phone_optional"), request_contact=ctx.t("intake.share_phone"))


async def _take_contact(ctx: Ctx) -> None:
    contact = ctx.payload
    assert isinstance(contact, Contact)
    if not contact.is_own:
        ctx.say(ctx.t("intake.contact_not_own"))
    else:
        ctx.data["phone"] = contact.phone
        if ctx.person is not None:
            ctx.person.phone = contact.phone
        ctx.say(ctx.t("intake.phone_saved"), menu=main_menu(ctx))
    await ctx.reprompt()


@router.action("send")
async def send(ctx: Ctx) -> None:
    await submit_draft(ctx, allow_duplicate=False)


@router.prompt(FLOW, "dup")
async def ask_duplicate(ctx: Ctx) -> None:
    ctx.say(
        ctx.t("intake.duplicate", code=ctx.data.get("dup_code", "")),
        [
            [ctx.button(ctx.t("intake.duplicate_new"), "dup_send")],
            [ctx.button(ctx.t("intake.duplicate_drop"), "intake_cancel")],
        ],
    )


@router.step(FLOW, "dup")
async def dup_text(ctx: Ctx) -> None:
    await ctx.reprompt()


@router.action("dup_send")
async def duplicate_confirmed(ctx: Ctx) -> None:
    await submit_draft(ctx, allow_duplicate=True)


@router.action("intake_cancel")
async def cancel_draft(ctx: Ctx) -> None:
    ctx.clear_flow()
    show_menu(ctx, ctx.t("cancel.done"))
