"""The landlord's letterhead: the name, address and ways to reach its complaints team that head and sign
every letter to a resident.

These are not policy rules (a new phone number does not re-version a policy, and open cases need not keep
the old one), so they live beside the profiles, one file per profile id in `policies/letterheads/`, read
when a letter is written. A profile with no file gets its landlord's name and no contact lines; the
Code's own profile (`code-2024`) is a baseline, not a landlord, so its file holds a demonstration
landlord to replace with the organisation's own details: a letter never comes from "the Code".
"""

import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from models.policy import DEFAULT_PROFILE_ID, POLICY_DIR, PolicyError, PolicyProfile, current_policy_dir
from models.refusal import validation_message

Line = Field(default="", max_length=200)


class Letterhead(BaseModel):
    """Who a letter comes from and how the resident reaches the complaints team (printed on every letter)."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=120)
    team: str = Field(default="Complaints team", min_length=1, max_length=120)
    """Printed under the signatory: the team that answers the resident."""
    address: str = Field(default="", max_length=400)
    """Postal address, one line per line."""
    phone: str = Line
    email: str = Line
    website: str = Line


def letterhead_file(profile_id: str) -> Path:
    """`letterheads/<id>.toml` beside the profiles in use, else the one shipped in the repo's `policies/`."""
    here = current_policy_dir() / "letterheads" / f"{profile_id}.toml"
    return here if here.is_file() else POLICY_DIR / "letterheads" / f"{profile_id}.toml"


def letterhead_of(profile: PolicyProfile) -> Letterhead:
    """The letterhead for a profile's letters: its file, else the landlord's name with no contact lines
    (the Code's profile always has a file: it names no landlord)."""
    path = letterhead_file(profile.id)
    if not path.is_file():
        if profile.id == DEFAULT_PROFILE_ID:
            raise PolicyError(f"{path}: missing: the Code's profile names no landlord, so its letters need a letterhead")
        return Letterhead(name=profile.landlord)
    try:
        return Letterhead.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
    except tomllib.TOMLDecodeError as err:
        raise PolicyError(f"{path}: not valid TOML: {err}") from None
    except ValidationError as err:
        problems = (f"{path}: {'.'.join(map(str, e['loc']))}: {validation_message(e)}" for e in err.errors(include_url=False))
        raise PolicyError("\n".join(problems)) from None


def resident_facing_name(profile_id: str) -> str:
    """The landlord's name as residents see it (letters, emails, the public pages): the letterhead's."""
    from models.policy import load_profile

    return letterhead_of(load_profile(profile_id)).name
