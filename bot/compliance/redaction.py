"""Redaction: run the PII detectors, merge overlapping hits, replace spans through an operator.

``redact(text)`` is what the tracker store, transcript writer and log filter call, so it is
fail-closed (a detector that raises makes ``redact`` raise; callers withhold the text rather
than store it raw) and cheap: the detectors and spaCy are built once per process, spaCy runs
once per message and is skipped for text without letters.

Overlapping hits are merged into one redaction covering their union, typed after the best hit:
a certain one (score >= 0.9: a checksum or a validated domain held) first, then the widest, then
the highest score, then detector order. So no character of any detected span is left in clear:
"card 4111 1111 1111 1111" is one ``<CARD_NUMBER>``, not a card plus a phone, and an address
block holding a street named after a person is one ``<STREET_ADDRESS>``. Among uncertain hits
width goes before score because the wider hit saw more of the context (a street type, a unit,
a postcode); an IBAN after "send it to" stays an IBAN.

Offsets in :class:`Redaction` index the *original* text. The matched values are never kept.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeVar

from bot import registry
from bot.compliance.checked_texts import CHECKED
from bot.compliance.contract import PiiSpan
from bot.compliance.detectors import PII_DETECTORS, Detector, DetectorHit
from bot.compliance.engines import nlp_artifacts
from bot.compliance.known_values import KNOWN
from bot.compliance.operators import Operator, Params, build_operator

DEFAULT_OPERATOR = "redact.replace.v1"
#: Hits this sure (a checksum or a validated domain held) name a merged span whatever its width.
CERTAIN_SCORE = 0.9
T = TypeVar("T")


@dataclass(frozen=True)
class Redaction:
    """One replaced span: offsets in the original text, entity type, operator name."""

    start: int
    end: int
    entity_type: str
    operator: str


@dataclass(frozen=True)
class Redacted:
    """Redacted text plus the evidence of what was replaced (no original values)."""

    text: str
    redactions: tuple[Redaction, ...]
    hits: tuple[DetectorHit, ...] = ()


@lru_cache(maxsize=8)
def build_detectors(names: tuple[str, ...] = PII_DETECTORS) -> tuple[Detector, ...]:
    """Instances of the named detectors, built once per process (they compile regexes)."""
    return tuple(registry.detectors.get(name)() for name in names)


@lru_cache(maxsize=16)
def _operator(name: str, params: tuple[tuple[str, Any], ...]) -> Operator:
    return build_operator(name, dict(params))


def analyze(text: str, detectors: Sequence[Detector] | None = None) -> list[DetectorHit]:
    """Every detector's hits on ``text``; spaCy runs at most once, only if a detector needs it."""
    detectors = build_detectors() if detectors is None else detectors
    needs_nlp = any(d.needs_nlp for d in detectors) and any(c.isalpha() for c in text)
    artifacts = nlp_artifacts(text) if needs_nlp else None
    hits: list[DetectorHit] = []
    for detector in detectors:
        if detector.needs_nlp and artifacts is None:
            continue
        hits.extend(detector.analyze(text, artifacts))
    return hits


def merge_hits(hits: Sequence[DetectorHit], order: Sequence[str] = PII_DETECTORS
               ) -> list[tuple[int, int, str]]:
    """Pure: overlapping hits -> non-overlapping ``(start, end, entity_type)`` unions."""
    rank = {name: i for i, name in enumerate(order)}

    def best_key(hit: DetectorHit) -> tuple[bool, int, float, int]:
        certain = hit.score >= CERTAIN_SCORE
        return (certain, hit.end - hit.start, hit.score, -rank.get(hit.detector, len(rank)))

    merged: list[tuple[int, int, DetectorHit]] = []
    for hit in sorted(hits, key=lambda h: (h.start, -h.end)):
        if merged and hit.start < merged[-1][1]:
            start, end, best = merged[-1]
            merged[-1] = (start, max(end, hit.end), max(best, hit, key=best_key))
        else:
            merged.append((hit.start, hit.end, hit))
    return [(start, end, best.entity_type) for start, end, best in merged]


def apply_redactions(text: str, spans: Sequence[tuple[int, int, str]], operator: Operator
                     ) -> Redacted:
    """Pure: replace each ``(start, end, entity_type)`` span of ``text`` via ``operator``."""
    parts: list[str] = []
    redactions: list[Redaction] = []
    cursor = 0
    for start, end, entity_type in spans:
        parts.append(text[cursor:start])
        parts.append(operator.operate(text[start:end], entity_type))
        redactions.append(Redaction(start, end, entity_type, operator.name))
        cursor = end
    parts.append(text[cursor:])
    return Redacted("".join(parts), tuple(redactions))


