"""The header's search box: a resident's cases by reference, name, postcode, phone or email
(casework/case_search.py); a reference typed exactly opens its case."""

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from casework.case_search import LIMIT, search_cases
from models.search import MAX_QUERY
from starter.web.deps import Database, MayReadCases
from starter.web.fields import Said
from starter.web.pages import render

router = APIRouter()


@router.get("/search")
def search(request: Request, user: MayReadCases, engine: Database, q: str = "") -> Response:
    typed = q.strip()
    if not typed:
        return render(
            request,
            "search.html",
            q="",
            found=None,
            status=400,
            errors={"q": Said("Enter a reference, a resident's name, a postcode, a phone number or an email")},
        )
    if len(typed) > MAX_QUERY:
        return render(
            request,
            "search.html",
            q=typed[:MAX_QUERY],
            found=None,
            status=400,
            errors={"q": Said(f"Search for at most {MAX_QUERY} characters")},
        )
    found = search_cases(engine, typed)
    if len(found) == 1 and found[0].reference == typed.upper():
        return RedirectResponse(f"/cases/{found[0].reference}", status_code=303)
    return render(request, "search.html", q=typed, found=found, limit=LIMIT)
