"""Composes every handler module's router into the one the engine dispatches on."""

from __future__ import annotations

from handlers import common, intake, officials, onboarding, proxy, session_routes, tracking
from handlers.router import Router


def build_router() -> Router:
    router = Router()
    for module in (common, onboarding, intake, proxy, tracking, session_routes):
        router.include(module.router)
    router.include(officials.build_router())
    return router
