"""Policy profiles: the seeds' numbers as encoded, and malformed files refused by file, field and rule."""

import json
import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from models import policy as policy_module
from models.policy import (
    DEFAULT_PROFILE_ID,
    POLICY_DIR,
    PolicyError,
    PolicyProfile,
    all_profiles,
    load_profile,
    load_profile_file,
)

REPO_POLICIES = Path(__file__).resolve().parent.parent / "policies"
CODE = REPO_POLICIES / "code-2024.toml"
PROFILE_IDS = ["code-2024", "greatwell-homes", "together-housing", "wolverhampton-homes", "wrekin"]
SEED_OF = {
    "code-2024": "seed 001",
    "wrekin": "seed 000",
    "wolverhampton-homes": "seed 002",
    "together-housing": "seed 003",
    "greatwell-homes": "seed 004",
}
DEFAULT_LADDER = [
    ("due_soon", -1, "start_of_day", ("handler",)),
    ("overdue", 0, "end_of_day", ("handler", "complaints_manager")),
    ("escalated", 3, "start_of_day", ("head_of_service",)),
]


@pytest.fixture(autouse=True)
def _repo_policy_dir(monkeypatch):
    monkeypatch.delenv("COMPLAINTS_POLICY_DIR", raising=False)


# ---- the five profiles -------------------------------------------------------------------------------


def test_policy_dir_is_the_repos_policies_folder():
    assert POLICY_DIR == REPO_POLICIES
    assert DEFAULT_PROFILE_ID == "code-2024"


def test_every_profile_loads_under_its_file_name():
    profiles = all_profiles()
    assert sorted(profiles) == PROFILE_IDS
    for stem, profile in profiles.items():
        assert profile.id == stem
        assert profile.version == 2  # v2: issue 20's corrections and the extension rules of issue 15
        assert SEED_OF[stem] in profile.source


def stage(rules):
    return (
        rules.acknowledge_working_days,
        rules.respond_working_days,
        rules.respond_from,
        rules.extension_max_working_days,
        rules.extension_requires_agreement,
        rules.extension_ombudsman_details_required,
    )


def extension(rules):
    return (
        rules.extension_beyond_limit,
        rules.extension_requires_good_reason,
        rules.extension_absolute_max_working_days,
        rules.extension_ombudsman_details,
        rules.extension_contact_days,
        rules.extension_contact_day_kind,
    )


