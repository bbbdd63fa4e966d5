"""The detector contract: ``analyze(text) -> list[DetectorHit]``, after Presidio's recognizers.

A hit explains itself (detector name, pattern name, score) but never carries the matched value:
hits are stored beside redacted transcripts, so holding the value would defeat redaction.
Detectors that wrap a Presidio recognizer subclass :class:`PresidioDetector`; the wrapped
recognizer keeps its own regexes and checksum hooks (Luhn, mod-97, ABA), we only add Candor's
acceptance policy (minimum score, required context words) on top.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from bot.errors import CandorError, Errors

if TYPE_CHECKING:
    from presidio_analyzer import EntityRecognizer, RecognizerResult
    from presidio_analyzer.nlp_engine import NlpArtifacts


@dataclass(frozen=True)
class DetectorHit:
    """One detected span; offsets index the analysed text, the value itself is not kept."""

    entity_type: str
    start: int
    end: int
    score: float
    detector: str
    pattern_name: str

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end:
            raise ValueError(f"invalid span [{self.start}, {self.end})")
        if not 0.0 <= self.score <= 1.0:
            raise ValueError(f"score {self.score} outside [0, 1]")


class Detector(ABC):
    """A PII detector. ``name`` is its registry name; ``needs_nlp`` asks for spaCy artifacts."""

    name: ClassVar[str]
    entity_type: ClassVar[str]
    needs_nlp: ClassVar[bool] = False
    default_min_score: ClassVar[float] = 0.5

    def __init__(self, min_score: float | None = None) -> None:
        score = self.default_min_score if min_score is None else min_score
        if not 0.0 <= score <= 1.0:
            raise CandorError(
                Errors.E104.format(detector=self.name, problem=f"min_score {score} not in [0, 1]")
            )
        self.min_score = score

    @abstractmethod
    def analyze(self, text: str, nlp_artifacts: NlpArtifacts | None = None) -> list[DetectorHit]:
        """Spans of this detector's entity in ``text``, best-effort ordered by start."""


class PresidioDetector(Detector):
    """Adapter from a Presidio ``EntityRecognizer`` to the Candor detector contract."""

    presidio_entity: ClassVar[str]

    def __init__(self, min_score: float | None = None) -> None:
        super().__init__(min_score)
        self.recognizer = self.build_recognizer()

    @abstractmethod
    def build_recognizer(self) -> EntityRecognizer:
        """The wrapped Presidio recognizer (built once per detector instance)."""

    def accept(self, text: str, result: RecognizerResult) -> float | None:
        """Candor's policy on one Presidio result: the final score, or None to drop it."""
        return result.score

    def describe(self, result: RecognizerResult, score: float) -> str:
        """The pattern name recorded on the hit (Presidio's, unless the policy changed it)."""
        return pattern_name_of(result)

    def analyze(self, text: str, nlp_artifacts: NlpArtifacts | None = None) -> list[DetectorHit]:
        """Run the recognizer, apply :meth:`accept` and ``min_score``, convert to hits."""
        hits = []
        entities = [self.presidio_entity]
        for result in self.recognizer.analyze(text, entities, nlp_artifacts):  # type: ignore[arg-type]
            score = self.accept(text, result)
            if score is None or score < self.min_score:
                continue
            hits.append(
                DetectorHit(
                    entity_type=self.entity_type,
                    start=result.start,
                    end=result.end,
                    score=min(1.0, score),
                    detector=self.name,
                    pattern_name=self.describe(result, score),
                )
            )
        return sorted(hits, key=lambda h: (h.start, h.end))


def pattern_name_of(result: RecognizerResult) -> str:
    """The Presidio pattern that produced ``result`` (or the recognizer name)."""
    explanation = result.analysis_explanation
    name = getattr(explanation, "pattern_name", None) or getattr(explanation, "recognizer", None)
    return str(name or "unknown")


def compile_words(words: Iterable[str]) -> re.Pattern[str]:
    """A case-insensitive whole-word alternation of context words (longest first)."""
    alternation = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![A-Za-z])(?:{alternation})(?![A-Za-z])", re.IGNORECASE)


def has_context(text: str, start: int, end: int, words: re.Pattern[str], window: int = 40) -> bool:
    """Whether a context word occurs within ``window`` characters before or after the span."""
    before = text[max(0, start - window) : start]
    after = text[end : end + window // 2]
    return bool(words.search(before) or words.search(after))
