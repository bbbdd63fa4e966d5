"""PII detectors, one per module; importing this package registers them all.

Registry names (``bot.registry.detectors``) are what the rulebook uses; the default PII set
used by redaction is :data:`PII_DETECTORS`.
"""

from bot.compliance.detectors import (  # noqa: F401 - imported to register
    bank_account,
    card_number,
    email,
    iban,
    person,
    phone,
    routing_number,
    secrets,
    street_address,
    us_ssn,
)
from bot.compliance.detectors.base import Detector, DetectorHit

PII_DETECTORS: tuple[str, ...] = (
    "pii.card_number.v1",
    "pii.secret.v1",
    "pii.iban.v1",
    "pii.us_ssn.v1",
    "pii.routing_number.v1",
    "pii.bank_account.v1",
    "pii.email.v1",
    "pii.phone.v1",
    "pii.person.v1",
    "pii.street_address.v1",
)

__all__ = ["PII_DETECTORS", "Detector", "DetectorHit"]
