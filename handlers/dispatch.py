"""Chooses the handler for an event: commands, buttons, menu labels, then the current step."""

from __future__ import annotations

from handlers.context import LASTING, Ctx, parse_button
from handlers.events import ButtonPress, Command, Text
from handlers.router import Router


def _flooded(ctx: Ctx) -> bool:
    """True when this chat sends faster than a person types; one notice per burst."""
    limits = ctx.services.limits
    now = ctx.now.timestamp()
    start, count, warned = ctx.data.get("_flood", [now, 0, False])
    if now - start > limits.flood_window.total_seconds():
        start, count, warned = now, 0, False
    count += 1
    flooded = count > limits.flood_messages
    if flooded and not warned:
        ctx.say(ctx.t("error.flood"))
        warned = True
    ctx.data["_flood"] = [start, count, warned]
    return bool(flooded)


def _menu_command(ctx: Ctx, router: Router, text: str) -> str | None:
    label = text.strip()
    for key, command in router.menu_keys.items():
        for language in ctx.services.catalogs.languages:
            if ctx.services.catalogs.get(language)(key) == label:
                return command
    return None


async def _press(ctx: Ctx, router: Router, press: ButtonPress) -> None:
    parsed = parse_button(press.data)
    if parsed is None:
        await ctx.refuse_button()
        return
    nonce, action, arg = parsed
    if nonce == LASTING:
        handler = router.lasting_actions.get(action)
    elif action in router.actions:
        handler = router.actions[action] if nonce == ctx.state.nonce else None
        if handler is None:
            ctx.say(ctx.t("error.button_stale"))
            await ctx.reprompt()
            return
    else:
        handler = None
    if handler is None:
        await ctx.refuse_button()
        return
    ctx.arg = arg
    await handler(ctx)


async def dispatch(ctx: Ctx, router: Router) -> None:
    payload = ctx.payload
    if not ctx.event.chat.private:
        if not ctx.state.group_notice_sent:
            ctx.say(ctx.t("error.group_chat"))
            ctx.state.group_notice_sent = True
        return
    if _flooded(ctx):
        return
    if isinstance(payload, Text):
        command = _menu_command(ctx, router, payload.text)
        if command is not None:
            payload = Command(command)
            ctx.event = type(ctx.event)(
                ctx.event.chat, ctx.event.sender, payload, ctx.event.update_id
            )
    if isinstance(payload, Command):
        spec = router.commands.get(payload.name)
        if spec is None:
            ctx.say(ctx.t("error.unknown_command"))
            return
        if not spec.before_onboarding and not ctx.onboarded:
            ctx.say(ctx.t("onboarding.needed_first"))
            await router.commands["start"].fn(ctx)
            return
        await spec.fn(ctx)
        return
    if isinstance(payload, ButtonPress):
        await _press(ctx, router, payload)
        return
    if ctx.flow and ctx.step:
        handler = router.steps.get((ctx.flow, ctx.step))
        if handler is not None:
            await handler(ctx)
            return
        ctx.clear_flow()
    if not ctx.onboarded:
        await router.commands["start"].fn(ctx)
        return
    await router.steps[("idle", "idle")](ctx)
