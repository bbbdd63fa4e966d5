"""The typed contract between Candor's components and processes, and the rule ids.

What the NLU compliance detector writes into Rasa's parse data is read by the guard policy, the
NLG, the action server, the tracker store and the transcript writer (in another process when
RabbitMQ carries the events). Its shape is declared here once, as ``TypedDict``s because it
travels as JSON; nothing in it ever holds a matched value, only offsets, types and names.

Rule ids are the stable names of ``compliance.yml`` rules that code refers to; the rulebook
loader checks that every one of :data:`REQUIRED_RULE_IDS` exists.
"""

from __future__ import annotations

from typing import TypedDict

#: Candor's section of Rasa's parse data (set by ``bot.nlu.compliance_detector``).
COMPLIANCE_KEY = "compliance"
#: Other requests found in the same message (set by ``bot.nlu.multi_intent``).
ADDITIONAL_INTENTS_KEY = "additional_intents"
#: ``{rule id: probability}`` from the rule classifier (set by ``bot.nlu.rule_classifier``).
RULE_SCORES_KEY = "rule_scores"
#: The ``detector`` of a rule hit the rule classifier caused.
RULE_MODEL_DETECTOR = "model:rule_classifier"

# Rule ids of compliance.yml that code refers to by name.
AI_DISCLOSURE = "ai-disclosure"
VULNERABLE_CUSTOMER = "vulnerable-customer"
HUMAN_HANDOFF = "human-handoff"
COMPLAINT = "complaint"
NO_PERSONAL_ADVICE = "no-personal-advice"
ACCOUNT_DATA_REQUIRES_AUTH = "account-data-requires-auth"
DISPUTE_INTAKE = "dispute-intake"
BOT_IDENTITY_QUESTION = "bot-identity-question"
PII_REDACTION = "pii-redaction"
RATE_DISCLAIMER = "rate-disclaimer"
DEPOSIT_INSURANCE_DISCLAIMER = "deposit-insurance-disclaimer"
DATA_RIGHTS_REQUEST = "data-rights-request"

REQUIRED_RULE_IDS: tuple[str, ...] = (
    AI_DISCLOSURE,
    VULNERABLE_CUSTOMER,
    HUMAN_HANDOFF,
    COMPLAINT,
    NO_PERSONAL_ADVICE,
    ACCOUNT_DATA_REQUIRES_AUTH,
    DISPUTE_INTAKE,
    BOT_IDENTITY_QUESTION,
    PII_REDACTION,
    DATA_RIGHTS_REQUEST,
)


class DetectorHitJson(TypedDict):
    """One detector hit in the parse data: where and what kind, never the matched text."""

    detector: str
    entity_type: str
    pattern_name: str
    start: int
    end: int
    score: float


class PiiSpan(TypedDict):
    """Personal data found in a customer message: offsets and type only (no value)."""

    start: int
    end: int
    entity_type: str


class ComplianceSection(TypedDict, total=False):
    """``parse_data["compliance"]``: the detector run over one customer message.

    ``pii_spans`` lets every later stage (tracker store, transcript writer, logs) redact the
    message without running the detectors again; ``error`` (``E203``) marks a message whose
    detectors failed, which the guard answers with the safe reply.
    """

    hits: list[DetectorHitJson]
    pii_spans: list[PiiSpan]
    error: str


class RuleHitJson(TypedDict):
    """A rule that fired, with the regulation it enforces (stored per bot turn)."""

    rule_id: str
    regulation: str
    detector: str
    action: str | None


class ResponseProvenance(TypedDict, total=False):
    """Which approved text a bot message showed: response id, its version and A/B variant."""

    response: str | None
    response_version: int | None
    variant: str | None


class BotMessageMetadata(ResponseProvenance):
    """``metadata`` of every outgoing bot message (README: message contract)."""

    ai_generated: bool
    compliance_rules: list[str]


class ServableVersion(TypedDict):
    """An approved, not retired response version (Studio), as the NLG's cache loads it."""

    response: str
    variant: str
    version: int
    text: str
    #: What the version was approved against; the NLG skips it when domain.yml has changed.
    baseline_hash: str


class ServableExperiment(TypedDict):
    """A running experiment: the response and its arms' weights (``baseline``: live text)."""

    id: int
    response: str
    arms: dict[str, int]


class ServableSet(TypedDict):
    """Everything the NLG may serve beyond domain.yml: loaded every few seconds."""

    versions: list[ServableVersion]
    experiments: list[ServableExperiment]
