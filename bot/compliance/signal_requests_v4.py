"""Fourth-generation bot-identity signal: the question asked about who reads, what runs the chat.

Two more blind writers (``bench/data/signals_train12``, ``signals_train13``), scored out of
writer by ``candor bench thresholds``, asked what is answering in ways v3
(:mod:`bot.compliance.signal_requests_v3`) does not name: whether a person *reads* or *sees*
what they type ("is there even a human reading this?"), what *powers* the chat ("is this
powered by GPT?"), a *brain* behind it, "what am I talking to?", a doubt put as a statement
("I don't believe you're a real person"), "... a machine. Are you one?", and "am I tlaking to a
robto". Issue 18.
"""

from __future__ import annotations

from typing import ClassVar

from bot.compliance.signal_requests_v3 import BotIdentityQuestionV3
from bot.registry import detectors

#: Whoever might be at the other end, as a customer types it.
_SOMEONE = (r"(?:an? |any |the )?(?:actual |real |live |living )?"
            r"(?:human(?: being)?|person|people|someone|somebody|anyone|anybody|brain)")
#: What they might be asking about: this chat and what they type in it.
_THIS_CHAT = (r"(?:what i(?:'m| am)? (?:typing|writing|saying|type|write)|my messages|these messages|"
              r"this (?:chat|conversation)|this(?=\s*(?:[?.!,]|$|or\b|because\b)))")


@detectors.register("signal.bot_identity.v4")
class BotIdentityQuestionV4(BotIdentityQuestionV3):
    """v3 plus who reads the chat, what powers it, a doubt put as a statement, "are you one?"."""

    name = "signal.bot_identity.v4"
    _MACHINE = BotIdentityQuestionV3._MACHINE[:-1] + r"|gpt|an? llm|openai|robto|robit|r0bot)"
    patterns: ClassVar[dict[str, str]] = {
        **BotIdentityQuestionV3.patterns,
        "someone_reads_this": (rf"\b(?:is there|are there|will|would|does|do|is|are|can)\s+(?:even |actually |really )?"
                               rf"{_SOMEONE}(?: at all)? (?:(?:going to|gonna|actually|really|ever) )?"
                               rf"(?:see|sees|seeing|read|reads|reading|look at|looking at)\s+{_THIS_CHAT}"),
        "behind_this": (rf"\bis there (?:even |actually |really )?{_SOMEONE} (?:behind|at|on the other end of) "
                        r"(?:this(?=\s*(?:[?.!,]|$|or\b))|"
                        r"(?:this|these|the) (?:chat|screen|replies|answers|messages|keyboard)|the other end)\b"),
        "powered_by": (rf"\b(?:is|are) (?:this|it|you|that) (?:\w+ )?(?:powered|run|driven|built|made|running) "
                       rf"(?:by|on|with) (?:an? )?{_MACHINE}\b"),
        "what_am_i_talking_to": (r"\bwhat (?:exactly )?(?:am i|are we) (?:\w+ )?(?:talking|speaking|chatting|typing) "
                                 r"(?:to|with)\b(?! (?:you|u)\b)"),
        "doubt_you_are": (r"\b(?:don't|do not|dont|can't|cannot|don't really) (?:believe|think|buy) (?:that )?"
                          r"(?:you're|you are|ur|i'm talking to|i am talking to) (?:a |an )?(?:real |actual |live )?"
                          r"(?:person|human|people|employee)\b"),
        "are_you_one": rf"\b{_MACHINE}s?\b[^?]{{0,80}}\b(?:are you one|is that what you are|are you one of them)\b",
        "am_i_to_machine": rf"\bam i \w+ (?:to|with) (?:a |an )?{_MACHINE}\b",
    }
