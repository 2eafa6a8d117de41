"""The audit log: every official action, who did it, on what."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AuditEvent


def record(
    session: AsyncSession,
    *,
    action: str,
    now: datetime,
    commune_id: int | None,
    actor_id: int | None,
    target: str | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    session.add(
        AuditEvent(
            commune_id=commune_id,
            actor_id=actor_id,
            action=action,
            target=target,
            details=details or {},
            at=now,
        )
    )
