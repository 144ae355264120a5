"""Rendering pages: one Jinja2 environment, the signed-in person and the CSRF token in every page."""

from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from models.due import deadline_words, urgency
from models import presentation
from models.letters import HOUSING_OMBUDSMAN
from models.policy import PolicyError, load_profile
from accounts.users import ROLE_NAMES
from casework.access import can, may_take
from starter.web import deps
from starter.web.fields import Said


@lru_cache(maxsize=64)
def landlord_name(profile_id: str) -> str:
    """The landlord's name for a profile id, as people call it (the id itself if the profile is gone)."""
    try:
        return load_profile(profile_id).landlord
    except PolicyError:
        return profile_id


templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
templates.env.globals.update(
    ROLE_NAMES=ROLE_NAMES,
    can=can,
    urgency=urgency,
    deadline_words=deadline_words,
    landlord_name=landlord_name,
    may_take=may_take,
    HOUSING_OMBUDSMAN=HOUSING_OMBUDSMAN,
    said=lambda message: isinstance(message, Said),
)
templates.env.filters["words"] = lambda value: str(value).replace("_", " ")
templates.env.filters.update(
    long_date=presentation.long_date,
    date_time=presentation.date_and_time,
    money=presentation.money,
    detail=presentation.detail_value,
    state_words=presentation.state_words,
    state_colour=presentation.state_colour,
    stage_and_state=presentation.stage_and_state,
    action_words=presentation.action_words,
    event_words=presentation.event_words,
)


def _people(request: Request):
    """`person(username, role=False)` for the page: staff by name (and role), read once per page when used."""
    from casework.staff import display_names

    names: dict = {}

    def person(username: str | None, role: bool = False) -> str:
        if username and not names:
            names.update(display_names(deps.database(request)))
        return presentation.person(names, username, role)

    return person


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """The page, with `user` and `csrf_token` for the layout and every form; errors (field → message)
    become the GOV.UK-style error summary at the top of the page."""
    context.setdefault("errors", {})
    context.setdefault("values", {})
    return templates.TemplateResponse(
        request,
        template,
        {
            "user": getattr(request.state, "user", None),
            "csrf_token": request.session.get("csrf", ""),
            "person": _people(request),
            "idle_minutes": deps.settings(request).web_session_idle_minutes,
            **context,
        },
        status_code=status,
    )
