"""/thongke (/stats): statistics by topic, village and status, and the on-time rate of answers.

``/thongke`` covers this quarter so far, ``/thongke 1/1/2026 31/3/2026`` any period. Sent as
messages and as an XLSX workbook; a village head gets their village's figures.
"""

from __future__ import annotations

import asyncio

from handlers.common import show_menu
from handlers.context import Ctx
from handlers.events import Command
from handlers.officials import files
from handlers.officials.access import audit, refuse, report_viewer
from handlers.officials.periods import parse_period, quarter_start
from handlers.officials.rules import local_date
from handlers.reports.stats_text import render_stats_text
from handlers.router import Router
from storage.models import Commune, Village
from storage.repo.reporting_stats import stats_data

router = Router()


@router.command("thongke", "stats")
async def stats_command(ctx: Ctx) -> None:
    viewer = await report_viewer(ctx)
    if viewer is None:
        refuse(ctx)
        return
    tz = ctx.services.timezone
    today = local_date(ctx.now, tz)
    args = ctx.payload.args if isinstance(ctx.payload, Command) else ()
    period = parse_period(args, today) if args else (quarter_start(today), today)
    if period is None:
        show_menu(ctx, ctx.t("stats.usage"))
        return
    start, end = period
    data = await stats_data(
        ctx.session, viewer.commune_id, start, end, now=ctx.now, tz=tz, village_id=viewer.village_id
    )
    commune = await ctx.session.get(Commune, viewer.commune_id)
    assert commune is not None
    if viewer.village_id is not None:
        village = await ctx.session.get(Village, viewer.village_id)
        ctx.say(ctx.t("stats.village_only", village=village.name if village else ""))
    for page in render_stats_text(data, ctx.t):
        ctx.say(page)
    content = await asyncio.to_thread(files.stats_xlsx, data, ctx.t)
    ctx.send_document(
        files.stats_filename(commune.slug, start, end),
        content,
        ctx.t("stats.file_caption"),
    )
    audit(
        ctx,
        "stats.viewed",
        commune_id=viewer.commune_id,
        village_id=viewer.village_id,
        start=start.isoformat(),
        end=end.isoformat(),
    )