# Per seed: stage = (ack, respond, respond_from, extension max, agreement needed, Ombudsman details enforced);
# extension = (past the limit, good reason within it, cap, the document's Ombudsman-details rule, contact deadline
# and its unit).
EXPECTED = {
    "code-2024": dict(
        stage1=(5, 10, "acknowledgement", 10, False, True),
        stage2=(5, 20, "acknowledgement", 20, False, True),
        extension1=("good_reason", False, None, "every_extension", None, "working_days"),  # Code 6.4, 6.5
        extension2=("good_reason", False, None, "every_extension", None, "working_days"),  # Code 6.15, 6.16
        pre_stage=None,
        window=(12, ("good_reason_discretion",)),
        window_from="issue_or_awareness",
        anonymous=True,
        stage2_window=None,
        stage2_reasons=False,
        ombudsman=(False, 0),
        grounds=("older_than_window", "legal_proceedings", "previously_considered"),
    ),
    "wrekin": dict(
        stage1=(5, 10, "acknowledgement", 10, True, True),
        stage2=(5, 20, "acknowledgement", 20, True, True),
        extension1=("good_reason_and_agreement", True, None, "every_extension", None, "working_days"),  # 000 §7.3, §7.5
        extension2=("good_reason_and_agreement", True, None, "every_extension", None, "working_days"),  # 000 §7.5
        pre_stage=None,
        window=(12, ("safeguarding", "health_and_safety", "recurring_issue", "good_reason_discretion")),
        window_from="issue_or_awareness",
        anonymous=True,
        stage2_window=None,
        stage2_reasons=False,
        ombudsman=(False, 0),
        # v2 (issue 20): 000 §3.3 "and insurance claims" is its own ground, broader than Code 2.2's legal_proceedings.
        grounds=(
            "employment_matter",
            "previously_considered",
            "older_than_window",
            "asb_case_not_opened",
            "leasehold_tribunal",
            "information_request",
            "not_our_service",
            "legal_proceedings",
            "insurance_claim",
            "whistleblowing",
        ),
    ),
    "wolverhampton-homes": dict(
        stage1=(5, 10, "receipt", 10, True, True),
        stage2=(5, 20, "receipt", 10, True, True),
        extension1=("never", False, None, "every_extension", 10, "calendar_days"),  # 002 §7.1: "within 10 days"
        extension2=("never", False, None, "every_extension", 20, "calendar_days"),  # 002 §7.2: "within 20 days"
        pre_stage=None,
        window=(6, ()),
        window_from="issue",
        anonymous=False,
        stage2_window=None,
        stage2_reasons=True,
        ombudsman=(True, 0),
        # v2 (issue 20): 002 §4.1 "commenced following the pre-action protocol" is its own ground (pre_action_protocol).
        grounds=(
            "anonymous",
            "service_request",
            "previously_considered",
            "employment_matter",
            "older_than_window",
            "unreasonable_complainant_arrangement",
            "pursued_unreasonably",
            "legal_proceedings",
            "pre_action_protocol",
        ),
    ),
    "together-housing": dict(
        stage1=(5, 10, "acknowledgement", 10, False, True),
        stage2=(5, 15, "acknowledgement", 10, False, True),
        extension1=("resident_agreement", False, None, "every_extension", None, "working_days"),  # 003 §5.5
        extension2=("resident_agreement", False, None, "every_extension", None, "working_days"),  # 003 §5.6
        pre_stage=("Get It Sorted", 5, "always"),
        window=(6, ("safeguarding", "health_and_safety")),
        window_from="issue",
        anonymous=True,
        stage2_window=None,
        stage2_reasons=True,
        ombudsman=(True, 8),
        # v2 (issue 20): 003 §2.4 "or investigation" (ongoing_investigation) and §5.4's refusals of escalation
        # (no_service_failure, unrealistic_outcome) were missing.
        grounds=(
            "service_request",
            "asb_report",
            "not_our_service",
            "insurance_claim",
            "data_protection",
            "director_complaint",
            "older_than_window",
            "legal_proceedings",
            "ongoing_investigation",
            "previously_considered",
            "unacceptable_behaviour",
            "no_service_failure",
            "unrealistic_outcome",
        ),
    ),
    "greatwell-homes": dict(
        stage1=(3, 10, "logging", 10, False, True),
        stage2=(5, 20, "receipt", 10, False, True),
        extension1=(
            "good_reason_and_agreement_or_ombudsman_details",
            False,
            None,
            "when_agreement_not_reached",
            None,
            "working_days",
        ),  # 004 §2.3
        extension2=(
            "good_reason_and_agreement_or_ombudsman_details",
            False,
            None,
            "when_agreement_not_reached",
            None,
            "working_days",
        ),  # 004 §2.4
        pre_stage=("Concern", 3, "optional"),
        window=(12, ("good_reason_discretion",)),  # 004 §2.3 note: recurring issues are background, not an exception
        window_from="issue_or_awareness",
        anonymous=True,
        stage2_window=20,
        stage2_reasons=False,
        ombudsman=(False, 0),
        # 004 names only §2.7's vexatious complainants; the other three are Code 2.2 defaults, listed in [defaults].
        grounds=("older_than_window", "legal_proceedings", "previously_considered", "vexatious_complainant"),
    ),
}


@pytest.mark.parametrize("profile_id", PROFILE_IDS)
def test_seed_values(profile_id):
    p = load_profile(profile_id)
    want = EXPECTED[profile_id]
    assert stage(p.stage1) == want["stage1"]
    assert stage(p.stage2) == want["stage2"]
    assert extension(p.stage1) == want["extension1"]
    assert extension(p.stage2) == want["extension2"]
    assert p.complaint_window.counted_from == want["window_from"]
    pre = None if p.pre_stage is None else (p.pre_stage.name, p.pre_stage.resolve_working_days, p.pre_stage.applies)
    assert pre == want["pre_stage"]
    assert (p.complaint_window.months, p.complaint_window.exceptions) == want["window"]
    assert p.anonymous_complaints_accepted is want["anonymous"]
    assert p.stage2_request_window_working_days == want["stage2_window"]
    assert p.stage2_requires_reasons is want["stage2_reasons"]
    assert (p.ombudsman_access.designated_person_route, p.ombudsman_access.wait_weeks_after_final_response) == want["ombudsman"]
    assert p.exclusion_grounds == want["grounds"]
    assert [(r.kind, r.working_days, r.at, r.recipients) for r in p.notice_ladder] == DEFAULT_LADDER


