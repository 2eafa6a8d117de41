"""Always-available commands: help, cancel, language, erase my data; the main menu."""

from __future__ import annotations

from handlers.context import Ctx
from handlers.router import Router
from storage.repo.people import erase_person

router = Router()

MENU_SUBMIT = "menu.submit"
MENU_MINE = "menu.mine"
MENU_SESSIONS = "menu.sessions"
MENU_HELP = "menu.help"

router.menu(MENU_SUBMIT, "gopy")
router.menu(MENU_MINE, "cuatoi")
router.menu(MENU_SESSIONS, "lich")
router.menu(MENU_HELP, "trogiup")


def main_menu(ctx: Ctx) -> tuple[tuple[str, ...], ...]:
    t = ctx.t
    return ((t(MENU_SUBMIT), t(MENU_MINE)), (t(MENU_SESSIONS), t(MENU_HELP)))


def show_menu(ctx: Ctx, text: str) -> None:
    ctx.say(text, menu=main_menu(ctx))


@router.command("trogiup", "help", before_onboarding=True)
async def help_command(ctx: Ctx) -> None:
    text = ctx.t("help.citizen")
    if await ctx.role_is_head():
        text += "\n\n" + ctx.t("help.village_head")
    if await ctx.role_is_official():
        text += "\n\n" + ctx.t("help.official")
    if ctx.onboarded:
        show_menu(ctx, text)
    else:
        ctx.say(text)


@router.command("huy", "cancel", before_onboarding=True)
async def cancel(ctx: Ctx) -> None:
    had_flow = ctx.flow is not None
    ctx.clear_flow()
    text = ctx.t("cancel.done") if had_flow else ctx.t("cancel.nothing")
    if ctx.onboarded:
        show_menu(ctx, text)
    else:
        ctx.say(text, remove_menu=True)


@router.command("ngonngu", "language", before_onboarding=True)
async def language(ctx: Ctx) -> None:
    ctx.say(
        ctx.t("language.ask"),
        [
            [
                ctx.lasting_button("Tiếng Việt", "lang", "vi"),
                ctx.lasting_button("English", "lang", "en"),
            ]
        ],
    )


@router.action("lang", lasting=True)
async def set_language(ctx: Ctx) -> None:
    if ctx.arg not in ctx.services.catalogs.languages:
        ctx.say(ctx.t("error.button_invalid"))
        return
    ctx.data["_lang"] = ctx.arg
    if ctx.person is not None:
        ctx.person.locale = ctx.arg
    if ctx.onboarded:
        show_menu(ctx, ctx.t("language.set"))
    else:
        ctx.say(ctx.t("language.set"))
        # Ask again for what onboarding waits for, now in the chosen language.
        await ctx.reprompt()


@router.command("xoadulieu", "forgetme")
async def forget_me(ctx: Ctx) -> None:
    ctx.start_flow("forget", "confirm")
    await ask_forget(ctx)


@router.prompt("forget", "confirm")
async def ask_forget(ctx: Ctx) -> None:
    ctx.say(
        ctx.t("forget.confirm"),
        [
            [
                ctx.button(ctx.t("forget.yes"), "forget_yes"),
                ctx.button(ctx.t("forget.no"), "forget_no"),
            ]
        ],
    )


@router.action("forget_yes")
async def forget_yes(ctx: Ctx) -> None:
    assert ctx.person is not None
    await erase_person(ctx.session, ctx.person, ctx.now)
    ctx.clear_flow()
    ctx.state.data = {}
    ctx.say(ctx.t("forget.done"), remove_menu=True)


@router.action("forget_no")
async def forget_no(ctx: Ctx) -> None:
    ctx.clear_flow()
    show_menu(ctx, ctx.t("forget.kept"))
