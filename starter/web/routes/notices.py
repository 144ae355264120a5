"""The notices page: the outbox of due-soon, overdue and escalation notices, newest first."""

from typing import get_args

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session, col, select

from models.case import NoticeKind
from models.tables import Notice
from starter.web.auth import FormRejected
from starter.web.deps import Database, MayReadNotices
from starter.web.pages import render

router = APIRouter()
PAGE_SIZE = 50
KINDS = get_args(NoticeKind)


@router.get("/notices")
def notices(request: Request, user: MayReadNotices, engine: Database, kind: str = "", page: str = "1") -> Response:
    if kind and kind not in KINDS:
        raise FormRejected({"kind": f"must be one of {', '.join(KINDS)}"})
    if not page.isdigit() or not 1 <= int(page) <= 10_000:
        raise FormRejected({"page": "must be a whole number from 1"})
    query = select(Notice)
    if kind:
        query = query.where(Notice.kind == kind)
    number = int(page)
    with Session(engine) as session:
        rows = list(session.exec(query.order_by(col(Notice.at).desc()).offset((number - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)))
    return render(
        request, "notices.html", notices=rows[:PAGE_SIZE], more=len(rows) > PAGE_SIZE, page=number, kind=kind, kinds=KINDS
    )
