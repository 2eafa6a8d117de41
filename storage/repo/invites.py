"""One-time invite codes that grant the village-head or official role."""

from __future__ import annotations

import enum
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Department, Invite, Membership, Role
from storage.repo.people import grant_role

# No 0/O, 1/I/L: codes are read out over the phone.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10
DEFAULT_VALIDITY = timedelta(days=7)


class InviteProblem(enum.StrEnum):
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"


@dataclass(frozen=True)
class Redeemed:
    membership: Membership
    invite: Invite


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


async def create_invite(
    session: AsyncSession,
    *,
    commune_id: int,
    role: Role,
    now: datetime,
    department: Department | None = None,
    village_id: int | None = None,
    created_by: int | None = None,
    valid_for: timedelta = DEFAULT_VALIDITY,
) -> Invite:
    if role is Role.VILLAGE_HEAD and village_id is None:
        raise ValueError("a village head's invite needs a village")
    if role is Role.OFFICIAL and department is None:
        raise ValueError("an official's invite needs a department")
    invite = Invite(
        code=new_code(),
        commune_id=commune_id,
        role=role,
        department=department,
        village_id=village_id,
        created_by=created_by,
        created_at=now,
        expires_at=now + valid_for,
    )
    session.add(invite)
    await session.flush()
    return invite


async def redeem(
    session: AsyncSession, code: str, person_id: int, now: datetime
) -> Redeemed | InviteProblem:
    invite = await session.scalar(
        select(Invite).where(Invite.code == code.strip().upper()).with_for_update()
    )
    if invite is None:
        return InviteProblem.UNKNOWN
    if invite.used_at is not None:
        return InviteProblem.USED
    if invite.expires_at <= now:
        return InviteProblem.EXPIRED
    invite.used_at = now
    invite.used_by = person_id
    membership = await grant_role(
        session,
        person_id=person_id,
        commune_id=invite.commune_id,
        role=invite.role,
        now=now,
        department=invite.department,
        village_id=invite.village_id,
    )
    return Redeemed(membership, invite)