def redact(
    text: str,
    *,
    operator: str = DEFAULT_OPERATOR,
    params: Params | None = None,
    detectors: Sequence[Detector] | None = None,
) -> Redacted:
    """Redact every PII span in ``text`` (placeholder ``<ENTITY_TYPE>`` by default)."""
    op = _operator(operator, tuple(sorted((params or {}).items())))
    if not text:
        return Redacted(text, ())
    hits = analyze(text, detectors)
    result = apply_redactions(text, merge_hits(hits), op)
    return Redacted(result.text, result.redactions, tuple(sorted(hits, key=_hit_order)))


def redact_text(text: str) -> str:
    """Just the redacted text, with the default detectors and operator.

    A text this process has checked before (:data:`CHECKED`: a form answer that is the message
    the NLU pipeline checked, ids Rasa repeats on every event) is redacted from the spans
    found then, without running the detectors again.
    """
    spans = CHECKED.spans(text)
    if spans is not None:
        return redact_spans(text, spans)
    result = redact(text)
    CHECKED.remember(text, [PiiSpan(start=r.start, end=r.end, entity_type=r.entity_type)
                            for r in result.redactions])
    return result.text


def pii_spans(hits: Sequence[DetectorHit]) -> list[PiiSpan]:
    """Pure: the merged personal-data spans among ``hits`` (signal hits are ignored).

    This is what the NLU pipeline records once per customer message (``pii_spans`` in the
    parse data), so later stages redact by offsets instead of running the detectors again.
    """
    pii = [h for h in hits if h.detector in PII_DETECTORS]
    return [PiiSpan(start=s, end=e, entity_type=t) for s, e, t in merge_hits(pii)]


def redact_spans(text: str, spans: Sequence[PiiSpan]) -> str:
    """Apply spans found earlier on this very text (no detector runs); ValueError on a bad span."""
    ordered = sorted((int(s["start"]), int(s["end"]), str(s["entity_type"])) for s in spans)
    cursor = 0
    for start, end, _ in ordered:
        if not cursor <= start < end <= len(text):
            raise ValueError(f"span [{start}, {end}) does not fit a {len(text)}-character text")
        cursor = end
    return apply_redactions(text, ordered, _operator(DEFAULT_OPERATOR, ())).text


def pattern_detectors() -> tuple[Detector, ...]:
    """The PII detectors that need no spaCy model: regexes, checksums, phone metadata.

    Built without the NER detector, so a process that only redacts logs (the action server)
    never loads spaCy: that took seconds inside its first logged request.
    """
    return build_detectors(tuple(name for name in PII_DETECTORS
                                 if not getattr(registry.detectors.get(name), "needs_nlp", False)))


@lru_cache(maxsize=4096)
def redact_patterns(text: str) -> str:
    """Redact with the pattern detectors only: for text that is not a customer's message.

    Bot messages are rendered from approved templates whose placeholders are bank facts and
    normalised slot values, and log lines are redacted by value (see ``log_redaction``); for
    both, the NER model would cost milliseconds per line and find nothing a pattern misses.
    The same template texts and metadata strings come back on every turn, through the tracker
    store and again the transcript writer, so results are kept per text (in memory, bounded):
    the phone matcher alone was a tenth of the writer's time under load.
    """
    return redact(text, detectors=pattern_detectors()).text if text else text


def redact_known_and_patterns(text: str) -> str:
    """The values found in this process's recent customer messages, then the pattern detectors.

    For text that is not a customer's message but may quote one (a bot message, a log line):
    detect once, so no NER (see :mod:`bot.compliance.known_values`).
    """
    return redact_patterns(KNOWN.redact(text))


def redact_value(obj: T, redactor: Callable[[str], str] = redact_text) -> T:
    """Recursively redact the ``str`` values in dicts, lists and tuples (keys are kept)."""
    if isinstance(obj, str):
        return redactor(obj)  # type: ignore[return-value]
    if isinstance(obj, Mapping):
        return type(obj)({k: redact_value(v, redactor) for k, v in obj.items()})  # type: ignore[call-arg]
    if isinstance(obj, (list, tuple)):
        return type(obj)(redact_value(v, redactor) for v in obj)
    return obj


WARM_UP_TEXT = (
    "My name is Ada Byron, card 4111 1111 1111 1111, email ada@example.com, phone "
    "(212) 555-0199, IBAN GB82 WEST 1234 5698 7654 32, I live at 12 Elm Street."
)


def warm_up() -> None:
    """Build the detectors and load lazily initialised data (suffix list, phone metadata).

    The first call otherwise pays a few hundred milliseconds; servers call this at start-up.
    """
    redact(WARM_UP_TEXT)


def _hit_order(hit: DetectorHit) -> tuple[int, int, str]:
    return (hit.start, hit.end, hit.detector)