@pytest.mark.parametrize("profile_id", PROFILE_IDS)
def test_every_field_cites_its_source(profile_id):
    """Each `key = value` line has a comment on it, or in the comment block it belongs to (no blank line between)."""
    lines = (REPO_POLICIES / f"{profile_id}.toml").read_text().splitlines()
    uncited = []
    for number, line in enumerate(lines):
        if not re.match(r"^[a-z_0-9]+\s*=", line) or "#" in line:
            continue
        above = number - 1
        while above >= 0 and (re.match(r"^[a-z_0-9]+\s*=", lines[above]) or lines[above].startswith(("[", " ", "]"))):
            above -= 1
        if above < 0 or not lines[above].startswith("#"):
            uncited.append(f"line {number + 1}: {line}")
    assert uncited == []
    assert SEED_OF[profile_id] in lines[0] + lines[1] or SEED_OF[profile_id].split()[1] in lines[0]


def test_profiles_are_frozen_and_travel_as_json():
    profile = load_profile("together-housing")
    with pytest.raises(ValidationError):
        profile.version = 2
    assert PolicyProfile.model_validate_json(profile.model_dump_json()) == profile
    assert json.loads(profile.model_dump_json())["pre_stage"]["name"] == "Get It Sorted"


# ---- refusing malformed profiles --------------------------------------------------------------------


def broken(tmp_path: Path, old: str, new: str, name: str = "code-2024") -> Path:
    path = tmp_path / f"{name}.toml"
    text = CODE.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))
    return path


def refused(path: Path) -> str:
    with pytest.raises(PolicyError) as raised:
        load_profile_file(path)
    message = str(raised.value)
    for line in message.splitlines():
        assert line.startswith(f"{path}: "), line
    return message


def without_rung(kind: str) -> str:
    text = CODE.read_text()
    start = text.index(f'[[notice_ladder]]\nkind = "{kind}"')
    end = text.find("[[notice_ladder]]", start + 1)
    return text[:start] + (text[end:] if end != -1 else "")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "acknowledge_working_days = 5",
            "acknowledge_working_days = -1",
            "stage1.acknowledge_working_days: Input should be greater than or equal to 1 (got -1)",
        ),
        (
            "respond_working_days = 20",
            "respond_working_days = 0",
            "stage2.respond_working_days: Input should be greater than or equal to 1 (got 0)",
        ),
        ("respond_working_days = 10\n", "", "stage1.respond_working_days: Field required"),
        ("anonymous_complaints_accepted = true\n", "", ": anonymous_complaints_accepted: Field required"),
        ("months = 12", "months = 12\nweeks = 3", "complaint_window.weeks: Extra inputs are not permitted"),
        ("version = 2", "version = 2\nlandlrod = 'x'", "landlrod: Extra inputs are not permitted"),
        (
            'respond_from = "acknowledgement"',
            'respond_from = "whenever"',
            "stage1.respond_from: Input should be 'receipt', 'logging' or 'acknowledgement' (got 'whenever')",
        ),
        (
            'recipients = ["handler"]',
            'recipients = ["janitor"]',
            "notice_ladder.0.recipients.0: Input should be 'handler', 'complaints_manager', 'head_of_service' or "
            "'stage2_reviewer'",
        ),
        ('recipients = ["handler"]', "recipients = []", "notice_ladder.0.recipients: Tuple should have at least 1 item"),
        (
            "working_days = -1",
            "working_days = 1",
            "notice_ladder.0: a due_soon rung fires before the due date: working_days must be negative, got 1",
        ),
        (
            "working_days = 3",
            "working_days = 0",
            "notice_ladder.2: an escalated rung fires after the due date: working_days must be positive, got 0",
        ),
        (
            'kind = "overdue"\nworking_days = 0\nat = "end_of_day"',
            'kind = "overdue"\nworking_days = 0\nat = "start_of_day"',
            "notice_ladder.1: the overdue rung fires at the deadline: working_days = 0 and at = 'end_of_day'",
        ),
        (
            'kind = "escalated"\nworking_days = 3',
            'kind = "due_soon"\nworking_days = -3',
            "notice_ladder: each kind may appear at most once; repeated: due_soon",
        ),
        (
            'exclusion_grounds = ["older_than_window"',
            'exclusion_grounds = ["Older Than Window"',
            "exclusion_grounds: entries must be lowercase snake_case slugs (e.g. 'legal_proceedings'), got 'Older Than Window'",
        ),
        ('"previously_considered"]', '"older_than_window"]', "exclusion_grounds: must not repeat an entry: older_than_window"),
        ("version = 2", 'version = "one"', "version: Input should be a valid integer"),
    ],
)
def test_malformed_profile_names_file_field_and_rule(tmp_path, old, new, message):
    assert message in refused(broken(tmp_path, old, new))


