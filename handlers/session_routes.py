"""The session handlers (issue 5) as one router, so ``handlers.app`` includes a single module."""

from __future__ import annotations

from handlers import (
    registration,
    session_agenda,
    session_manage,
    session_new_scope,
    sessions_admin,
    subscriptions,
)
from handlers.router import Router

router = Router()
for _module in (
    sessions_admin,
    session_new_scope,
    session_manage,
    session_agenda,
    registration,
    subscriptions,
):
    router.include(_module.router)
