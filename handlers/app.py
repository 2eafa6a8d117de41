"""Composes every handler module's router into the one the engine dispatches on."""

from __future__ import annotations

from handlers import common, intake, onboarding, proxy, tracking
from handlers.router import Router


def build_router() -> Router:
    router = Router()
    for module in (common, onboarding, intake, proxy, tracking):
        router.include(module.router)
    return router
