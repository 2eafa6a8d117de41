"""/thaydan: a village head submits for a named villager, or forwards a villager's message."""

from __future__ import annotations

from handlers import intake
from handlers.common import show_menu
from handlers.context import Ctx
from handlers.events import Contact, Forwarded, Text
from handlers.router import Router
from storage.models import Role

router = Router()
FLOW = "proxy"
MAX_NAME = 100


@router.command("thaydan", "proxy")
async def proxy_command(ctx: Ctx) -> None:
    if await ctx.role(Role.VILLAGE_HEAD) is None:
        show_menu(ctx, ctx.t("proxy.only_heads"))
        return
    ctx.start_flow(FLOW, "name")
    await ctx.reprompt()


async def begin_from_forward(ctx: Ctx, forwarded: Forwarded) -> None:
    """A forwarded villager's message: keep its text and ask whose it is."""
    ctx.start_flow(
        FLOW,
        "name",
        forwarded_text=forwarded.text or "",
        suggested_name=(forwarded.origin_name or "")[:MAX_NAME],
    )
    await ctx.reprompt()


@router.prompt(FLOW, "name")
async def ask_name(ctx: Ctx) -> None:
    suggested = ctx.data.get("suggested_name")
    rows = []
    if suggested:
        rows.append([ctx.button(ctx.t("proxy.use_name", name=suggested), "proxy_name")])
    rows.append([ctx.button(ctx.t("intake.cancel"), "intake_cancel")])
    ctx.say(ctx.t("proxy.ask_name"), rows)


@router.action("proxy_name")
async def use_suggested(ctx: Ctx) -> None:
    await _set_name(ctx, str(ctx.data.get("suggested_name") or ""))


@router.step(FLOW, "name")
async def typed_name(ctx: Ctx) -> None:
    text = ctx.payload.text.strip() if isinstance(ctx.payload, Text) else ""
    if not text or len(text) > MAX_NAME or not any(ch.isalpha() for ch in text):
        ctx.say(ctx.t("proxy.name_invalid", limit=MAX_NAME))
        await ctx.reprompt()
        return
    await _set_name(ctx, text)


async def _set_name(ctx: Ctx, name: str) -> None:
    if not name:
        await ctx.reprompt()
        return
    ctx.set_step(FLOW, "phone", villager_name=name)
    await ctx.reprompt()


@router.prompt(FLOW, "phone")
async def ask_phone(ctx: Ctx) -> None:
    ctx.say(
        ctx.t("proxy.ask_phone", name=ctx.data.get("villager_name", "")),
        [[ctx.button(ctx.t("proxy.no_phone"), "proxy_nophone")]],
    )


@router.step(FLOW, "phone")
async def typed_phone(ctx: Ctx) -> None:
    payload = ctx.payload
    raw = (
        payload.phone
        if isinstance(payload, Contact)
        else payload.text
        if isinstance(payload, Text)
        else ""
    )
    digits = "".join(ch for ch in raw if ch.isdigit() or ch == "+")
    if not 9 <= len(digits.lstrip("+")) <= 12:
        ctx.say(ctx.t("proxy.phone_invalid"))
        await ctx.reprompt()
        return
    await _continue(ctx, digits)


@router.action("proxy_nophone")
async def no_phone(ctx: Ctx) -> None:
    await _continue(ctx, None)


async def _continue(ctx: Ctx, phone: str | None) -> None:
    proxy = {"name": str(ctx.data.get("villager_name", ""))}
    if phone:
        proxy["phone"] = phone
    forwarded = ctx.data.get("forwarded_text") or None
    await intake.begin(ctx, proxy=proxy, text=forwarded)
