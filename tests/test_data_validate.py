"""`rasa data validate` over the real project files.

Rasa's validator only sees responses used in stories and rules. Candor also sends responses from
code: the rulebook's disclaimers and prefixes (through the NLG), form questions, custom actions,
and Rasa's own fallback action. Those "not used" warnings are expected; any other warning fails the test.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from bot.compliance.rulebook import load_rulebook
from bot.paths import PROJECT_ROOT, CandorHome
from bot.settings import runtime_env
from bot.survey_turns import SURVEY_RESPONSES

UNUSED = re.compile(r"The utterance '([^']+)' is not used in any story or rule\.")
# Rasa warns when retrieval-intent responses live beside their examples in data/ (by design).
# Responses Rasa's own default actions send, when config.yml names those actions.
RASA_DEFAULT_ACTION_RESPONSES = {"action_default_fallback": "utter_default"}
KNOWN = ("The following duplicated intents have been found across multiple domain files: faq",)


def responses_sent_from_code() -> set[str]:
    """Responses the NLG, forms and custom actions send (invisible to Rasa's validator)."""
    names: set[str] = set()
    for rule in load_rulebook().rules:
        e = rule.enforcement
        names.update(e.responses)
        names.update(n for n in (e.disclaimer, e.prefix) if n)
    for folder in ("actions", "policies"):
        for path in (PROJECT_ROOT / folder).rglob("*.py"):
            names.update(re.findall(r'"(utter_[\w/]+)"', path.read_text()))
    names.update(SURVEY_RESPONSES)  # actions/survey.py sends them by these names
    domain = (PROJECT_ROOT / "domain.yml").read_text()
    names.update(re.findall(r"^  (utter_ask_\w+):", domain, re.MULTILINE))
    config = (PROJECT_ROOT / "config.yml").read_text()
    for action, response in RASA_DEFAULT_ACTION_RESPONSES.items():
        if action in config:
            names.add(response)
    return names


@pytest.mark.slow
def test_rasa_data_validate_passes(test_home: CandorHome) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "rasa", "data", "validate",
         "--config", "config.yml", "--domain", "domain.yml", "--data", "data"],
        cwd=PROJECT_ROOT, env=runtime_env(test_home), capture_output=True, text=True, timeout=600,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    warnings = [line.split("UserWarning: ", 1)[1].strip()
                for line in output.splitlines() if "UserWarning: " in line]
    unexpected = [
        w for w in warnings
        if w not in KNOWN and not (UNUSED.match(w) and UNUSED.match(w)[1] in responses_sent_from_code())
    ]
    assert not unexpected, unexpected
