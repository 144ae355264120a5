"""Search in the header (issue 16 must-exist 2): a resident's cases by reference, name, postcode, phone or
email however they are typed, for staff who read cases only; intake shows the resident's earlier cases from
the same search before a new one is filed."""

from sqlmodel import Session, func, select

from casework.intake import Intake, ResidentDetails, file_complaint
from models.record import Complaint
from tests.web_stack import TASK_QUEUE, filled, signed_in, stack  # noqa: F401 (fixtures)

PRIYA = ResidentDetails(
    name="Priya Okonkwo-Smith",
    address="Flat 2, 9 Colliers Way, Telford TF3 4AW",
    phone="+44 1952 217 000",
    email="Priya.O@Example.org",
)


async def _filed(stack, n: int) -> str:
    intake = Intake(
        intake_id=f"search-{n}",
        policy="wrekin",
        channel="phone",
        resident=PRIYA,
        text="The stairwell light has been out for a month.",
    )
    filed = await file_complaint(stack.client, stack.engine, intake, TASK_QUEUE)
    await stack.projected(filed.reference)
    return filed.reference


async def test_search_finds_a_residents_cases_however_the_detail_is_typed(stack, signed_in):
    first, second = await _filed(stack, 1), await _filed(stack, 2)
    other = await stack.start_case(handler="hana")
    hana = await signed_in("hana")
    for typed in (
        "priya",
        "PRIYA OKONKWO-SMITH",
        "okonkwo-smith",
        "tf3 4aw",
        "TF34AW",
        "01952 217000",
        "(01952) 217-000",
        "+44 1952 217000",
        "priya.o@example.org",
    ):
        page = (await hana.get("/search", params={"q": typed})).text
        assert first in page and second in page and other not in page, typed
        assert page.index(second) < page.index(first), "newest first"
    opened = await hana.get("/search", params={"q": f" {first.lower()} "})
    assert opened.status_code == 303 and opened.headers["location"] == f"/cases/{first}"
    assert "No cases found" in (await hana.get("/search", params={"q": "nobody at all"})).text
    empty = await hana.get("/search", params={"q": "  "})
    assert empty.status_code == 400 and "Enter a reference, a resident&#39;s name" in empty.text
    assert (await hana.get("/search", params={"q": "x" * 201})).status_code == 400
    assert 'action="/search"' in (await hana.get("/")).text, "the box is in the header"
    admin = await signed_in("adam")
    assert (await admin.get("/search", params={"q": "priya"})).status_code == 403, "administrators read no case files"
    assert 'action="/search"' not in (await admin.get("/users")).text


async def test_intake_shows_the_residents_earlier_cases_before_filing_a_new_one(stack, signed_in):
    earlier = await _filed(stack, 3)
    hana = await signed_in("hana")
    page = (await hana.get("/cases/new")).text
    intake_id = page.split('name="intake_id" value="', 1)[1].split('"', 1)[0]
    form = filled(Intake) | {
        "intake_id": intake_id,
        "resident.name": "Someone Else",
        "resident.phone": "01952-217000",
        "resident.email": "",
        "policy": "wrekin",
    }
    with Session(stack.engine) as session:
        before = session.exec(select(func.count()).select_from(Complaint)).one()
    warned = await hana.post("/cases", form)
    assert warned.status_code == 200 and 'id="earlier"' in warned.text and earlier in warned.text
    assert 'name="earlier_seen" value="yes"' in warned.text and 'value="Someone Else"' in warned.text, (
        "the form keeps what was typed"
    )
    with Session(stack.engine) as session:
        assert session.exec(select(func.count()).select_from(Complaint)).one() == before, "nothing filed yet"
    filed = await hana.post("/cases", form | {"earlier_seen": "yes"})
    assert filed.status_code == 303
    again = await hana.post("/cases", form)
    assert again.status_code == 303 and again.headers["location"] == filed.headers["location"], "a resent form files nothing new"


async def test_search_by_partial_reference_street_and_near_miss_shows_addresses(stack, signed_in):
    """Issue 26 item 11: "000002", "Mill Lane" and "Kahn" (for Khan) find cases; the address tells two
    residents of the same name apart."""
    filed = []
    for n, address in enumerate(("4 Mill Lane, Telford TF1 1AA", "8 Oak Road, Telford TF2 2BB")):
        intake = Intake(
            intake_id=f"khan-{n}",
            policy="code-2024",
            channel="phone",
            resident=ResidentDetails(name="Amir Khan", address=address),
            text="The fence was never repaired.",
        )
        filed.append((await file_complaint(stack.client, stack.engine, intake, TASK_QUEUE)).reference)
    mill, oak = filed
    hana = await signed_in("hana")
    by_street = (await hana.get("/search", params={"q": "Mill Lane"})).text
    assert mill in by_street and oak not in by_street and "4 Mill Lane, Telford TF1 1AA" in by_street
    near = (await hana.get("/search", params={"q": "Kahn"})).text
    assert mill in near and oak in near and "8 Oak Road" in near and "4 Mill Lane" in near
    number = mill.rsplit("-", 1)[1]
    for typed in (number, number.lstrip("0"), mill.split("-", 1)[1]):
        page = await hana.get("/search", params={"q": typed})
        assert page.status_code in (200, 303) and (mill in page.text or page.headers.get("location") == f"/cases/{mill}"), typed
