"""Every published version of a policy profile, loadable for ever (DESIGN.md principle 6).

A case pins the profile version it was opened under, and a case lives for years: it may be reopened by a late
stage-2 request or a referral to the Ombudsman long after its profile was revised, and each new run of its
workflow loads the profile again. So a version, once published, is kept and never changes:

- `policies/<id>.toml` is the current (newest) version;
- `policies/versions/<id>/<N>.toml` holds every earlier one, exactly as it was published;
- `policies/versions/published.toml` records each version's fingerprint (sha256 of its values, comments
  excluded), so `complaints policy check` and the tests refuse a published version that was edited in place.

Publishing a revision: copy the current file to `versions/<id>/<N>.toml`, then edit the current file, raise
its `version` to N+1, set `published`, and add its fingerprint (`complaints policy versions <id>` prints it).
"""

import hashlib
import json
import re
import tomllib
from pathlib import Path

from models.policy import PROFILE_ID, PolicyError, PolicyProfile, current_policy_dir, load_profile, load_profile_file

VERSIONS = "versions"
FINGERPRINTS = "published.toml"


def archived_path(profile_id: str, version: int, policy_dir: Path | None = None) -> Path:
    """Where an earlier published version of a profile is kept."""
    return (policy_dir or current_policy_dir()) / VERSIONS / profile_id / f"{version}.toml"


def load_profile_version(profile_id: str, version: int, policy_dir: Path | None = None) -> PolicyProfile:
    """The profile as published at `version`: the current file, or the archived one. PolicyError names the
    versions that exist when it was never published."""
    current = load_profile(profile_id, policy_dir)
    if current.version == version:
        return current
    path = archived_path(profile_id, version, policy_dir)
    if version > current.version or not path.is_file():
        known = ", ".join(str(p.version) for p in published_versions(profile_id, policy_dir))
        raise PolicyError(f"policy_version: policy {profile_id} has no published version {version}; published: {known}")
    return _archived(path, profile_id, version)


def published_versions(profile_id: str, policy_dir: Path | None = None) -> list[PolicyProfile]:
    """Every published version of a profile, oldest first (the archived ones, then the current file)."""
    current = load_profile(profile_id, policy_dir)
    folder = archived_path(profile_id, 1, policy_dir).parent
    numbers = sorted(int(p.stem) for p in folder.glob("*.toml") if p.stem.isdigit()) if folder.is_dir() else []
    older = [_archived(folder / f"{n}.toml", profile_id, n) for n in numbers if n < current.version]
    return [*older, current]


def fingerprint(path: Path) -> str:
    """sha256 of a profile file's values (its TOML parsed and written canonically): comments may be corrected,
    a value may not."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def version_file(profile_id: str, version: int, policy_dir: Path | None = None) -> Path:
    """The file that holds a published version: the current file for the newest, else the archived one."""
    current = (policy_dir or current_policy_dir()) / f"{profile_id}.toml"
    return current if load_profile_file(current).version == version else archived_path(profile_id, version, policy_dir)


def version_problems(profile_id: str, policy_dir: Path | None = None) -> list[str]:
    """Why the profile's published versions are not all loadable and unchanged; [] when they are: versions run
    1..current with none missing, each gives its `published` date in order, and each matches its fingerprint."""
    directory = policy_dir or current_policy_dir()
    try:
        versions = published_versions(profile_id, directory)
    except PolicyError as error:
        return str(error).splitlines()
    problems = []
    numbers = [p.version for p in versions]
    missing = sorted(set(range(1, numbers[-1] + 1)) - set(numbers))
    if missing:
        shown = ", ".join(f"{VERSIONS}/{profile_id}/{n}.toml" for n in missing)
        problems.append(f"{profile_id}: version: every published version stays on disk; missing {shown}")
    recorded = _fingerprints(directory).get(profile_id, {})
    previous = None
    for profile in versions:
        where = f"{profile_id} version {profile.version}"
        if profile.published is None:
            problems.append(f"{where}: published: every published version gives the date it took effect")
        elif previous is not None and profile.published < previous:
            problems.append(f"{where}: published: {profile.published} is before the previous version's ({previous})")
        previous = profile.published or previous
        actual = fingerprint(version_file(profile_id, profile.version, directory))
        expected = recorded.get(str(profile.version))
        if expected is None:
            problems.append(f'{where}: not in {VERSIONS}/{FINGERPRINTS}; add {profile.version} = "{actual}" under [{profile_id}]')
        elif expected != actual:
            problems.append(
                f"{where}: a published version may not change; its values differ from those published. Keep it as it "
                f"was, and publish the change as version {numbers[-1] + 1}"
            )
    return problems


def _archived(path: Path, profile_id: str, version: int) -> PolicyProfile:
    profile = load_profile_file(path, profile_id)
    if profile.version != version:
        raise PolicyError(f"{path}: version: must equal the file name {version}, got {profile.version}")
    return profile


def _fingerprints(directory: Path) -> dict[str, dict[str, str]]:
    path = directory / VERSIONS / FINGERPRINTS
    if not path.is_file():
        return {}
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {key: value for key, value in data.items() if re.fullmatch(PROFILE_ID, key) and isinstance(value, dict)}
