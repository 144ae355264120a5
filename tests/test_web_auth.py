"""Signing in and out, CSRF on every form, and the first administrator from the command line."""

from sqlmodel import Session

from accounts.users import StaffUser, create_user
from tests.cli_runner import complaints
from tests.web_stack import PASSWORD, signed_in, stack  # noqa: F401 (fixtures)


async def test_healthz_answers_without_signing_in(stack):
    response = await stack.browser().http.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


async def test_pages_redirect_to_sign_in_when_signed_out(stack):
    response = await stack.browser().http.get("/cases", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/sign-in?next=/cases"


async def test_sign_in_with_the_right_password_opens_the_dashboard(stack):
    staff = stack.browser()
    response = await staff.sign_in("hana")
    assert response.status_code == 303 and response.headers["location"] == "/"
    page = await staff.get("/")
    assert "Hana (Complaints handler)" in page.text and "My cases" in page.text


async def test_a_wrong_password_shows_the_error_summary_and_signs_nobody_in(stack):
    staff = stack.browser()
    response = await staff.sign_in("hana", "not the password")
    assert response.status_code == 400
    assert "There is a problem" in response.text and "The username or password is not right" in response.text
    assert (await staff.http.get("/", follow_redirects=False)).status_code == 303


async def test_empty_sign_in_names_both_fields(stack):
    staff = stack.browser()
    await staff.get("/sign-in")
    response = await staff.post("/sign-in", {"username": "", "password": ""})
    assert response.status_code == 400
    assert 'href="#username">Username: Enter your username' in response.text
    assert 'href="#password">Password: Enter your password' in response.text


async def test_a_form_without_the_csrf_token_is_refused(stack, signed_in):
    staff = await signed_in("adam")
    response = await staff.post("/closures", {"landlord": "code-2024", "day": "2030-01-02", "reason": "x"}, csrf=False)
    assert response.status_code == 403 and "did not come from this site" in response.text
    response = await staff.post(
        "/closures", {"landlord": "code-2024", "day": "2030-01-02", "reason": "x", "csrf_token": "forged"}
    )
    assert response.status_code == 403


async def test_the_next_page_after_sign_in_stays_on_this_site(stack):
    staff = stack.browser()
    await staff.get("/sign-in")
    response = await staff.post("/sign-in", {"username": "mira", "password": PASSWORD, "next": "//evil.example/"})
    assert response.headers["location"] == "/"


async def test_sign_out_ends_the_session(stack, signed_in):
    staff = await signed_in("mira")
    assert (await staff.post("/sign-out")).status_code == 303
    assert (await staff.http.get("/", follow_redirects=False)).headers["location"].startswith("/sign-in")


async def test_passwords_are_stored_as_argon2_hashes_at_the_production_cost(stack, production_password_hashing, signed_in):
    create_user(stack.engine, "hashed", "Hashed", "auditor", PASSWORD)
    with Session(stack.engine) as session:
        user = session.get(StaffUser, "hashed")
    # argon2id with RFC 9106's low-memory parameters (64 MiB, 3 passes, 4 lanes), argon2-cffi's default
    assert user.password_hash.startswith("$argon2id$v=19$m=65536,t=3,p=4$") and PASSWORD not in user.password_hash
    staff = await signed_in("hashed")
    assert (await staff.get("/")).status_code == 200


def test_create_admin_from_the_command_line(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'read.db'}", "COMPLAINTS_ADMIN_PASSWORD": "a long enough password"}
    command = ["users", "create-admin", "--username", "root", "--name", "First Admin"]
    made = complaints(*command, env=env)
    assert made.exit_code == 0, made.stderr
    assert made.stdout.strip() == "created administrator root"
    again = complaints(*command, env=env)
    assert again.exit_code == 2 and "'root' is already taken" in again.stderr
    short = complaints(*command[:-4], "--username", "other", "--name", "X", env={**env, "COMPLAINTS_ADMIN_PASSWORD": "short"})
    assert short.exit_code == 2 and "must be 10 to 200 characters" in short.stderr


async def test_a_deactivated_leaver_is_out_at_once_and_cannot_sign_in_again(stack, signed_in):
    admin, leaver = await signed_in("adam"), await signed_in("aude")
    assert (await leaver.get("/cases")).status_code == 200
    page = await admin.get("/users/aude")
    assert "Deactivate this account" in page.text
    response = await admin.post("/users/aude/active", {"active": "no", "confirm": "yes", "reason": "Left the organisation"})
    assert response.status_code == 303
    assert "deactivated: they can no longer sign in" in (await admin.get("/users/aude")).text
    assert (await leaver.http.get("/cases", follow_redirects=False)).headers["location"] == "/sign-in?next=/cases"
    assert (await stack.browser().sign_in("aude")).status_code == 400
    await admin.post("/users/aude/active", {"active": "yes"})
    assert (await stack.browser().sign_in("aude")).status_code == 303


async def test_an_administrator_cannot_deactivate_their_own_account(stack, signed_in):
    admin = await signed_in("adam")
    response = await admin.post("/users/adam/active", {"active": "no", "confirm": "yes", "reason": "Left the organisation"})
    assert response.status_code == 400
    assert "you cannot deactivate your own account" in response.text
    with Session(stack.engine) as session:
        assert session.get(StaffUser, "adam").active


async def test_an_administrator_replaces_a_lost_password(stack, signed_in):
    admin = await signed_in("adam")
    short = await admin.post("/users/hugo/password", {"password": "short"})
    assert short.status_code == 400 and "Password: must be 10 to 200 characters long" in short.text
    assert (await stack.browser().sign_in("hugo")).status_code == 303, "a refused password changes nothing"
    assert (await admin.post("/users/hugo/password", {"password": "a brand new password"})).status_code == 303
    assert (await stack.browser().sign_in("hugo")).status_code == 400
    assert (await stack.browser().sign_in("hugo", "a brand new password")).status_code == 303
    assert (await admin.post("/users/hugo/password", {"password": PASSWORD})).status_code == 303
    missing = await admin.post("/users/nobody/password", {"password": "a brand new password"})
    assert missing.status_code == 404 and "There is no account" in missing.text


async def test_staff_change_their_own_password_after_proving_the_current_one(stack, signed_in):
    staff = await signed_in("remy")
    wrong = await staff.post("/account/password", {"current_password": "guess", "new_password": "another long one"})
    assert wrong.status_code == 400 and "Current password: is not your current password" in wrong.text
    assert (await stack.browser().sign_in("remy")).status_code == 303
    done = await staff.post("/account/password", {"current_password": PASSWORD, "new_password": "another long one"})
    assert done.status_code == 303
    assert "Your password has been changed." in (await staff.get("/account/password")).text
    assert (await stack.browser().sign_in("remy", "another long one")).status_code == 303
    assert (await stack.browser().sign_in("remy")).status_code == 400
    await staff.post("/account/password", {"current_password": "another long one", "new_password": PASSWORD})


async def test_a_password_is_checked_exactly_as_it_was_set_spaces_included(stack, signed_in):
    admin = await signed_in("adam")
    assert (await admin.post("/users/hugo/password", {"password": "  spaced password  "})).status_code == 303
    assert (await stack.browser().sign_in("hugo", "  spaced password  ")).status_code == 303
    assert (await stack.browser().sign_in("hugo", "spaced password")).status_code == 400
    assert (await admin.post("/users/hugo/password", {"password": PASSWORD})).status_code == 303
