"""/moi: an admin makes a one-time invite code (official, village head or admin) by picking from
buttons; /thuhoi: an admin removes someone's role. Both are written to the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.common import show_menu
from handlers.context import Ctx
from handlers.notify import notify_person, text_payload
from handlers.officials.access import Official, audit, official_of, refuse
from handlers.router import Router
from locales import Catalogs, Translator
from storage.models import Department, Invite, Membership, Person, Role, Village
from storage.repo.audit import record
from storage.repo.communes import villages_of
from storage.repo.invites import create_invite

router = Router()
INVITE = "invite"
REVOKE = "revoke"
STAFF_ROLES = (Role.OFFICIAL, Role.VILLAGE_HEAD, Role.ADMIN)
MAX_LISTED = 60


@dataclass(frozen=True)
class StaffMember:
    membership: Membership
    name: str | None
    village: str | None


async def staff(session: AsyncSession, commune_id: int) -> list[StaffMember]:
    """Active officials, village heads and admins of the commune, by role then name."""
    rows = await session.execute(
        select(Membership, Person.display_name, Village.name)
        .join(Person, Person.id == Membership.person_id)
        .outerjoin(Village, Village.id == Membership.village_id)
        .where(
            Membership.commune_id == commune_id,
            Membership.role.in_(STAFF_ROLES),
            Membership.revoked_at.is_(None),
        )
        .order_by(Membership.role, Person.display_name, Membership.id)
    )
    return [StaffMember(m, name, village) for m, name, village in rows.all()]


def role_text(t: Translator, role: Role, department: Department | None, village: str | None) -> str:
    """ "cán bộ (Địa chính – Xây dựng)", "trưởng thôn (Thôn Bảo Tân)", "quản trị viên"."""
    label = t(f"official.role.{role.value}")
    if role is Role.OFFICIAL and department is not None:
        return f"{label} ({t(f'department.{department.value}')})"
    if role is Role.VILLAGE_HEAD and village:
        return f"{label} ({village})"
    return label


async def _admin(ctx: Ctx) -> Official | None:
    official = await official_of(ctx)
    if official is None or not official.admin:
        refuse(ctx, "official.only_admins")
        return None
    return official


# --- /moi ------------------------------------------------------------------------------------


@router.command("moi", "invite")
async def invite_command(ctx: Ctx) -> None:
    official = await _admin(ctx)
    if official is None:
        return
    ctx.start_flow(INVITE, "role", commune_id=official.commune_id)
    await ctx.reprompt()


@router.prompt(INVITE, "role")
async def ask_role(ctx: Ctx) -> None:
    ctx.say(
        ctx.t("official.invite_ask_role"),
        [
            [ctx.button(ctx.t("official.role.official"), "inv_role", Role.OFFICIAL.value)],
            [ctx.button(ctx.t("official.role.village_head"), "inv_role", Role.VILLAGE_HEAD.value)],
            [ctx.button(ctx.t("official.role.admin"), "inv_role", Role.ADMIN.value)],
            [ctx.button(ctx.t("official.cancel"), "off_cancel")],
        ],
    )


@router.prompt(INVITE, "department")
async def ask_department(ctx: Ctx) -> None:
    buttons = [ctx.button(ctx.t(f"department.{d.value}"), "inv_dept", d.value) for d in Department]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append([ctx.button(ctx.t("official.cancel"), "off_cancel")])
    ctx.say(ctx.t("official.invite_ask_department"), rows)


@router.prompt(INVITE, "village")
async def ask_village(ctx: Ctx) -> None:
    villages = await villages_of(ctx.session, int(ctx.data["commune_id"]))
    buttons = [ctx.button(v.name, "inv_village", str(v.id)) for v in villages]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append([ctx.button(ctx.t("official.cancel"), "off_cancel")])
    ctx.say(ctx.t("official.invite_ask_village"), rows)


router.buttons_only(INVITE, "role", "department", "village")
router.buttons_only(REVOKE, "pick", "confirm")


@router.action("inv_role")
async def picked_role(ctx: Ctx) -> None:
    if ctx.arg == Role.OFFICIAL.value:
        ctx.set_step(INVITE, "department")
        await ctx.reprompt()
    elif ctx.arg == Role.VILLAGE_HEAD.value:
        ctx.set_step(INVITE, "village")
        await ctx.reprompt()
    elif ctx.arg == Role.ADMIN.value:
        await _make_invite(ctx, Role.ADMIN)
    else:
        await ctx.refuse_button()


@router.action("inv_dept")
async def picked_department(ctx: Ctx) -> None:
    try:
        department = Department(ctx.arg)
    except ValueError:
        await ctx.refuse_button()
        return
    await _make_invite(ctx, Role.OFFICIAL, department=department)


@router.action("inv_village")
async def picked_village(ctx: Ctx) -> None:
    village = await ctx.session.get(Village, int(ctx.arg)) if ctx.arg.isdigit() else None
    if village is None or village.commune_id != ctx.data.get("commune_id"):
        await ctx.refuse_button()
        return
    await _make_invite(ctx, Role.VILLAGE_HEAD, village=village)


async def _make_invite(
    ctx: Ctx,
    role: Role,
    *,
    department: Department | None = None,
    village: Village | None = None,
) -> None:
    official = await _admin(ctx)
    ctx.clear_flow()
    if official is None:
        return
    invite = await create_invite(
        ctx.session,
        commune_id=official.commune_id,
        role=role,
        now=ctx.now,
        department=department,
        village_id=village.id if village else None,
        created_by=official.person_id,
    )
    audit(
        ctx,
        "invite.created",
        commune_id=official.commune_id,
        target=f"invite:{invite.id}",
        role=role.value,
        department=department.value if department else None,
        village_id=village.id if village else None,
    )
    show_menu(
        ctx,
        invite_text(
            ctx, invite, role_text(ctx.t, role, department, village.name if village else None)
        ),
    )


def invite_text(ctx: Ctx, invite: Invite, who: str) -> str:
    expires = ctx.local(invite.expires_at).strftime("%d/%m/%Y")
    values = {"who": who, "code": invite.code, "expires": expires}
    username = ctx.services.bot_username
    if username:
        link = f"https://t.me/{username}?start={invite.code}"
        return ctx.t("official.invite_created", link=link, **values)
    return ctx.t("official.invite_created_nolink", **values)


@router.action("off_cancel")
async def cancel(ctx: Ctx) -> None:
    ctx.clear_flow()
    show_menu(ctx, ctx.t("official.cancelled"))


# --- /thuhoi ---------------------------------------------------------------------------------


@router.command("thuhoi", "revoke")
async def revoke_command(ctx: Ctx) -> None:
    if await _admin(ctx) is None:
        return
    ctx.start_flow(REVOKE, "pick")
    await ctx.reprompt()


@router.prompt(REVOKE, "pick")
async def ask_member(ctx: Ctx) -> None:
    official = await _admin(ctx)
    if official is None:
        ctx.clear_flow()
        return
    members = [
        m
        for m in await staff(ctx.session, official.commune_id)
        if m.membership.person_id != official.person_id
    ]
    if not members:
        ctx.clear_flow()
        show_menu(ctx, ctx.t("official.revoke_none"))
        return
    rows = [
        [
            ctx.button(
                f"{member.name or '#' + str(member.membership.person_id)} — "
                + role_text(
                    ctx.t, member.membership.role, member.membership.department, member.village
                ),
                "rv_pick",
                str(member.membership.id),
            )
        ]
        for member in members[:MAX_LISTED]
    ]
    rows.append([ctx.button(ctx.t("official.cancel"), "off_cancel")])
    ctx.say(ctx.t("official.revoke_ask"), rows)


async def _revocable(ctx: Ctx, official: Official, membership_id: str) -> Membership | None:
    membership = (
        await ctx.session.get(Membership, int(membership_id)) if membership_id.isdigit() else None
    )
    if (
        membership is None
        or membership.commune_id != official.commune_id
        or membership.revoked_at is not None
        or membership.role not in STAFF_ROLES
        or membership.person_id == official.person_id
    ):
        return None
    return membership


@router.action("rv_pick")
async def picked_member(ctx: Ctx) -> None:
    official = await _admin(ctx)
    membership = await _revocable(ctx, official, ctx.arg) if official else None
    if membership is None:
        ctx.clear_flow()
        if official is not None:
            show_menu(ctx, ctx.t("official.revoke_gone"))
        return
    ctx.set_step(REVOKE, "confirm", membership_id=membership.id)
    await ctx.reprompt()


@router.prompt(REVOKE, "confirm")
async def ask_revoke(ctx: Ctx) -> None:
    official = await _admin(ctx)
    membership_id = str(ctx.data.get("membership_id", ""))
    membership = await _revocable(ctx, official, membership_id) if official else None
    if membership is None:
        ctx.clear_flow()
        if official is not None:
            show_menu(ctx, ctx.t("official.revoke_gone"))
        return
    person = await ctx.session.get(Person, membership.person_id)
    village = (
        await ctx.session.get(Village, membership.village_id) if membership.village_id else None
    )
    who = (person.display_name if person else None) or f"#{membership.person_id}"
    role = role_text(
        ctx.t, membership.role, membership.department, village.name if village else None
    )
    ctx.say(
        ctx.t("official.revoke_confirm", name=who, role=role),
        [
            [
                ctx.button(ctx.t("official.revoke_yes"), "rv_yes"),
                ctx.button(ctx.t("official.cancel"), "off_cancel"),
            ]
        ],
    )


@router.action("rv_yes")
async def confirmed_revoke(ctx: Ctx) -> None:
    official = await _admin(ctx)
    membership_id = str(ctx.data.get("membership_id", ""))
    ctx.clear_flow()
    if official is None:
        return
    membership = await _revocable(ctx, official, membership_id)
    if membership is None:
        show_menu(ctx, ctx.t("official.revoke_gone"))
        return
    await revoke(
        ctx.session,
        membership,
        now=ctx.now,
        actor_id=official.person_id,
        catalogs=ctx.services.catalogs,
    )
    show_menu(ctx, ctx.t("official.revoked"))


async def revoke(
    session: AsyncSession,
    membership: Membership,
    *,
    now: datetime,
    actor_id: int | None,
    catalogs: Catalogs,
) -> None:
    """End the role (kept for the record, with the time), audit it, and tell the person."""
    membership.revoked_at = now
    record(
        session,
        action="member.revoked",
        now=now,
        commune_id=membership.commune_id,
        actor_id=actor_id,
        target=f"membership:{membership.id}",
        details={"person_id": membership.person_id, "role": membership.role.value},
    )
    person = await session.get(Person, membership.person_id)
    if person is None:
        return
    t = catalogs.get(person.locale)
    role = t(f"official.role.{membership.role.value}")
    await notify_person(
        session,
        person.id,
        key=f"revoked:{membership.id}",
        kind="role_revoked",
        payload=text_payload(t("official.revoked_notice", role=role)),
        now=now,
    )
