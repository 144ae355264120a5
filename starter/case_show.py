"""`complaints show`: a case's whole record and timeline, printed as tables or given as JSON."""

import json
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from starter.case_commands import _engine, _refuse, _table, out

if TYPE_CHECKING:  # the CLI loads casework only when a command runs
    from casework.case_record import CaseRecord


def show(
    reference: Annotated[str, typer.Argument(help="Case reference.")],
    as_json: Annotated[bool, typer.Option("--json", help="The whole record as JSON, for machines.")] = False,
) -> None:
    """Print the whole record and timeline of a case."""
    from casework.case_record import case_record
    from casework.errors import UnknownCase

    try:
        record = case_record(_engine(), reference)
    except UnknownCase as error:
        raise _refuse(error) from None
    if as_json:
        typer.echo(json.dumps(_jsonable(record), indent=2, default=_default))
        return
    _print_summary(record)
    _print_definitions_deadlines_and_timeline(record)
    _print_what_was_sent(record)
    _print_promises_and_notices(record)


def _print_summary(record: "CaseRecord") -> None:
    """Who complained, about what, under which policy, and where the case stands now."""
    complaint, case = record.complaint, record.case
    summary = Table(show_header=False, title=f"Complaint {complaint.reference}", title_justify="left")
    for label, value in [
        ("Resident", record.resident.name if record.resident else "anonymous"),
        ("Representative", record.representative.name if record.representative else "-"),
        ("Received", f"{complaint.received_at:%Y-%m-%d %H:%M} by {complaint.channel}"),
        ("Policy", f"{complaint.policy_id} v{complaint.policy_version} ({complaint.region})"),
        ("State", f"{case.state} (stage {case.stage})" if case else "starting"),
        ("Allowed now", (", ".join(case.allowed_actions or ()) or "nothing") if case else "-"),
        ("Handler", (case.handler if case else None) or "-"),
        ("Complaint", complaint.text),
        ("Outcome sought", complaint.desired_outcome or "-"),
        ("Outside window", "yes: decision needed" if complaint.out_of_window else "no"),
        ("Linked cases", ", ".join(record.linked) or (f"linked to {complaint.linked_to}" if complaint.linked_to else "-")),
    ]:
        summary.add_row(label, value)
    out.print(summary)


def _print_definitions_deadlines_and_timeline(record: "CaseRecord") -> None:
    """What the complaint was defined as, its deadlines, and every event in order."""
    _table("Definition", ["stage", "points"], [[d.stage, "\n".join(map(str, d.points))] for d in record.definitions])
    _table(
        "Deadlines",
        ["name", "due", "met on", "met"],
        [[d.name, d.due, d.met_on or "", {True: "yes", False: "no", None: "open"}[d.met]] for d in record.deadlines],
    )
    _table(
        "Timeline",
        ["#", "at", "event", "stage", "details"],
        [
            [
                e.seq,
                f"{e.at:%Y-%m-%d %H:%M}",
                e.type,
                e.stage,
                ", ".join(f"{k}={v}" for k, v in e.details.items() if k != "command_id"),
            ]
            for e in record.events
        ],
    )


def _print_what_was_sent(record: "CaseRecord") -> None:
    """The letters issued, and every letter and update sent (or owed) to the resident and representative."""
    _table(
        "Letters",
        ["kind", "stage", "issued"],
        [[letter.kind, letter.stage, f"{letter.issued_at:%Y-%m-%d}"] for letter in record.letters],
    )
    _table(
        "Sent to the resident",
        ["what", "to", "channel", "status", "when", "why"],
        [
            [
                m.subject or m.purpose,
                f"{m.name or 'nobody'} ({m.recipient})",
                m.channel + (", large print" if m.large_print else ""),
                {"no_contact": "NOT SENT: no contact details"}.get(m.status, m.status),
                f"{(m.sent_at or m.created_at):%Y-%m-%d %H:%M}",
                m.last_error,
            ]
            for m in record.messages
        ],
    )


def _print_promises_and_notices(record: "CaseRecord") -> None:
    """The actions promised, the remedies given, and the notices sent to staff."""
    _table(
        "Outstanding actions",
        ["id", "action", "owner", "target", "done"],
        [[a.action_id, a.description, a.owner, a.target_on, a.completed_on or ""] for a in record.actions],
    )
    _table(
        "Remedies",
        ["kind", "description", "amount"],
        [[r.kind, r.description, f"£{r.amount_pence / 100:.2f}" if r.amount_pence else ""] for r in record.remedies],
    )
    _table(
        "Notices",
        ["kind", "deadline", "at", "status"],
        [[n.kind, n.deadline, f"{n.at:%Y-%m-%d %H:%M}", n.status] for n in record.notices],
    )


def _jsonable(record) -> dict:
    data: dict[str, Any] = {}
    for name in type(record).model_fields:
        value = getattr(record, name)
        if isinstance(value, list):
            data[name] = [item.model_dump(exclude={"pdf", "html"}) if hasattr(item, "model_dump") else item for item in value]
        else:
            data[name] = value.model_dump() if hasattr(value, "model_dump") else value
    return data


def _default(value: Any) -> str:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    raise TypeError(f"cannot show {type(value).__name__}")
