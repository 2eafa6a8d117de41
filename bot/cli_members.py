"""``ydan member list|remove``: who holds an official, village-head or admin role, and removing
one (recorded in the audit log, and the person is told)."""

from __future__ import annotations

import argparse
import sys

from bot.admin import open_database
from bot.config import Settings
from handlers.officials.roles import revoke, staff
from locales import Catalogs
from storage.clock import SystemClock
from storage.models import Membership
from storage.repo.communes import get_commune_by_slug


async def member_list(args: argparse.Namespace, settings: Settings) -> int:
    async with open_database(settings) as db, db.reader() as session:
        commune = await get_commune_by_slug(session, args.commune)
        if commune is None:
            print(f"ydan: no commune {args.commune!r}", file=sys.stderr)
            return 1
        print("id\trole\tdepartment/village\tperson\tname\tsince")
        for member in await staff(session, commune.id):
            m = member.membership
            where = m.department.value if m.department else member.village or ""
            since = m.created_at.date().isoformat()
            print(f"{m.id}\t{m.role.value}\t{where}\t{m.person_id}\t{member.name or ''}\t{since}")
    return 0


async def member_remove(args: argparse.Namespace, settings: Settings) -> int:
    async with open_database(settings) as db, db.transaction() as session:
        commune = await get_commune_by_slug(session, args.commune)
        membership = await session.get(Membership, args.id)
        if (
            commune is None
            or membership is None
            or membership.commune_id != commune.id
            or membership.revoked_at is not None
        ):
            print(f"ydan: no active membership {args.id} in {args.commune!r}", file=sys.stderr)
            return 1
        await revoke(
            session, membership, now=SystemClock().now(), actor_id=None, catalogs=Catalogs()
        )
        print(f"membership {membership.id} ({membership.role.value}) removed")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    member = sub.add_parser("member", help="officials, village heads, admins").add_subparsers(
        dest="member_cmd", required=True
    )
    listing = member.add_parser("list", help="who holds a role in a commune")
    listing.add_argument("--commune", required=True, help="commune slug")
    listing.set_defaults(run=member_list)
    remove = member.add_parser("remove", help="remove a role (see the ids in member list)")
    remove.add_argument("--commune", required=True, help="commune slug")
    remove.add_argument("--id", type=int, required=True, help="membership id")
    remove.set_defaults(run=member_remove)
