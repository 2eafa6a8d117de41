"""What officials and village heads do in the chat: roles and invites, the triage summary,
outcomes, departments' answers, citizens' feedback, the conclusion notice and statistics.

Each module has its own ``Router``; ``build_router`` composes them for ``handlers.app``.
"""

from __future__ import annotations

from handlers.router import Router


def build_router() -> Router:
    from handlers.officials import answer, conclusion, feedback, outcome, roles, stats, triage

    router = Router()
    for module in (roles, triage, outcome, answer, feedback, conclusion, stats):
        router.include(module.router)
    return router
