"""``GET /congkhai/{commune_slug}``: the commune's public page of answered concerns.

Anyone may open it, so it reads only what may be published (``storage.repo.reporting
.public_items``: no abusive concerns, no complaints, names only where consented) and sends the
same Content-Security-Policy as the page's own meta tag. ``?lang=en`` switches the language.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web

from handlers.reports.public_page import render_public_page
from locales import Catalogs
from storage.clock import Clock
from storage.database import Database
from storage.repo.communes import get_commune_by_slug
from storage.repo.reporting import public_items

PATH = "/congkhai/{commune_slug}"
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    # Answers change a few times a week; five minutes of caching spares the database.
    "Cache-Control": "public, max-age=300",
}

Handler = Callable[[web.Request], Awaitable[web.Response]]


@dataclass(frozen=True)
class Pages:
    """What the web pages read, in whichever process serves them."""

    db: Database
    catalogs: Catalogs
    default_locale: str
    clock: Clock


def public_page_handler(pages_of: Callable[[web.Application], Pages]) -> Handler:
    """The handler, reading what it needs from the app (``bot.web`` keeps its key)."""

    async def public_page(request: web.Request) -> web.Response:
        pages = pages_of(request.app)
        slug = request.match_info["commune_slug"]
        wanted = request.query.get("lang", "")
        language = wanted if wanted in pages.catalogs.languages else pages.default_locale
        t = pages.catalogs.get(language)
        if not _SLUG.match(slug):
            raise web.HTTPNotFound(text="not found")
        async with pages.db.reader() as session:
            commune = await get_commune_by_slug(session, slug)
            if commune is None:
                raise web.HTTPNotFound(text="not found")
            items = await public_items(session, commune.id)
        html = render_public_page(commune.name, items, t, pages.clock.now())
        return web.Response(text=html, content_type="text/html", charset="utf-8", headers=HEADERS)

    return public_page
