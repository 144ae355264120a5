"""What the Code requires each letter to contain, and the refusal that names every part missing.

`missing_contents` says, in people's words and with the Code section, what a letter built from
models/letters.py still lacks; `LetterIncomplete` carries that list, and casework refuses to render,
store or send a letter (or the action that issues it) while it is incomplete.

Code sections (quoted in seed 001): 2.1-2.4 exclusions, 5.6 the complaint definition, 6.2-6.5 and
6.11-6.16 acknowledgement and extension, 6.6-6.9 and 6.17-6.19 response letters, 7.1-7.4 remedies.
"""

from models.letters import (
    OUTCOME_WORDS,
    AcknowledgementLetter,
    ExclusionLetter,
    ExtensionLetter,
    HazardSummaryLetter,
    LetterBase,
    RemedyOffer,
    ResponseLetter,
    record_kind,
)
from models.policy_rules import Remedies


class LetterIncomplete(ValueError):
    """A letter lacking parts the Code requires; nothing is rendered or stored."""

    def __init__(self, letter: LetterBase, missing: list[str]):
        self.missing = missing
        what = record_kind(letter).replace("_", " ").replace("stage", "stage ")
        super().__init__(f"the {what} letter for {letter.reference} cannot be issued; it is missing: " + "; ".join(missing))


def _quoted(point: str) -> str:
    return f"'{point}'" if len(point) <= 80 else f"'{point[:77]}...'"


def _blank(text: str) -> bool:
    return not text.strip()


def _acknowledgement_missing(letter: AcknowledgementLetter) -> list[str]:
    section = "6.2" if letter.stage == 1 else "6.11"
    missing = []
    if not [point for point in letter.definition if not _blank(point)]:
        missing.append(f"the complaint definition: each point of complaint as we understand it (Code 5.6, {section})")
    if letter.response_due is None:
        missing.append(f"the date by which we will respond (Code {'6.3' if letter.stage == 1 else '6.14'})")
    return missing


def _extension_missing(letter: ExtensionLetter) -> list[str]:
    timescale, details = ("6.4", "6.5") if letter.stage == 1 else ("6.15", "6.16")
    missing = []
    if letter.new_due is None:
        missing.append(f"the new date by which we will respond (Code {timescale})")
    elif letter.new_due <= letter.previous_due:
        missing.append(f"a new response date later than the current one, {letter.previous_due.isoformat()} (Code {timescale})")
    if _blank(letter.reason):
        missing.append(f"the reason for the extension (Code {timescale})")
    if letter.ombudsman is None:
        missing.append(f"the Housing Ombudsman's contact details (Code {details})")
    return missing


def _exclusion_missing(letter: ExclusionLetter) -> list[str]:
    missing = []
    if _blank(letter.ground):
        missing.append("the ground for the decision, one of those the policy lists (Code 2.2)")
    if _blank(letter.reason):
        missing.append("the reasons why the matter is not suitable for the complaints process (Code 2.1, 2.4)")
    if letter.ombudsman is None:
        missing.append("the right to take this decision to the Housing Ombudsman, with their contact details (Code 2.4)")
    return missing


def _expected_outcome(upheld: list[bool]) -> str:
    if all(upheld):
        return "upheld"
    return "partly_upheld" if any(upheld) else "not_upheld"


def outcome_mismatch(upheld: list[bool], outcome: str) -> str | None:
    """Why the decision on the complaint as a whole does not follow from the decisions on its points
    (Code 6.9c / 6.19c), in the words a handler would say it; None when it follows. The one home of this
    rule for the letter check and the respond form."""
    if not upheld:
        return None
    expected = _expected_outcome(upheld)
    if outcome == expected:
        return None
    count, total = sum(upheld), len(upheld)
    if total == 1:
        points = f"the one point is {'upheld' if count else 'not upheld'}"
    elif count == 0:
        points = f"none of the {total} points is upheld"
    elif count == total:
        points = f"all {total} points are upheld"
    else:
        points = f"{count} of the {total} points {'is' if count == 1 else 'are'} upheld"
    return f"{points}, so the complaint as a whole is {OUTCOME_WORDS[expected]} (the decision given was \u201c{OUTCOME_WORDS[outcome]}\u201d)"


def remedy_needed(upheld_points: list[int], remedies: list) -> str | None:
    """An upheld point needs a remedy to put things right (Code 7.1): what is missing, or None. The one home
    of this rule for the letter check and the respond form."""
    if not upheld_points or remedies:
        return None
    return f"a remedy to put things right for the upheld point(s) {', '.join(map(str, upheld_points))}"


