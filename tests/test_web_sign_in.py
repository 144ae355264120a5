"""Brute force and weak passwords (issue 18 item 3): sign-in throttled per account and per client
address with a plain 429 page, every failure and lock audited, and passwords judged by zxcvbn."""

import html
from datetime import timedelta

import pytest
from sqlmodel import Session, delete, select

from accounts import sign_in
from accounts.audit import AuditEntry, audit_entries
from accounts.sign_in import SignInThrottle
from tests.cli_runner import complaints
from tests.web_stack import PASSWORD, signed_in, stack  # noqa: F401 (fixtures)

WEAK = {
    "aaaaaaaaaa": 'is too easy to guess. Repeats like "aaa" are easy to guess.',
    "1234567890": "is too easy to guess. This is a top-100 common password.",
    " " * 10: "must not be only spaces",
    "\0" * 10: "must not contain control characters (such as tab or NUL)",
    "password123": "is too easy to guess. This is a very common password.",
    "qwertyuiop": "is too easy to guess.",
}


@pytest.fixture(autouse=True)
def fresh_throttle(stack):
    yield
    with Session(stack.engine) as session:
        session.exec(delete(SignInThrottle))
        session.commit()


def later(monkeypatch, seconds: float) -> None:
    moment = sign_in.now() + timedelta(seconds=seconds)
    monkeypatch.setattr(sign_in, "now", lambda: moment)


async def test_fifty_wrong_passwords_then_the_right_one_is_still_refused(stack, monkeypatch):
    attacker = stack.browser("203.0.113.7")
    codes = [(await attacker.sign_in("hana", f"guess number {n}")).status_code for n in range(50)]
    assert codes[:4] == [400] * 4 and set(codes[4:]) == {429}, codes
    right = await attacker.sign_in("hana", PASSWORD)
    assert right.status_code == 429
    assert "Too many attempts to sign in" in right.text and "Wait 1 minute and try again" in right.text
    assert right.headers["retry-after"].isdigit() and "Content-Security-Policy" in right.headers
    assert (await attacker.http.get("/cases", follow_redirects=False)).status_code == 303, "not signed in"
    elsewhere = await stack.browser("198.51.100.9").sign_in("hana", PASSWORD)
    assert elsewhere.status_code == 429, "the account is paused wherever the right password comes from"
    later(monkeypatch, 61)
    assert (await stack.browser("198.51.100.9").sign_in("hana", PASSWORD)).status_code == 303, "the pause ends"


async def test_the_pause_doubles_with_each_further_failure(stack, monkeypatch):
    attacker = stack.browser("203.0.113.8")
    for n in range(5):
        await attacker.sign_in("hugo", f"wrong {n}")
    later(monkeypatch, 61)
    sixth = await attacker.sign_in("hugo", "wrong again")
    assert sixth.status_code == 429 and 110 <= int(sixth.headers["retry-after"]) <= 121
    assert "Wait 2 minutes" in sixth.text


async def test_a_success_clears_the_accounts_count(stack):
    person = stack.browser("192.0.2.10")
    for _ in range(2):
        for n in range(4):
            assert (await person.sign_in("mira", f"typo {n}")).status_code == 400
        assert (await person.sign_in("mira", PASSWORD)).status_code == 303


async def test_one_address_trying_many_accounts_is_paused(stack):
    sprayer = stack.browser("203.0.113.66")
    codes = [(await sprayer.sign_in(f"name{n}", "Summer2026!")).status_code for n in range(20)]
    assert codes[:19] == [400] * 19 and codes[19] == 429
    assert (await sprayer.sign_in("rita", PASSWORD)).status_code == 429, "the address is paused for every account"
    assert (await stack.browser("192.0.2.44").sign_in("rita", PASSWORD)).status_code == 303, "other addresses are not"


async def test_failures_locks_and_sign_ins_are_audited(stack, signed_in):
    attacker = stack.browser("203.0.113.99")
    for n in range(5):
        await attacker.sign_in("remy", f"nope {n}")
    entries = audit_entries(stack.engine, "remy", limit=10)
    assert [entry.event for entry in entries[:2]] == ["sign_in_locked", "sign_in_failed"]
    assert entries[0].address == "203.0.113.99" and "paused for 60 s" in entries[0].detail
    assert sum(entry.event == "sign_in_failed" for entry in entries) == 5
    with Session(stack.engine) as session:
        session.exec(delete(SignInThrottle))
        session.commit()
    admin = await signed_in("adam")
    await admin.post("/users/remy/password", {"password": "quiet lantern orchard"})
    await admin.post("/users/remy/password", {"password": PASSWORD})
    staff = await signed_in("remy")
    await staff.post("/sign-out")
    events = [(entry.event, entry.actor) for entry in audit_entries(stack.engine, "remy", limit=4)]
    assert events == [("signed_out", ""), ("signed_in", ""), ("password_reset", "adam"), ("password_reset", "adam")]
    with Session(stack.engine) as session:
        texts = " ".join(f"{e.username} {e.detail}" for e in session.exec(select(AuditEntry)))
    assert PASSWORD not in texts and "nope" not in texts, "no password is ever written to the audit log"


@pytest.mark.parametrize("weak", sorted(WEAK))
async def test_weak_passwords_are_refused_in_plain_english_everywhere(stack, signed_in, weak):
    admin = await signed_in("adam")
    made = await admin.post(
        "/users", {"username": "newstarter", "display_name": "New Starter", "role": "auditor", "password": weak}
    )
    assert made.status_code == 400 and WEAK[weak] in html.unescape(made.text)
    reset = await admin.post("/users/hugo/password", {"password": weak})
    assert reset.status_code == 400 and WEAK[weak] in html.unescape(reset.text)
    assert (await stack.browser().sign_in("hugo")).status_code == 303, "a refused password changes nothing"
    own = await admin.post("/account/password", {"current_password": PASSWORD, "new_password": weak})
    assert own.status_code == 400 and WEAK[weak] in html.unescape(own.text)


async def test_a_password_made_of_the_persons_own_name_is_refused(stack, signed_in):
    admin = await signed_in("adam")
    response = await admin.post("/users/hugo/password", {"password": "hugohugo2026"})
    assert response.status_code == 400 and "is too easy to guess" in response.text


def test_the_first_administrator_needs_a_strong_password_too(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'read.db'}", "COMPLAINTS_ADMIN_PASSWORD": "1234567890"}
    done = complaints("users", "create-admin", "--username", "root", "--name", "First Admin", env=env)
    assert done.exit_code == 2 and "is too easy to guess" in done.stderr and "Traceback" not in done.stderr
