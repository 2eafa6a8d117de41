"""Who may do what: an official acts for one commune, with one or more departments; a village
head sees only their village; a citizen sees only their own concerns (``handlers.tracking``).

Every official action is written to the audit log through ``audit``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from handlers.common import show_menu
from handlers.context import Ctx
from storage.models import Concern, Department, Role
from storage.repo.audit import record
from storage.repo.concerns import get_by_code

# Departments whose officials decide outcomes and publish the conclusion, as admins do: the
# office compiles and follows up, the host chairs the session and signs.
DECIDING = frozenset({Department.OFFICE, Department.HOST})


@dataclass(frozen=True)
class Official:
    person_id: int
    commune_id: int
    departments: frozenset[Department]
    admin: bool

    @property
    def decides(self) -> bool:
        """May record outcomes, grant extensions and publish the conclusion."""
        return self.admin or bool(self.departments & DECIDING)

    def may_answer_for(self, department: Department) -> bool:
        """A written answer comes from the assigned department; the office (and an admin) may
        also answer, e.g. relaying a higher level's reply."""
        return self.admin or Department.OFFICE in self.departments or department in self.departments


@dataclass(frozen=True)
class Viewer:
    """Whose reports a person may read: a whole commune, or one village of it."""

    commune_id: int
    village_id: int | None
    official: Official | None


async def official_of(ctx: Ctx, commune_id: int | None = None) -> Official | None:
    """The person as an official of ``commune_id`` (by default the first commune they serve)."""
    if ctx.person is None:
        return None
    serving = [m for m in await ctx.memberships() if m.role in (Role.OFFICIAL, Role.ADMIN)]
    if not serving:
        return None
    commune = serving[0].commune_id if commune_id is None else commune_id
    mine = [m for m in serving if m.commune_id == commune]
    if not mine:
        return None
    return Official(
        person_id=ctx.person.id,
        commune_id=commune,
        departments=frozenset(m.department for m in mine if m.department is not None),
        admin=any(m.role is Role.ADMIN for m in mine),
    )


async def report_viewer(ctx: Ctx) -> Viewer | None:
    official = await official_of(ctx)
    if official is not None:
        return Viewer(official.commune_id, None, official)
    head = await ctx.role(Role.VILLAGE_HEAD)
    if head is not None and head.village_id is not None:
        return Viewer(head.commune_id, head.village_id, None)
    return None


def refuse(ctx: Ctx, key: str = "official.only_officials") -> None:
    show_menu(ctx, ctx.t(key))


async def deciding_official(ctx: Ctx) -> Official | None:
    """The official if they may decide outcomes; otherwise a polite refusal and None."""
    official = await official_of(ctx)
    if official is None:
        refuse(ctx)
        return None
    if not official.decides:
        refuse(ctx, "official.only_deciders")
        return None
    return official


async def concern_for(ctx: Ctx, official: Official, code: str) -> Concern | None:
    """The concern if it belongs to the official's commune. Another commune's code gets the same
    answer as a code that does not exist."""
    concern = await get_by_code(ctx.session, code) if code.strip() else None
    if concern is None or concern.commune_id != official.commune_id:
        show_menu(ctx, ctx.t("official.not_found", code=code.strip()[:20]))
        return None
    return concern


def audit(
    ctx: Ctx, action: str, *, commune_id: int, target: str | None = None, **details: Any
) -> None:
    record(
        ctx.session,
        action=action,
        now=ctx.now,
        commune_id=commune_id,
        actor_id=ctx.person.id if ctx.person else None,
        target=target,
        details=details,
    )
