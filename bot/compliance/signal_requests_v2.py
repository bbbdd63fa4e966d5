"""Second-generation request signals: the customer's own account data and disputes, said any way.

v1 (:mod:`bot.compliance.signal_requests`) lists request sentences ("what's my balance", "charged
me twice"). Real customer wording varies the order and the words around the same two parts: a
request or question form, and a figure of the customer's own account ("what is the balance of my
bank account", "how high is my card limit", "how many points have I got"); a transaction and the
reason it is wrong ("a direct debit I never set up", "a cash withdrawal that wasn't me"). So v2
matches those parts near each other instead of whole sentences. It was checked for wording
written outside this project (public banking-query sets' categories for balances, transactions,
unrecognised and duplicate payments) and against their other categories for false alarms; v1
keeps meaning what it said.
"""

from __future__ import annotations

from typing import ClassVar

from bot.compliance.signal_requests import AccountDataRequest, DisputeSignal
from bot.registry import detectors

#: A figure of the customer's own account.
_FIGURE = (r"(?:balances?|(?:credit|card|spending|overdraft) limit|limit|transactions?(?! fees?)|spending|"
           r"(?:minimum|min) (?:payment|amount|due)|(?:reward|rewards|loyalty) (?:points|balance)|points|"
           r"interest (?:paid|earned|charged)|available (?:funds|credit|balance)|outstanding (?:amount|balance)|"
           r"payments? (?:in|out)|incoming payments|outgoings)")
#: Asking for it: a question or an instruction.
_ASK = (r"(?:what(?:'s| is| are| was| were)|how (?:much|high|many|big|low)|tell me|show me|give me|let me know|"
        r"check|confirm|find|look up|pull up|list|read (?:me|out)|send me|can i (?:see|have|get)|i (?:want|need|'d like) to (?:see|know))")
#: The thing is the customer's: "my ...", "i have/owe/spent" (not "my partner's ...").
_MINE = (r"(?:(?:my|our)(?! (?:partner|husband|wife|son|daughter|mum|mom|dad|mother|father|friend|brother|sister|ex|child|kid|boss)'s\b)"
         r"|i(?:'ve| have)? (?:got|have|owe|spent|made|earned))")


@detectors.register("signal.account_data.v2")
class AccountDataRequestV2(AccountDataRequest):
    """v1 plus a request form near a figure of the customer's own account, in either order."""

    name = "signal.account_data.v2"
    patterns: ClassVar[dict[str, str]] = {
        **AccountDataRequest.patterns,
        "ask_figure_mine": rf"\b{_ASK}\b[^.?!]{{0,25}}\b{_FIGURE}\b[^.?!]{{0,30}}\b{_MINE}\b",
        "ask_mine_figure": rf"\b{_ASK}\b[^.?!]{{0,25}}\b{_MINE}\b[^.?!]{{0,30}}\b{_FIGURE}\b",
        "money_left": (r"\b(?:is there|have i got|do i have|how much) (?:any )?(?:money|cash|funds) "
                       r"(?:left|in (?:my|the) (?:\w+ )?accounts?|available)\b"),
        "spent_on": r"\b(?:how much|what) (?:have i|did i|i've|i have) (?:spent|paid|earned|received|been charged)\b",
        "overdrawn_now": r"\b(?:am i|are we) (?:overdrawn|in the red|in credit|over my limit)\b",
    }
    # A question about what a figure means, or where the app shows it, is not a request for it.
    vetoes: ClassVar[tuple[str, ...]] = (
        *AccountDataRequest.vetoes,
        r"\b(?:mean|means|difference between)\b", r"\bin the app\b[^.?!]*\?\s*$", r"\bdoes the app\b",
    )


@detectors.register("signal.dispute.v2")
class DisputeSignalV2(DisputeSignal):
    """v1 plus transactions the customer says they did not make, agree to, or get."""

    name = "signal.dispute.v2"
    _TXN = (r"(?:payments?|charges?|transactions?|purchases?|debits?|direct debits?|withdrawals?|"
            r"cash withdrawals?|transfers?|amounts?|entries|entry)")
    patterns: ClassVar[dict[str, str]] = {
        **DisputeSignal.patterns,
        "txn_not_mine": (rf"\b{_TXN}\b[^.?!]{{0,50}}\b(?:i|we)\b (?:\w+ ){{0,2}}(?:didn't|did not|never|don't|do not|can't|cannot) "
                         r"(?:make|do|authori[sz]e|recogni[sz]e|remember|recall|approve|agree|set up|sign up|ask for)"),
        "not_mine_txn": (r"\b(?:unknown|strange|odd|weird|suspicious|unfamiliar|unrecogni[sz]ed|unauthori[sz]ed|mystery|random) "
                         rf"(?:\w+ ){{0,2}}{_TXN}\b"),
        "dont_recognise": r"\b(?:don't|do not|didn't|can't) recogni[sz]e\b",
        "wasnt_me": r"\b(?:wasn't|was not|isn't|is not|weren't) (?:me|mine|made by me|from me)\b",
        "taken_twice": (r"\b(?:charged|billed|debited|taken|took|went out|came out|appeared|showing|showed|put (?:it )?through|processed|deducted)\b"
                        r"[^.?!]{0,40}\b(?:twice|two times|double|again)\b|"
                        r"\bsame (?:payment|charge|transaction|amount|debit)\b[^.?!]{0,30}\b(?:twice|two times|again|more than once)\b"),
        "refund_refused": (r"\b(?:hasn't|has not|haven't|have not|never|still not|won't|will not|refuse[sd]? to|refusing to) "
                           r"(?:\w+ ){0,2}refund(?:ed)?\b"),
        "without_consent": rf"\b{_TXN}\b[^.?!]{{0,40}}\bwithout (?:my )?(?:permission|consent|authori[sz]ation|approval)\b",
    }
