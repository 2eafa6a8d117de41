"""The fixed topic codes the classifier outputs (see shared/DOMAIN.md)."""

from __future__ import annotations

TOPICS: tuple[str, ...] = (
    "dat_dai",
    "moi_truong",
    "an_sinh",
    "ha_tang",
    "an_ninh",
    "can_bo",
    "kinh_te",
    "van_hoa_xa_hoi",
    "khac",
)

# Flags the tagger reports next to the topics, in the order models store them.
FLAGS: tuple[str, ...] = ("legal_complaint", "urgent", "abusive")

# The catch-all topic used when nothing else fits.
FALLBACK_TOPIC = "khac"
