"""The README and docs/ are rendered as GitHub would and every link in them is checked: a relative link
must name a file that exists and an `#anchor` a heading of its page, so moving or renaming a page or a
heading breaks the build, not the reader. No network here: http(s) links are only checked for form."""

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
MARKDOWN = MarkdownIt("commonmark").enable(["table", "strikethrough"])


def _tokens(text: str) -> list[Token]:
    """Every token of the rendered page, inline children (links, images) included."""
    flat = []
    for token in MARKDOWN.parse(text):
        flat.append(token)
        flat.extend(token.children or ())
    return flat


def github_slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, each space a hyphen."""
    return re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")


def anchors(text: str) -> set[str]:
    """The anchors of a page's headings; a repeated heading gets `-1`, `-2`, ... as on GitHub."""
    found: set[str] = set()
    tokens = MARKDOWN.parse(text)
    for opening, inline in zip(tokens, tokens[1:]):
        if opening.type != "heading_open":
            continue
        slug = github_slug("".join(child.content for child in inline.children or ()))
        anchor, n = slug, 0
        while anchor in found:
            n += 1
            anchor = f"{slug}-{n}"
        found.add(anchor)
    return found


def links(text: str) -> list[str]:
    """Every link target and image source on the page, in order."""
    targets = []
    for token in _tokens(text):
        if token.type == "link_open":
            targets.append(str(token.attrs["href"]))
        elif token.type == "image":
            targets.append(str(token.attrs["src"]))
    return targets


def broken_links(page: Path) -> list[str]:
    """Each link of the page that would lead a reader nowhere, with why."""
    problems = []
    for target in links(page.read_text(encoding="utf-8")):
        parts = urlsplit(target)
        if parts.scheme in ("http", "https"):
            if not parts.netloc or " " in target:
                problems.append(f"{target}: not a well-formed web address")
            continue
        if parts.scheme == "mailto":
            continue
        if parts.scheme or parts.netloc:
            problems.append(f"{target}: neither a web address nor a path in the repository")
            continue
        destination = (page.parent / unquote(parts.path)).resolve() if parts.path else page
        if not destination.exists():
            problems.append(f"{target}: no such file")
        elif parts.fragment and destination.suffix == ".md":
            if unquote(parts.fragment) not in anchors(destination.read_text(encoding="utf-8")):
                problems.append(f"{target}: no heading {destination.name}#{parts.fragment}")
    return problems


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(ROOT)))
def test_every_link_leads_somewhere(page: Path):
    assert broken_links(page) == []


def test_every_docs_page_is_linked_from_the_readme():
    readme = ROOT / "README.md"
    linked = {(ROOT / urlsplit(target).path).resolve() for target in links(readme.read_text(encoding="utf-8"))}
    assert [page.name for page in PAGES[1:] if page not in linked] == []


def test_the_readme_states_the_two_commands():
    """Outside acceptance tests run the README's test command (DESIGN.md): it stays `make test`."""
    blocks = [token.content for token in _tokens((ROOT / "README.md").read_text()) if token.type == "fence"]
    assert any("make run " in block and "make test " in block for block in blocks)


def test_a_missing_file_or_heading_is_reported(tmp_path: Path):
    (tmp_path / "other.md").write_text("# Other page\n\n## Where things are\n\n## Where things are\n")
    page = tmp_path / "page.md"
    page.write_text(
        "# The page's title\n\n"
        "[fine](other.md#where-things-are-1) [fine](#the-pages-title) [fine](https://temporal.io/docs) "
        "![fine](other.md)\n\n"
        "[gone](missing.md) [no heading](other.md#nowhere) [here](#not-a-heading) ![gone](shot.png) "
        "[bad](https://) [odd](ftp://example.org/x)\n"
    )
    assert broken_links(page) == [
        "missing.md: no such file",
        "other.md#nowhere: no heading other.md#nowhere",
        "#not-a-heading: no heading page.md#not-a-heading",
        "shot.png: no such file",
        "https://: not a well-formed web address",
        "ftp://example.org/x: neither a web address nor a path in the repository",
    ]


@pytest.mark.parametrize(
    ("heading", "anchor"),
    [
        ("Production shape (docker-compose.yml)", "production-shape-docker-composeyml"),
        ("The residents' side", "the-residents-side"),
        ("Hazards: Awaab's Law beside the complaint", "hazards-awaabs-law-beside-the-complaint"),
        ("`make test` and `WORKER_BUILD_ID`", "make-test-and-worker_build_id"),
    ],
)
def test_anchors_are_the_ones_github_makes(heading: str, anchor: str):
    assert anchor in anchors(f"## {heading}\n")