def _cite(stage: int | None, stage1: str, stage2: str, item: str = "") -> str:
    """The Code section for the letter's stage; both when the stage itself is missing."""
    if stage is None:
        return f"{stage1}{item} or {stage2}{item}"
    return f"{stage1 if stage == 1 else stage2}{item}"


def _response_missing(letter: ResponseLetter) -> list[str]:
    stage = letter.stage

    def confirm(item: str) -> str:
        return _cite(stage, "6.9", "6.19", item)

    address, outstanding = _cite(stage, "6.7", "6.18"), _cite(stage, "6.6", "6.17")
    missing = []
    if letter.stage is None:
        missing.append(f"the complaint stage, 1 or 2 (Code {confirm('a')})")
    points = letter.definition
    if not [point for point in points if not _blank(point)]:
        missing.append(f"the complaint definition: each point of complaint as we understood it (Code {confirm('b')})")
    decided = {decision.point: decision for decision in letter.decisions}
    for number, point in enumerate(points, start=1):
        decision = decided.get(number)
        if decision is None:
            missing.append(f"a decision on point {number} {_quoted(point)} (Code {address}, {confirm('c')})")
        elif _blank(decision.reasons):
            missing.append(f"the reasons for the decision on point {number} {_quoted(point)} (Code {address}, {confirm('d')})")
    if letter.outcome is None:
        missing.append(f"the decision on the complaint as a whole: upheld, partly upheld or not upheld (Code {confirm('c')})")
    elif points and len(decided) == len(points):
        mismatch = outcome_mismatch([decided[n].finding == "upheld" for n in sorted(decided)], letter.outcome)
        if mismatch:
            missing.append(
                f"a decision on the complaint as a whole that matches the decisions on its points: {mismatch} (Code {confirm('c')})"
            )
    if needed := remedy_needed(
        [decision.point for decision in letter.decisions if decision.finding == "upheld"], letter.remedies
    ):
        missing.append(f"{needed} (Code 7.1, {confirm('e')})")
    for number, remedy in enumerate(letter.remedies, start=1):
        missing.extend(_remedy_missing(number, remedy, letter.landlord.remedies, confirm("e")))
    for number, action in enumerate(letter.outstanding_actions, start=1):
        label = f"outstanding action {number}" + ("" if _blank(action.description) else f" {_quoted(action.description)}")
        if _blank(action.description):
            missing.append(f"what {label} is (Code {outstanding}, {confirm('f')})")
        if _blank(action.owner):
            missing.append(f"who is responsible for {label} (Code {outstanding}, {confirm('f')})")
        if action.target_on is None:
            missing.append(f"the target date of {label} (Code {outstanding}, {confirm('f')})")
    if letter.stage == 1 and _blank(letter.stage2_how):
        missing.append("how to ask for stage 2 if the resident is not satisfied (Code 6.9g)")
    if letter.stage == 2 and letter.ombudsman is None:
        missing.append(
            "the Housing Ombudsman's contact details and the resident's right to refer the complaint to them now (Code 6.19g)"
        )
    return missing


def _remedy_missing(number: int, remedy: RemedyOffer, policy: Remedies, confirm: str) -> list[str]:
    label = f"remedy {number} ({remedy.kind})"
    if remedy.kind == "compensation":
        missing = []
        if remedy.amount_pence == 0:
            missing.append(f"the amount of the compensation in {label} (Code 7.3, {confirm})")
        if _blank(remedy.compensation_type):
            types = ", ".join(policy.compensation_types)
            missing.append(f"the type of the compensation in {label}, one of: {types} (Code 7.3, {confirm})")
        return missing
    if _blank(remedy.description):
        what = "what the apology in" if remedy.kind == "apology" else "what will be done in"
        return [f"{what} {label} (Code 7.3, {confirm})"]
    if remedy.kind == "action" and remedy.due_on is None:
        return [f"by when {label} {_quoted(remedy.description)} will be done (Code 7.3, {confirm})"]
    return []


def missing_contents(letter: LetterBase) -> list[str]:
    """Each part the Code requires that this letter lacks, in people's words with the Code section; [] if complete."""
    if isinstance(letter, ResponseLetter):
        return _response_missing(letter)
    if isinstance(letter, ExtensionLetter):
        return _extension_missing(letter)
    if isinstance(letter, ExclusionLetter):
        return _exclusion_missing(letter)
    if isinstance(letter, AcknowledgementLetter):
        return _acknowledgement_missing(letter)
    if isinstance(letter, HazardSummaryLetter):
        return (
            []
            if letter.investigated_on and letter.found
            else ["what the investigation found and when: the written summary follows it (SI 2025/1042 reg 9)"]
        )
    raise TypeError(f"not a letter: {type(letter).__name__}")
