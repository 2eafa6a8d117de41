"""/start: greeting, language, commune and village, the privacy notice; invite codes."""

from __future__ import annotations

from sqlalchemy import select

from handlers.common import show_menu
from handlers.context import Ctx
from handlers.events import Command, Text
from handlers.router import Router
from storage.models import Commune, Role, Village
from storage.repo.audit import record
from storage.repo.communes import list_communes, match_names, villages_of
from storage.repo.invites import InviteProblem, redeem
from storage.repo.people import create_person, grant_role

router = Router()
FLOW = "onboarding"


@router.command("start", "batdau", before_onboarding=True)
async def start(ctx: Ctx) -> None:
    payload = ctx.payload
    code = payload.args[0] if isinstance(payload, Command) and payload.args else None
    if ctx.onboarded:
        if code:
            await _apply_invite(ctx, code)
            return
        show_menu(ctx, ctx.t("start.welcome_back"))
        return
    if code:
        ctx.data["_invite"] = code
    if ctx.event.sender.language_code == "en" and "_lang" not in ctx.data:
        ctx.data["_lang"] = "en"
    communes = await list_communes(ctx.session)
    if not communes:
        ctx.say(ctx.t("start.no_commune"))
        return
    ctx.say(ctx.t("start.greeting"))
    if len(communes) == 1:
        ctx.start_flow(FLOW, "village", commune_id=communes[0].id)
    else:
        ctx.start_flow(FLOW, "commune")
    await ctx.reprompt()


@router.prompt(FLOW, "commune")
async def ask_commune(ctx: Ctx) -> None:
    communes = await list_communes(ctx.session)
    rows = [[ctx.button(c.name, "commune", str(c.id))] for c in communes]
    rows.append(
        [
            ctx.lasting_button(
                "English" if ctx.language == "vi" else "Tiếng Việt",
                "lang",
                "en" if ctx.language == "vi" else "vi",
            )
        ]
    )
    ctx.say(ctx.t("start.ask_commune"), rows)


@router.action("commune")
async def pick_commune(ctx: Ctx) -> None:
    commune = await ctx.session.get(Commune, int(ctx.arg)) if ctx.arg.isdigit() else None
    if commune is None:
        await ctx.refuse_button()
        return
    ctx.set_step(FLOW, "village", commune_id=commune.id)
    await ctx.reprompt()


@router.step(FLOW, "commune")
async def typed_commune(ctx: Ctx) -> None:
    communes = await list_communes(ctx.session)
    text = ctx.payload.text if isinstance(ctx.payload, Text) else ""
    found = match_names(text, [c.name for c in communes])
    if len(found) == 1:
        ctx.set_step(FLOW, "village", commune_id=communes[found[0]].id)
    else:
        ctx.say(ctx.t("start.commune_not_found"))
    await ctx.reprompt()


def _commune_id(ctx: Ctx) -> int:
    value = ctx.data.get("commune_id")
    assert isinstance(value, int)
    return value


@router.prompt(FLOW, "village")
async def ask_village(ctx: Ctx) -> None:
    villages = await villages_of(ctx.session, _commune_id(ctx))
    await _offer_villages(ctx, villages, ctx.t("start.ask_village"))


async def _offer_villages(ctx: Ctx, villages: list[Village], text: str) -> None:
    buttons = [ctx.button(v.name, "village", str(v.id)) for v in villages]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    other = "Tiếng Việt" if ctx.language == "en" else "English"
    rows.append([ctx.lasting_button(other, "lang", "vi" if ctx.language == "en" else "en")])
    ctx.say(text, rows)


@router.step(FLOW, "village")
async def typed_village(ctx: Ctx) -> None:
    villages = await villages_of(ctx.session, _commune_id(ctx))
    text = ctx.payload.text if isinstance(ctx.payload, Text) else ""
    found = match_names(text, [v.name for v in villages]) if text.strip() else []
    if len(found) == 1:
        await _choose_village(ctx, villages[found[0]])
    elif found:
        await _offer_villages(ctx, [villages[i] for i in found], ctx.t("start.village_which"))
    else:
        await _offer_villages(ctx, villages, ctx.t("start.village_not_found"))


@router.action("village")
async def pick_village(ctx: Ctx) -> None:
    village = await ctx.session.get(Village, int(ctx.arg)) if ctx.arg.isdigit() else None
    if village is None or village.commune_id != _commune_id(ctx):
        await ctx.refuse_button()
        return
    await _choose_village(ctx, village)


async def _choose_village(ctx: Ctx, village: Village) -> None:
    ctx.set_step(FLOW, "privacy", village_id=village.id, village_name=village.name)
    await ctx.reprompt()


@router.prompt(FLOW, "privacy")
async def ask_privacy(ctx: Ctx) -> None:
    ctx.say(
        ctx.t("privacy.notice", village=ctx.data.get("village_name", "")),
        [
            [ctx.button(ctx.t("privacy.accept"), "privacy_yes")],
            [ctx.button(ctx.t("privacy.decline"), "privacy_no")],
        ],
    )


router.buttons_only(FLOW, "privacy")


@router.action("privacy_no")
async def privacy_declined(ctx: Ctx) -> None:
    ctx.clear_flow()
    ctx.data.pop("_invite", None)
    ctx.say(ctx.t("privacy.declined"), remove_menu=True)


@router.action("privacy_yes")
async def privacy_accepted(ctx: Ctx) -> None:
    commune_id = _commune_id(ctx)
    village_id = ctx.data.get("village_id")
    if ctx.person is None:
        person, _ = await create_person(
            ctx.session,
            channel=ctx.event.chat.channel,
            external_id=ctx.event.sender.external_id,
            chat_id=ctx.event.chat.chat_id,
            now=ctx.now,
            locale=ctx.language,
            display_name=ctx.event.sender.display_name,
        )
        ctx.person = person
    person = ctx.person
    person.locale = ctx.language
    person.commune_id = commune_id
    person.village_id = village_id if isinstance(village_id, int) else None
    person.privacy_accepted_at = ctx.now
    person.erased_at = None
    if person.display_name is None:
        person.display_name = ctx.event.sender.display_name
    await grant_role(
        ctx.session, person_id=person.id, commune_id=commune_id, role=Role.CITIZEN, now=ctx.now
    )
    invite = ctx.data.pop("_invite", None)
    village_name = str(ctx.data.get("village_name") or "")
    ctx.clear_flow()
    show_menu(ctx, ctx.t("privacy.accepted", village=village_name))
    if isinstance(invite, str):
        await _apply_invite(ctx, invite)


async def _apply_invite(ctx: Ctx, code: str) -> None:
    assert ctx.person is not None
    result = await redeem(ctx.session, code, ctx.person.id, ctx.now)
    if isinstance(result, InviteProblem):
        ctx.say(ctx.t(f"invite.{result.value}"))
        return
    membership = result.membership
    record(
        ctx.session,
        action="invite.redeemed",
        now=ctx.now,
        commune_id=membership.commune_id,
        actor_id=ctx.person.id,
        target=f"membership:{membership.id}",
        details={"role": membership.role.value},
    )
    ctx.forget_memberships()
    if membership.role is Role.VILLAGE_HEAD:
        village = await ctx.session.scalar(
            select(Village).where(Village.id == membership.village_id)
        )
        ctx.say(ctx.t("invite.village_head", village=village.name if village else ""))
    elif membership.role is Role.ADMIN:
        ctx.say(ctx.t("invite.admin"))
    else:
        department = membership.department.value if membership.department else ""
        ctx.say(ctx.t("invite.official", department=ctx.t(f"department.{department}")))
