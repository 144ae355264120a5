"""The read pages against the real stack: dashboard, case list filters and paging, notices, closures."""

import asyncio
import base64
import html
import re
from datetime import timedelta

from sqlmodel import Session, select

from models.tables import Case, CaseDeadline, ClosureDay
from workflows.complaint import ComplaintWorkflow
from tests.web_stack import signed_in, stack  # noqa: F401 (fixtures)


async def test_dashboard_lists_my_cases_and_counts_by_stage(stack, signed_in):
    reference = await stack.start_case(handler="hugo")
    staff = await signed_in("hugo")
    page = (await staff.get("/")).text
    mine = page.split("My cases</caption>")[1].split("</table>")[0]
    assert reference in mine
    counts = page.split("Cases awaiting a response, by stage")[1].split("</table>")[0]
    with Session(stack.engine) as session:
        awaiting = len(session.exec(select(Case).where(Case.stage == 1, Case.next_deadline != None)).all())  # noqa: E711
    assert f'<a href="/cases?stage=1">Stage 1</a></td><td class="numeric">{awaiting}</td>' in counts


def _next_page(page: str) -> str | None:
    match = re.search(r'href="(/cases\?[^"]*page=[^"]+)" rel="next"', page)
    return html.unescape(match.group(1)) if match else None


async def test_case_list_filters_by_handler_and_pages_by_next_deadline(stack, signed_in):
    references = [await stack.start_case(handler="pager") for _ in range(27)]
    other = await stack.start_case(handler="someone-else")
    staff = await signed_in("mira")
    first = (await staff.get("/cases?handler=pager")).text
    # Filed the same day: the same next deadline, so in reference order, 25 a page.
    assert references[0] in first and references[24] in first and references[25] not in first
    assert other not in first
    next_url = _next_page(first)
    assert next_url is not None and "handler=pager" in next_url
    second = (await staff.get(next_url)).text
    assert references[25] in second and references[26] in second and references[0] not in second
    assert _next_page(second) is None and "First page" in second


async def test_case_list_filters_by_overdue_and_due_dates(stack, signed_in):
    reference = await stack.start_case(handler="dated")
    with Session(stack.engine) as session:
        due = session.get(CaseDeadline, (reference, "stage1.acknowledge")).due
    staff = await signed_in("mira")
    assert reference in (await staff.get(f"/cases?handler=dated&due_from={due}&due_to={due}")).text
    assert reference not in (await staff.get(f"/cases?handler=dated&due_from={due + timedelta(days=1)}")).text
    assert reference in (await staff.get("/cases?handler=dated&overdue=no&stage=1&state=received")).text
    assert reference not in (await staff.get("/cases?handler=dated&overdue=yes")).text


CRAFTED_TOKENS = [
    base64.urlsafe_b64encode(raw.encode()).decode()
    for raw in (
        '["9999-12-31T23:59:59-12:00", "CMP-2026-000001"]',
        '["0001-01-01T00:00:00+14:00", "x"]',
        "[" * 150 + "]" * 150,
        "[1" + "0" * 5000 + ', "x"]',
        "[null, 5]",
        '{"a": 1, "b": 2}',
    )
]
"""Page tokens an attacker might craft: far instants, deep nesting, a 5000-digit number, wrong shapes."""


async def test_case_list_rejects_bad_filters_by_name(stack, signed_in):
    staff = await signed_in("mira")
    cases = {
        "stage=9": "Stage: Input should be less than or equal to 2",
        "stage=two": "Stage: Input should be a valid integer",
        "state=<script>alert(1)</script>": "State: must be one of the lifecycle&#39;s states",
        "overdue=maybe": "Overdue: must be yes or no",
        "due_from=31/12/2026": "Due from: Input should be a valid date",
        "due_from=2026-12-31&due_to=2026-12-01": "Due to: must be on or after due_from (2026-12-31)",
        "page=DROP TABLE": "Page: not a page token issued by the case list",
        "due_from=9999-12-31": "Due from: must be a date in the years 2000 to 2099",
        "due_to=0001-01-01": "Due to: must be a date in the years 2000 to 2099",
        **{f"page={crafted}": "Page: not a page token issued by the case list" for crafted in CRAFTED_TOKENS},
        "landlord=" + "x" * 65: "Landlord: String should have at most 64 characters",
    }
    for query, message in cases.items():
        response = await staff.get(f"/cases?{query}")
        assert response.status_code == 400, query
        assert message in response.text, (query, response.text[:3000])
        assert "<script>alert(1)</script>" not in response.text


async def test_an_unknown_case_is_a_404_page(stack, signed_in):
    staff = await signed_in("mira")
    assert (await staff.get("/cases/CMP-2026-999999")).status_code == 404
    response = await staff.get("/cases/not-a-reference")
    assert response.status_code == 404 and "is not a case reference" in response.text


async def test_a_closure_day_replans_open_cases_of_that_landlord(stack, signed_in):
    reference = await stack.start_case(handler="hana", landlord="wrekin")
    closure, due, expected = stack.closure_ahead(reference)
    admin = await signed_in("adam")
    response = await admin.post(
        "/closures",
        {
            "landlord": "wrekin",
            "day-day": str(closure.day),
            "day-month": str(closure.month),
            "day-year": str(closure.year),
            "reason": "staff training",
        },
    )  # as the form posts it
    assert response.status_code == 303
    page = (await admin.get("/closures")).text
    assert "1 open case(s) re-planned" in page and "staff training" in page
    handle = stack.client.get_workflow_handle(reference)
    for _ in range(100):
        view = await handle.query(ComplaintWorkflow.case)
        moved = next(d.due for d in view.deadlines if d.name == "stage1.acknowledge")
        if moved == expected:
            break
        await asyncio.sleep(0.1)
    assert moved == expected != due


