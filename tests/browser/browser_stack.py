"""Browser fixtures: the web app served by uvicorn on a local port (real worker, real dev server) and
Debian's Chromium driven by Playwright, with axe-core from npm injected into pages."""

import asyncio
import os
import shutil
import socket
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import uvicorn

from tests.web_stack import PASSWORD, Stack

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = (
    Path(__file__).resolve().parents[2] / "docs" / "screenshots"
    if os.environ.get("COMPLAINTS_SCREENSHOTS") == "1"
    else Path(tempfile.gettempdir()) / "complaints-screenshots"
)
"""Where the pages are photographed: the README's `docs/screenshots/` only when refreshing them
(`COMPLAINTS_SCREENSHOTS=1 make test`), so a test run leaves the checkout unchanged."""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
async def site(stack: Stack) -> AsyncIterator[str]:
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(stack.app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    task = asyncio.create_task(server.serve())
    for _ in range(100):
        if server.started:
            break
        await asyncio.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    await task


@pytest.fixture(scope="module")
async def browser():
    missing = [str(p) for p in (Path(CHROMIUM), AXE) if not p.exists()]
    if missing:
        message = f"browser tests need {', '.join(missing)}: apt-get install -y chromium; npm ci"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=shutil.which(CHROMIUM) or CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        await chromium.close()


@pytest.fixture
async def page(browser):
    context = await browser.new_context(viewport={"width": 1100, "height": 900})
    tab = await context.new_page()
    yield tab
    await context.close()


async def sign_in(page, site: str, username: str) -> None:
    await page.goto(f"{site}/sign-in")
    await page.fill("#username", username)
    await page.fill("#password", PASSWORD)
    await page.click("button:has-text('Sign in')")
    await page.wait_for_url(f"{site}/")


async def axe_violations(page) -> list[dict]:
    """axe-core's WCAG 2.x A/AA violations on the page as it is now (id, impact, the first nodes)."""
    if not await page.evaluate("typeof window.axe !== 'undefined'"):
        await page.evaluate(AXE.read_text())
    # Only the violations, summed up in the page: axe's whole result (every pass, with each node's HTML)
    # is megabytes through Playwright's pipe for every page checked.
    return await page.evaluate(
        """axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']},
            resultTypes: ['violations'],
        }).then(result => result.violations.map(v => ({
            id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map(n => n.target),
        })))"""
    )


async def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


async def fits(page, name: str, width: int) -> None:
    """The page as it is now fits its width (nothing scrolls sideways), has no axe-core violations, and is
    kept as a screenshot `name-width`."""
    await page.evaluate("document.activeElement && document.activeElement.blur()")  # a focused link is not underlined
    overflow = await page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, (page.url, width, overflow)
    assert await axe_violations(page) == [], (page.url, width)
    await screenshot(page, f"{name}-{width}")
