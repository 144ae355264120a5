"""A case's letters for staff: the letter as the resident got it, its PDF, and the letters' stylesheet.

A stored letter carries its stylesheet inline (its PDF needs nothing from outside), which the app's CSP
blocks, so the preview page frames `/sheet`: the stored letter with that `<style>` swapped for a link to
`/letters.css` (the same file, casework/letter_templates/letter.css), under a CSP of its own that allows
only that stylesheet, no script, and framing by this app alone."""

import re

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.engine import Engine
from sqlmodel import Session

from casework.letters import STYLESHEET
from models.record import Letter
from starter.web.deps import Database, MayReadCases
from starter.web.pages import render

router = APIRouter()
SHEET_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; frame-ancestors 'self'; base-uri 'none'; form-action 'none'",
    "X-Frame-Options": "SAMEORIGIN",
}
_STYLE = re.compile(r"<style>.*?</style>", re.S)


def _letter(engine: Engine, reference: str, letter_id: str) -> Letter | None:
    with Session(engine) as session:
        row = session.get(Letter, letter_id[:100])
    return row if row is not None and row.reference == reference else None


def _not_found(request: Request) -> Response:
    return render(request, "error.html", status=404, title="Letter not found", message="There is no such letter on this case.")


@router.get("/cases/{reference}/letters/{letter_id}.pdf")
def pdf(request: Request, reference: str, letter_id: str, user: MayReadCases, engine: Database) -> Response:
    row = _letter(engine, reference, letter_id)
    if row is None:
        return _not_found(request)
    name = f"{reference}-{row.kind.replace('_', '-')}.pdf"
    return Response(row.pdf, media_type="application/pdf", headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/cases/{reference}/letters/{letter_id}")
def letter(request: Request, reference: str, letter_id: str, user: MayReadCases, engine: Database) -> Response:
    row = _letter(engine, reference, letter_id)
    if row is None:
        return _not_found(request)
    large = 'class="large-print"' in row.html
    return render(request, "letter.html", letter=row, reference=reference, large_print=large)


@router.get("/cases/{reference}/letters/{letter_id}/sheet")
def sheet(request: Request, reference: str, letter_id: str, user: MayReadCases, engine: Database) -> Response:
    row = _letter(engine, reference, letter_id)
    if row is None:
        return _not_found(request)
    return HTMLResponse(linked_sheet(row.html), headers=SHEET_HEADERS)


def linked_sheet(html: str) -> str:
    """A rendered letter with its inline stylesheet swapped for a link to /letters.css, so it shows
    styled under a CSP that blocks inline styles (a stored letter's sheet, a letter's preview)."""
    return _STYLE.sub('<link rel="stylesheet" href="/letters.css">', html, count=1)


@router.get("/letters.css")
def stylesheet() -> Response:
    """Public like /static: a stylesheet holds no personal data."""
    return Response(STYLESHEET.read_text(encoding="utf-8"), media_type="text/css")
