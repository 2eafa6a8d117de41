"""Communes and their villages, with tolerant name matching ("bao tan" finds "Bảo Tân")."""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Commune, Village


def fold_name(name: str) -> str:
    """Lowercase, without diacritics or extra spaces: the form names are matched in."""
    decomposed = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return " ".join(bare.lower().split())


_PREFIXES = ("thon ", "xom ", "ap ", "ban ", "to dan pho ", "to ", "khu pho ", "lang ")


def _core(folded: str) -> str:
    for prefix in _PREFIXES:
        if folded.startswith(prefix):
            return folded[len(prefix) :]
    return folded


def match_names(query: str, names: Sequence[str], cutoff: float = 0.75) -> list[int]:
    """Indexes of ``names`` that ``query`` matches, best first (exact, prefix-free, then fuzzy)."""
    q = fold_name(query)
    if not q:
        return []
    folded = [fold_name(n) for n in names]
    exact = [i for i, f in enumerate(folded) if q in (f, _core(f))]
    if exact:
        return exact
    scored = []
    for i, f in enumerate(folded):
        ratio = max(
            difflib.SequenceMatcher(None, q, f).ratio(),
            difflib.SequenceMatcher(None, _core(q), _core(f)).ratio(),
        )
        if ratio >= cutoff:
            scored.append((ratio, i))
    return [i for _, i in sorted(scored, reverse=True)]


async def list_communes(session: AsyncSession) -> list[Commune]:
    return list((await session.scalars(select(Commune).order_by(Commune.id))).all())


async def get_commune_by_slug(session: AsyncSession, slug: str) -> Commune | None:
    return await session.scalar(select(Commune).where(Commune.slug == slug))


async def villages_of(session: AsyncSession, commune_id: int) -> list[Village]:
    rows = await session.scalars(
        select(Village).where(Village.commune_id == commune_id).order_by(Village.id)
    )
    return list(rows.all())


async def add_commune(
    session: AsyncSession,
    *,
    slug: str,
    name: str,
    now: datetime,
    district: str | None = None,
    province: str | None = None,
    code_prefix: str = "DT",
) -> Commune:
    commune = Commune(
        slug=slug,
        name=name,
        district=district,
        province=province,
        code_prefix=code_prefix,
        settings={},
        created_at=now,
    )
    session.add(commune)
    await session.flush()
    return commune


async def add_village(session: AsyncSession, commune: Commune, name: str) -> Village:
    village = Village(commune_id=commune.id, name=name, folded_name=fold_name(name))
    session.add(village)
    await session.flush()
    return village
