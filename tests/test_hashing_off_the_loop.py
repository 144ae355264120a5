"""Password hashing does not hold up the web process (issue 29, item 12): 40 concurrent wrong sign-ins
pushed /healthz past a second while argon2 ran inside the async route. Hashing now runs on a small
thread pool of its own, so a health check sent after the sign-ins answers while most of them are still
being hashed. Measured by order of completion, not by timing."""

import asyncio
import re

import httpx

from models.settings import Settings
from models.tables import create_schema, make_engine
from starter.web.app import create_app

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
SIGN_INS = 40


async def test_healthz_answers_while_wrong_sign_ins_are_hashed(tmp_path, production_password_hashing):
    engine = make_engine(f"sqlite:///{tmp_path / 'read.db'}")
    create_schema(engine)
    app = create_app(Settings(WEB_SECRET="hashing-tests-secret-of-some-length"), None, engine)
    browsers = []
    for number in range(SIGN_INS):  # each from its own address and account: no throttle short-cuts the hashing
        http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, client=(f"10.7.{number}.1", 5000)), base_url="http://testserver"
        )
        token = CSRF.search((await http.get("/sign-in")).text).group(1)
        browsers.append((http, token, f"nobody{number}"))
    finished: list[str] = []

    async def sign_in(http, token, username) -> None:
        response = await http.post(
            "/sign-in", data={"csrf_token": token, "username": username, "password": "wrong password here"}
        )
        assert response.status_code == 400
        finished.append("sign-in")

    async def health() -> None:
        await asyncio.sleep(0)  # sent after every sign-in has started
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as http:
            assert (await http.get("/healthz")).status_code == 200
        finished.append("healthz")

    await asyncio.gather(*(sign_in(*b) for b in browsers), health())
    assert finished.index("healthz") < SIGN_INS // 2, (
        f"/healthz answered after {finished.index('healthz')} of {SIGN_INS} sign-ins"
    )
    for http, _, _ in browsers:
        await http.aclose()
