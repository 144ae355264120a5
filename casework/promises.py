"""What a response promises and the case then tracks until done (Code 6.6 / 6.17, 7.3): the actions typed
on the respond form and every compensation payment offered, each a `PromisedAction` with its deadline
`action.<id>` and completed by `complete_action` (for a payment: paid). One list, read by the letter (its
outstanding actions), the case record (its rows) and the workflow payload, so the three always agree."""

from casework.forms import RespondForm
from models.letters import PendingAction
from models.presentation import money


def payment_id(stage: int, number: int) -> str:
    """The id a compensation payment is tracked by: `s1-pay-1` is stage 1's first payment."""
    return f"s{stage}-pay-{number}"


def payment_ids(form: RespondForm, stage: int) -> list[str]:
    """Each remedy's payment id, "" for a remedy that is not compensation."""
    ids, number = [], 0
    for remedy in form.remedies:
        if remedy.kind == "compensation":
            number += 1
            ids.append(payment_id(stage, number))
        else:
            ids.append("")
    return ids


def promised(form: RespondForm, stage: int, owner: str) -> list[PendingAction]:
    """The response's promised actions, then its compensation payments (owned by whoever responds)."""
    actions = [PendingAction(action_id=f"s{stage}-{number}", **a.model_dump()) for number, a in enumerate(form.actions, start=1)]
    for remedy, paid_as in zip(form.remedies, payment_ids(form, stage)):
        if paid_as:
            set_against = " (set against any arrears first)" if remedy.offset_against_arrears else ""
            actions.append(
                PendingAction(
                    action_id=paid_as,
                    description=f"Pay the compensation of {money(remedy.amount_pence)}{set_against}",
                    owner=owner,
                    target_on=remedy.due_on,
                )
            )
    return actions