async def test_closure_form_rejects_bad_input_and_writes_nothing(stack, signed_in):
    admin = await signed_in("adam")
    with Session(stack.engine) as session:
        before = len(session.exec(select(ClosureDay)).all())
    bad = [
        (
            {"landlord": "", "day": "", "reason": ""},
            ["Choose a landlord", "Enter the closure date", "Enter why the office is closed"],
        ),
        ({"landlord": "wrekin", "day": "2026-02-30", "reason": "x"}, ["Closure date must be a real date, like 27 3 2026"]),
        (
            {"landlord": "wrekin", "day-day": "30", "day-month": "2", "day-year": "2027", "reason": "x"},
            ["Closure date must be a real date"],
        ),
        ({"landlord": "wrekin", "day-day": "4", "day-year": "2027", "reason": "x"}, ["Closure date must include a month"]),
        (
            {"landlord": "wrekin", "day-day": "4", "day-month": "1", "day-year": "27", "reason": "x"},
            ["Closure date must be a real date"],
        ),
        (
            {"landlord": "nobody-homes", "day-day": "4", "day-month": "1", "day-year": "2027", "reason": "x"},
            ["Landlord: &#39;nobody-homes&#39; is not a landlord of this service"],
        ),
        (
            {"landlord": "wrekin", "day-day": "2", "day-month": "1", "day-year": "2027", "reason": "x"},
            ["Closure date: 2027-01-02 is a Saturday, already a non-working day"],
        ),
        ({"landlord": "wrekin", "day": "2027-01-04", "reason": "x" * 201}, ["at most 200 characters"]),
    ]
    for form, messages in bad:
        response = await admin.post("/closures", form)
        assert response.status_code == 400
        summary = response.text.split("error-summary__list", 1)[1].split("</ul>", 1)[0]
        assert summary.count("<li>") == len(messages), summary
        for message in messages:
            assert message in summary, (message, summary)
        for part in ("day", "month", "year"):  # what was typed is shown again in its box
            if form.get(f"day-{part}"):
                assert f'name="day-{part}" type="text" inputmode="numeric" value="{form[f"day-{part}"]}"' in response.text
    with Session(stack.engine) as session:
        assert len(session.exec(select(ClosureDay)).all()) == before


async def test_notices_page_filters_by_kind_and_rejects_unknown_kinds(stack, signed_in):
    staff = await signed_in("aude")
    assert (await staff.get("/notices")).status_code == 200
    assert (await staff.get("/notices?kind=overdue")).status_code == 200
    response = await staff.get("/notices?kind=<b>x</b>")
    assert response.status_code == 400 and "Kind: must be one of due_soon, overdue, escalated" in response.text
    assert (await staff.get("/notices?page=-1")).status_code == 400


async def test_new_staff_account_form_names_the_field_in_error(stack, signed_in):
    admin = await signed_in("adam")
    response = await admin.post(
        "/users", {"username": "Bad Name!", "display_name": "X", "role": "auditor", "password": "long enough pw"}
    )
    assert response.status_code == 400 and "Username: use 2 to 32 lower-case letters" in response.text
    response = await admin.post(
        "/users", {"username": "okname", "display_name": "X", "role": "superuser", "password": "long enough pw"}
    )
    assert response.status_code == 400 and "Role: must be one of" in response.text
    response = await admin.post(
        "/users", {"username": "hana", "display_name": "X", "role": "auditor", "password": "long enough pw"}
    )
    assert response.status_code == 400 and "&#39;hana&#39; is already taken" in response.text


async def test_every_form_answers_bad_input_with_a_4xx_naming_the_field(stack, signed_in):
    admin = await signed_in("adam")
    long_text = "x" * 5000
    script = "<script>alert('owned')</script>"
    posts = [
        ("/sign-in", {"username": long_text, "password": "x"}, "Username: must be at most 32 characters"),
        ("/sign-in", {"username": script, "password": script}, "The username or password is not right"),
        (
            "/users",
            {"username": script, "display_name": script, "role": "auditor", "password": "long enough pw"},
            "Username: use 2 to 32",
        ),
        (
            "/users",
            {"username": "okay", "display_name": long_text, "role": "auditor", "password": "long enough pw"},
            "Display name: must be at most 200 characters",
        ),
        ("/closures", {"landlord": script, "day": script, "reason": script}, "Day: must be at most 10 characters"),
    ]
    for path, form, message in posts:
        response = await admin.post(path, form)
        assert 400 <= response.status_code < 500, (path, form)
        assert message in response.text, (path, response.text[:2000])
        assert script not in response.text
    upload = await admin.http.post(
        "/closures",
        data={"csrf_token": admin.csrf, "landlord": "wrekin", "reason": "x"},
        files={"day": ("day.txt", b"2027-01-05")},
    )
    assert upload.status_code == 400 and "Day: must be text" in upload.text
    with Session(stack.engine) as session:
        assert session.exec(select(ClosureDay).where(ClosureDay.reason == script)).first() is None
