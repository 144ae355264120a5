"""The posts from the case page: an action's form (a workflow Update through `casework.actions`), its
letter previewed first where it issues one, and "Assign to me" from the Unassigned queue."""

import asyncio
import uuid
from functools import partial

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError

from casework import case_record
from casework.access import Actor
from casework.actions import LETTER_ACTIONS, act as send, draft_letter
from casework.case_list import today
from casework.case_record import projected_case
from casework.errors import CommandRejected, UnknownCase
from casework.forms import ACTION_FORMS
from models.input_text import command_id_problem
from starter.web.action_form import PostedAction, action_fields, as_typed, read_action
from starter.web.auth import audit_staff_action, FormRejected, checked_form
from starter.web.deps import AppSettings, Database, MayReadCases, Temporal
from starter.web.fields import Said
from starter.web.routes.cases import CaseReference, case_page_response
from starter.web.routes.letters import linked_sheet

router = APIRouter()


@router.post("/cases/{reference}/actions/{action}")
async def act(
    request: Request,
    user: MayReadCases,
    reference: CaseReference,
    action: str,
    engine: Database,
    client: Temporal,
    settings: AppSettings,
) -> Response:
    form = await checked_form(request)
    if action not in ACTION_FORMS:
        raise FormRejected({"action": f"{action[:40]!r} is not an action"}, status=404)
    try:
        record = case_record.case_file(engine, reference, today())
    except case_record.CaseNotFound:
        raise FormRejected({"reference": f"There is no case {reference}."}, status=404) from None
    command_id = form.get("command_id")
    if command_id_problem(command_id):
        raise FormRejected({"command_id": "is missing or was changed; reload the case page and try again"})
    if any((event.details or {}).get("command_id") == command_id for event in record.events):
        request.session["flash"] = "That form was already sent; it was acted on once."
        return RedirectResponse(f"/cases/{reference}", status_code=303)
    page = partial(case_page_response, request, engine, settings, user, reference)
    if action == "respond" and form.get("more") in ("remedies", "actions"):  # "Add another": the form again, one row longer
        return page(open_action=action, values=as_typed(form))
    previewing = action in LETTER_ACTIONS and form.get("preview") == "yes"
    posted = read_action(action, form, action_fields(engine, record, action), previewing)
    preview = None
    if not posted.errors and previewing:  # the letter issuing would write, shown with the form as typed; nothing sent
        preview = await _preview(engine, reference, action, posted, Actor.of(user))
    elif not posted.errors:
        try:
            await send(client, engine, reference, action, posted.values, Actor.of(user), str(command_id), settings.task_queue)
        except UnknownCase:
            raise FormRejected({"reference": f"There is no complaint record for {reference}."}, status=404) from None
        except IntegrityError:
            raise FormRejected(
                {action: "This form is being acted on already (sent twice); reload the case page."}, status=409
            ) from None
        except ValidationError as error:
            posted.errors = posted.problems(error)
        except CommandRejected as error:
            posted.errors = _refused(posted, error, form.get("seen_state"), record.case.state, action)
        else:
            return _done(request, engine, user, reference, action, posted.values)
    return page(
        status=400 if posted.errors else 200,
        errors={f"{action}-{k}": v for k, v in posted.errors.items()},
        open_action=action,
        values=as_typed(form),
        preview=preview,
    )


async def _preview(engine, reference: str, action: str, posted: PostedAction, actor: Actor) -> str | None:
    """The letter the action would issue, drafted and checked as issuing would; its problems go on `posted`."""
    try:
        return linked_sheet(await asyncio.to_thread(draft_letter, engine, reference, action, posted.values, actor))
    except ValidationError as error:
        posted.errors = posted.problems(error)
    except CommandRejected as error:
        posted.errors = posted.refusal(error)
    return None


def _refused(posted: PostedAction, error: CommandRejected, seen: object, state: str, action: str) -> dict:
    """The workflow's refusal by field; when the case moved on since the page was opened, that said first."""
    if isinstance(seen, str) and seen != state:
        return {
            action: Said(f"The case changed since you opened this page (it is now {state.replace('_', ' ')}): {error.message}")
        }
    return posted.refusal(error)


def _done(request: Request, engine, user, reference: str, action: str, values: dict) -> Response:
    """Back to the case page, saying so; a reassignment is audited."""
    if action == "assign":
        audit_staff_action(request, engine, user, "case_reassigned", values["handler"], f"{reference} to {values['handler']}")
    request.session["flash"] = f"{action.replace('_', ' ').capitalize()}: done."
    return RedirectResponse(f"/cases/{reference}", status_code=303)


@router.post("/cases/{reference}/take")
async def take(
    request: Request, user: MayReadCases, reference: CaseReference, engine: Database, client: Temporal, settings: AppSettings
) -> Response:
    """ "Assign to me" from the Unassigned queue: the assign action with the signed-in person as handler."""
    await checked_form(request)
    try:
        await send(
            client,
            engine,
            reference,
            "assign",
            {"handler": user.username},
            Actor.of(user),
            f"take-{uuid.uuid4()}",
            settings.task_queue,
        )
    except UnknownCase:
        raise FormRejected({"reference": f"There is no complaint record for {reference}."}, status=404) from None
    except CommandRejected as error:
        raise FormRejected({"handler": error.message}) from None
    await projected_case(engine, reference)
    audit_staff_action(request, engine, user, "case_reassigned", user.username, f"{reference} to {user.username}")
    request.session["flash"] = f"{reference} is assigned to you."
    return RedirectResponse(f"/cases/{reference}", status_code=303)