def test_ladder_without_an_overdue_rung_is_refused(tmp_path):
    path = tmp_path / "code-2024.toml"
    path.write_text(without_rung("overdue"))
    assert f"{path}: notice_ladder: must have exactly one overdue rung" in refused(path)


def test_empty_ladder_is_refused(tmp_path):
    text = CODE.read_text()
    path = tmp_path / "code-2024.toml"
    # A top-level key must come before the first table, so the empty ladder goes first.
    path.write_text("notice_ladder = []\n" + text[: text.index("[[notice_ladder]]")])
    assert f"{path}: notice_ladder: Tuple should have at least 1 item" in refused(path)


def test_bad_toml_syntax_names_the_file_and_the_line(tmp_path):
    path = broken(tmp_path, "version = 2", "version = = 2")
    assert re.match(rf"^{re.escape(str(path))}: not valid TOML: .*line \d+", refused(path))


def test_id_must_match_the_file_name(tmp_path):
    path = broken(tmp_path, 'id = "code-2024"', 'id = "code-2024"', name="renamed")
    assert refused(path) == f"{path}: id: must equal the file name 'renamed', got 'code-2024'"


def test_id_must_be_a_lowercase_slug(tmp_path):
    path = broken(tmp_path, 'id = "code-2024"', 'id = "Code_2024"', name="Code_2024")
    assert f"{path}: id: String should match pattern" in refused(path)


def test_every_problem_is_reported_one_per_line(tmp_path):
    path = broken(tmp_path, "acknowledge_working_days = 5", "acknowledge_working_days = 0\nack = 1", name="other")
    lines = refused(path).splitlines()
    assert lines == [
        f"{path}: id: must equal the file name 'other', got 'code-2024'",
        f"{path}: stage1.acknowledge_working_days: Input should be greater than or equal to 1 (got 0)",
        f"{path}: stage1.ack: Extra inputs are not permitted",
    ]


def test_missing_file_is_refused_naming_it(tmp_path):
    path = tmp_path / "gone.toml"
    assert refused(path).startswith(f"{path}: cannot read")


def test_repo_files_are_named_relative_to_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies" / "code-2024.toml").write_text(CODE.read_text().replace("version = 2", "version = 0"))
    with pytest.raises(PolicyError) as raised:
        load_profile_file(Path("policies/code-2024.toml"))
    assert str(raised.value) == "policies/code-2024.toml: version: Input should be greater than or equal to 1 (got 0)"


def test_all_profiles_reports_every_broken_file(tmp_path):
    broken(tmp_path, "version = 2", "version = 0", name="code-2024")
    (tmp_path / "wrekin.toml").write_text((REPO_POLICIES / "wrekin.toml").read_text())
    (tmp_path / "other.toml").write_text("id = ")
    with pytest.raises(PolicyError) as raised:
        all_profiles(tmp_path)
    lines = str(raised.value).splitlines()
    assert [line.split(": ")[0] for line in lines] == [str(tmp_path / "code-2024.toml"), str(tmp_path / "other.toml")]


# ---- finding profiles -------------------------------------------------------------------------------


def test_unknown_profile_lists_the_known_ones():
    with pytest.raises(PolicyError) as raised:
        load_profile("nope")
    assert str(raised.value) == (
        "unknown policy profile 'nope'; known profiles: code-2024, greatwell-homes, together-housing, wolverhampton-homes, wrekin"
    )


def test_a_profile_id_is_never_a_path():
    with pytest.raises(PolicyError, match=r"unknown policy profile '\.\./policies/wrekin'; known profiles: code-2024"):
        load_profile("../policies/wrekin")


def test_policy_dir_argument_and_environment_override(tmp_path, monkeypatch):
    (tmp_path / "wrekin.toml").write_text((REPO_POLICIES / "wrekin.toml").read_text())
    assert load_profile("wrekin", tmp_path).id == "wrekin"
    assert sorted(all_profiles(tmp_path)) == ["wrekin"]
    monkeypatch.setenv("COMPLAINTS_POLICY_DIR", str(tmp_path))
    assert policy_module.current_policy_dir() == tmp_path
    assert sorted(all_profiles()) == ["wrekin"]
    with pytest.raises(PolicyError, match="unknown policy profile 'code-2024'; known profiles: wrekin$"):
        load_profile("code-2024")


def test_a_rung_names_each_recipient_once(tmp_path):
    path = broken(tmp_path, 'recipients = ["head_of_service"]', 'recipients = ["head_of_service", "head_of_service"]')
    assert f"{path}: notice_ladder.2.recipients: must not repeat an entry: head_of_service" in refused(path)
