"""Sessions that end (issue 18 item 2): signed with WEB_SECRET, revoked server-side by every way out
(a cookie copied before it is refused after it), idle and absolute limits, the Secure cookie behind
HTTPS, and `complaints web` listening where WEB_HOST/WEB_PORT say."""

import asyncio
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from models.settings import Settings
from starter.web import auth
from starter.web.app import SESSION_COOKIE, create_app
from tests.cli_runner import complaints
from tests.web_stack import PASSWORD, WEB_SECRET, signed_in, stack  # noqa: F401 (fixtures)

ROOT = Path(__file__).parent.parent


def cookie_of(staff) -> str:
    return staff.http.cookies[SESSION_COOKIE]


async def replay(stack, cookie: str, path: str = "/cases", app=None) -> httpx.Response:
    """A different browser presenting a copied session cookie."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app or stack.app), base_url="http://testserver") as http:
        return await http.get(path, headers={"Cookie": f"{SESSION_COOKIE}={cookie}"}, follow_redirects=False)


def refused(response: httpx.Response) -> bool:
    return response.status_code == 303 and response.headers["location"].startswith("/sign-in")


async def test_a_copied_cookie_works_until_sign_out_and_never_after(stack, signed_in):
    staff = await signed_in("hana")
    copied = cookie_of(staff)
    assert (await replay(stack, copied)).status_code == 200, "the copy is a working session before"
    assert (await staff.post("/sign-out")).status_code == 303
    assert refused(await replay(stack, copied))
    assert refused(await staff.http.get("/cases", follow_redirects=False))


async def test_sign_out_ends_every_session_of_the_account(stack, signed_in):
    laptop, phone = await signed_in("mira"), await signed_in("mira")
    await laptop.post("/sign-out")
    assert refused(await phone.http.get("/cases", follow_redirects=False))
    assert (await stack.browser().sign_in("mira")).status_code == 303, "signing in again works"


async def test_changing_ones_password_ends_every_other_session_and_keeps_this_one(stack, signed_in):
    here, elsewhere = await signed_in("remy"), await signed_in("remy")
    copied_here, copied_elsewhere = cookie_of(here), cookie_of(elsewhere)
    done = await here.post("/account/password", {"current_password": PASSWORD, "new_password": "violet kettle harbour"})
    assert done.status_code == 303
    page = await here.get("/account/password")
    assert page.status_code == 200 and "You have been signed out everywhere else." in page.text
    assert refused(await elsewhere.http.get("/cases", follow_redirects=False))
    assert refused(await replay(stack, copied_elsewhere))
    assert refused(await replay(stack, copied_here)), "even this browser's cookie from before the change"
    await here.post("/account/password", {"current_password": "violet kettle harbour", "new_password": PASSWORD})


async def test_an_administrators_password_reset_ends_every_session_of_the_account(stack, signed_in):
    admin, victim = await signed_in("adam"), await signed_in("hugo")
    copied = cookie_of(victim)
    assert (await admin.post("/users/hugo/password", {"password": "quiet lantern orchard"})).status_code == 303
    assert "every session they had is ended" in (await admin.get("/users/hugo")).text
    assert refused(await victim.http.get("/cases", follow_redirects=False))
    assert refused(await replay(stack, copied))
    assert (await admin.post("/users/hugo/password", {"password": PASSWORD})).status_code == 303


async def test_deactivation_ends_sessions_and_reactivation_does_not_revive_them(stack, signed_in):
    admin, leaver = await signed_in("adam"), await signed_in("aude")
    copied = cookie_of(leaver)
    await admin.post("/users/aude/active", {"active": "no", "confirm": "yes", "reason": "Left the organisation"})
    assert refused(await replay(stack, copied))
    await admin.post("/users/aude/active", {"active": "yes"})
    assert refused(await replay(stack, copied)), "the old cookie stays dead"
    assert refused(await leaver.http.get("/cases", follow_redirects=False))
    assert (await stack.browser().sign_in("aude")).status_code == 303, "the returner signs in afresh"


async def test_a_session_ends_after_the_idle_timeout(stack, signed_in, monkeypatch):
    staff = await signed_in("hana")
    start = time.time()
    idle = stack.settings.web_session_idle_minutes * 60
    monkeypatch.setattr(auth, "clock", lambda: start + idle - 5)
    assert (await staff.get("/cases")).status_code == 200, "used just before the limit: still in"
    monkeypatch.setattr(auth, "clock", lambda: start + 2 * idle - 10)
    assert (await staff.get("/cases")).status_code == 200, "the idle clock restarts at each use"
    monkeypatch.setattr(auth, "clock", lambda: start + 3 * idle)
    response = await staff.http.get("/cases", follow_redirects=False)
    assert refused(response)
    page = await staff.get(response.headers["location"])
    assert f"not used for {stack.settings.web_session_idle_minutes} minutes" in page.text


async def test_a_session_ends_at_its_absolute_lifetime_however_busy(stack, signed_in, monkeypatch):
    staff = await signed_in("hana")
    start, step = time.time(), stack.settings.web_session_idle_minutes * 60 - 60
    moment = start
    while moment + step < start + stack.settings.web_session_max_hours * 3600:
        moment += step
        monkeypatch.setattr(auth, "clock", lambda moment=moment: moment)
        assert (await staff.http.get("/", follow_redirects=False)).status_code == 200
    monkeypatch.setattr(auth, "clock", lambda: start + stack.settings.web_session_max_hours * 3600 + 1)
    response = await staff.http.get("/", follow_redirects=False)
    assert refused(response)
    assert f"more than {stack.settings.web_session_max_hours} hours ago" in (await staff.get(response.headers["location"])).text


async def test_sessions_are_signed_with_web_secret_so_replicas_and_restarts_share_them(stack, signed_in):
    staff = await signed_in("hana")
    copied = cookie_of(staff)
    replica = create_app(Settings(WEB_SECRET=WEB_SECRET, COMPLAINTS_TASK_QUEUE="web-tests"), stack.client, stack.engine)
    assert (await replay(stack, copied, app=replica)).status_code == 200
    stranger = create_app(
        Settings(WEB_SECRET="another-secret-entirely", COMPLAINTS_TASK_QUEUE="web-tests"), stack.client, stack.engine
    )
    assert refused(await replay(stack, copied, app=stranger))
    forged = copied[:-4] + ("AAAA" if not copied.endswith("AAAA") else "BBBB")
    assert refused(await replay(stack, forged))


async def test_behind_https_the_cookie_is_secure_httponly_and_host_only(stack):
    app = create_app(
        Settings(WEB_SECRET=WEB_SECRET, WEB_BASE_URL="https://complaints.landlord.example"), stack.client, stack.engine
    )
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://testserver") as http:
        await http.get("/sign-in")
        token = http.cookies["__Host-complaints_session"]
        assert token
        page = await http.get("/sign-in")
        csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        response = await http.post("/sign-in", data={"username": "mira", "password": PASSWORD, "csrf_token": csrf})
        assert response.status_code == 303
        set_cookie = response.headers["set-cookie"].lower()
        assert set_cookie.startswith("__host-complaints_session=")
        for flag in ("secure", "httponly", "samesite=lax", "path=/", f"max-age={12 * 3600}"):
            assert flag in set_cookie, flag
        assert "domain=" not in set_cookie
        assert (await http.get("/cases")).status_code == 200
    plain = (await stack.browser().http.get("/sign-in")).headers["set-cookie"].lower()
    assert "secure" not in plain, "over plain http (make run) the cookie must still work"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_complaints_web_refuses_the_dev_secret_on_a_public_address(tmp_path):
    done = complaints("web", env={"DATABASE_URL": f"sqlite:///{tmp_path / 'read.db'}", "WEB_HOST": "0.0.0.0", "WEB_SECRET": None})
    assert done.exit_code == 2
    assert "WEB_SECRET: set it to a long random string to listen on 0.0.0.0" in done.stderr
    assert "Traceback" not in done.stderr


async def test_complaints_web_listens_on_web_host_and_web_port(stack, tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'read.db'}",
        "WEB_HOST": "127.0.0.2",
        "WEB_PORT": str(port),
        "WEB_SECRET": "a-secret-for-this-test-only",
        "TEMPORAL_ADDRESS": stack.client.service_client.config.target_host,
    }
    web = subprocess.Popen(
        [str(ROOT / ".venv/bin/complaints"), "web"]
        if (ROOT / ".venv/bin/complaints").exists()
        else [sys.executable, "-m", "starter.cli", "web"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        async with httpx.AsyncClient() as http:
            for _ in range(150):
                if web.poll() is not None:
                    pytest.fail(f"complaints web exited {web.returncode}: {web.stderr.read().decode()[-2000:]}")
                try:
                    response = await http.get(f"http://127.0.0.2:{port}/healthz", timeout=2)
                    break
                except httpx.TransportError:
                    await asyncio.sleep(0.2)
            else:
                pytest.fail("complaints web never answered on WEB_HOST:WEB_PORT")
            assert response.status_code == 200 and response.json() == {"status": "ok"}
            with pytest.raises(httpx.TransportError):
                await http.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
    finally:
        web.terminate()
        web.wait(timeout=20)
