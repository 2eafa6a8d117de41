"""The topic tagger: topics with calibrated scores, an "uncertain" outcome, and the flags.

``load_tagger`` prefers a model retrained by ``ydan nlp train`` (in the app's data directory)
and falls back to the one shipped in ``nlp/model/``. Inference needs numpy only.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from zipfile import BadZipFile

import numpy as np

from nlp import rules
from nlp.artifact import LinearModel, is_model_dir
from nlp.normalize import normalize
from nlp.topics import FALLBACK_TOPIC, TOPICS

log = logging.getLogger(__name__)

_CHUNK = 256


@dataclass(frozen=True)
class TagResult:
    """What the tagger says about one message.

    ``scores`` holds, for every topic code, the calibrated probability that the message is
    about it; ``topics`` starts with ``primary`` and adds the other topics that apply.
    ``uncertain`` means the primary topic is too doubtful: a person should decide.
    """

    primary: str
    topics: tuple[str, ...]
    scores: dict[str, float]
    uncertain: bool
    legal_complaint: bool
    urgent: bool
    abusive: bool
    model_version: str


class Tagger:
    """Applies a trained ``LinearModel`` and the rule layer to messages."""

    def __init__(self, model: LinearModel) -> None:
        self.model = model
        self.version: str = model.version

    def tag(self, text: str) -> TagResult:
        return self.tag_batch([text])[0]

    def tag_batch(self, texts: Sequence[str]) -> list[TagResult]:
        # Chunks keep the intermediate arrays small enough to stay in the CPU cache.
        return [r for i in range(0, len(texts), _CHUNK) for r in self._tag(texts[i : i + _CHUNK])]

    def _tag(self, texts: Sequence[str]) -> list[TagResult]:
        normals = [normalize(t) for t in texts]
        rows = self.model.vectorizer.transform(normals, normalized=True)
        out = self.model.outputs(rows)
        empty = rows.indptr[1:] == rows.indptr[:-1]
        return [
            self._decide(normal, out.primary[i], out.membership[i], out.flags[i], bool(empty[i]))
            for i, normal in enumerate(normals)
        ]

    def _decide(
        self,
        normal: str,
        primary_probs: np.ndarray,
        membership: np.ndarray,
        flag_probs: np.ndarray,
        empty: bool,
    ) -> TagResult:
        limits = self.model.thresholds
        cue = rules.cues_normalized(normal)
        legal = rules.legal_complaint(cue, float(flag_probs[0]), limits.flags[0])
        urgent = bool(flag_probs[1] >= limits.flags[1])
        abusive = rules.abusive(cue, float(flag_probs[2]), limits.flags[2])
        if empty:
            # Nothing the model knows: no basis for a topic.
            return TagResult(
                primary=FALLBACK_TOPIC,
                topics=(FALLBACK_TOPIC,),
                scores={t: 0.0 for t in TOPICS},
                uncertain=True,
                legal_complaint=legal,
                urgent=urgent,
                abusive=abusive,
                model_version=self.version,
            )
        best = int(np.argmax(primary_probs))
        primary = TOPICS[best]
        order = np.argsort(-membership, kind="stable")
        extra = tuple(TOPICS[j] for j in order if j != best and membership[j] >= limits.secondary)
        scores = {t: round(float(membership[j]), 4) for j, t in enumerate(TOPICS)}
        # The primary topic's score is at least its share in the primary head.
        scores[primary] = round(max(scores[primary], float(primary_probs[best])), 4)
        return TagResult(
            primary=primary,
            topics=(primary, *extra),
            scores=scores,
            uncertain=float(primary_probs[best]) < limits.uncertain,
            legal_complaint=legal,
            urgent=urgent,
            abusive=abusive,
            model_version=self.version,
        )


def packaged_model_dir() -> Path:
    """The model shipped with the package (``nlp/model/``)."""
    return Path(str(resources.files("nlp").joinpath("model")))


def load_tagger(model_dir: Path | None = None) -> Tagger:
    """The tagger of ``model_dir`` if it holds a model, otherwise the packaged one."""
    if model_dir is not None and is_model_dir(model_dir):
        try:
            return Tagger(LinearModel.load(model_dir))
        except (OSError, ValueError, KeyError, BadZipFile) as error:
            # A broken retrained model must not stop the bot: the packaged one still works.
            log.warning("cannot load model from %s (%s); using the packaged one", model_dir, error)
    return Tagger(LinearModel.load(packaged_model_dir()))
