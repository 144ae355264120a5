"""Policy profiles: the seeds' numbers as encoded, and malformed files refused by file, field and rule."""

from pathlib import Path

import pytest

from models.policy import PolicyError, all_profiles, load_profile, load_profile_file

CODE = Path(__file__).parent.parent / "policies" / "code-2024.toml"


def test_every_profile_loads_under_its_file_name():
    assert sorted(all_profiles()) == [
        "code-2024", "greatwell-homes", "together-housing", "wolverhampton-homes", "wrekin"
    ]


@pytest.mark.parametrize(
    ("profile_id", "s1", "s2", "window", "anonymous", "pre_stage"),
    [
        # (ack, respond, respond_from, extension) per stage, as each seed says.
        ("code-2024", (5, 10, "acknowledgement", 10), (5, 20, "acknowledgement", 20), 12, True, None),
        ("wrekin", (5, 10, "acknowledgement", 10), (5, 20, "acknowledgement", 20), 12, True, None),
        ("wolverhampton-homes", (5, 10, "receipt", 10), (5, 20, "receipt", 10), 6, False, None),
        ("together-housing", (5, 10, "acknowledgement", 10), (5, 15, "acknowledgement", 10), 6, True,
         ("Get It Sorted", 5, "always")),
        ("greatwell-homes", (3, 10, "logging", 10), (5, 20, "receipt", 10), 12, True, ("Concern", 3, "optional")),
    ],
)
def test_seed_timescales(profile_id, s1, s2, window, anonymous, pre_stage):
    p = load_profile(profile_id)
    for rules, expected in ((p.stage1, s1), (p.stage2, s2)):
        assert (rules.acknowledge_working_days, rules.respond_working_days, rules.respond_from,
                rules.extension_max_working_days) == expected
    assert p.complaint_window.months == window
    assert p.anonymous_complaints_accepted is anonymous
    got = None if p.pre_stage is None else (p.pre_stage.name, p.pre_stage.resolve_working_days, p.pre_stage.applies)
    assert got == pre_stage


def test_rules_the_code_forbids_are_encoded_where_the_seeds_have_them():
    assert load_profile("wolverhampton-homes").stage2_requires_reasons is True
    assert load_profile("together-housing").ombudsman_access.wait_weeks_after_final_response == 8
    assert load_profile("greatwell-homes").stage2_request_window_working_days == 20
    assert load_profile("wrekin").stage1.extension_requires_agreement is True
    code = load_profile("code-2024")
    assert (code.stage2_requires_reasons, code.stage2_request_window_working_days, code.pre_stage) == (False, None, None)
    assert [(r.kind, r.working_days, r.at) for r in code.notice_ladder] == [
        ("due_soon", -1, "start_of_day"), ("overdue", 0, "end_of_day"), ("escalated", 3, "start_of_day")
    ]


def broken(tmp_path: Path, old: str, new: str, name: str = "code-2024") -> Path:
    path = tmp_path / f"{name}.toml"
    text = CODE.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    return path


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("acknowledge_working_days = 5", "acknowledge_working_days = -1",
         "stage1.acknowledge_working_days: Input should be greater than or equal to 1"),
        ("respond_working_days = 10\n", "", "stage1.respond_working_days: Field required"),
        ("months = 12", "months = 12\nweeks = 3", "complaint_window.weeks: Extra inputs are not permitted"),
        ('respond_from = "acknowledgement"', 'respond_from = "whenever"',
         "stage1.respond_from: Input should be 'receipt', 'logging' or 'acknowledgement'"),
        ('kind = "overdue"', 'kind = "due_soon"', "notice_ladder.1: a due_soon rung must have negative working_days"),
    ],
)
def test_malformed_profile_names_file_field_and_rule(tmp_path, old, new, message):
    path = broken(tmp_path, old, new)
    with pytest.raises(PolicyError) as raised:
        load_profile_file(path)
    assert str(raised.value).startswith(f"{path}: ")
    assert message in str(raised.value)


def test_bad_toml_syntax_names_the_file(tmp_path):
    path = broken(tmp_path, "version = 1", "version = = 1")
    with pytest.raises(PolicyError, match=rf"^{path}: not valid TOML"):
        load_profile_file(path)


def test_id_must_match_the_file_name(tmp_path):
    path = broken(tmp_path, 'id = "code-2024"', 'id = "code-2024"', name="renamed")
    with pytest.raises(PolicyError, match=r"id: must equal the file name 'renamed', got 'code-2024'"):
        load_profile_file(path)


def test_ladder_without_an_overdue_rung_is_refused(tmp_path):
    text = CODE.read_text()
    start = text.index('[[notice_ladder]]\nkind = "overdue"')
    end = text.index("[[notice_ladder]]", start + 1)
    path = tmp_path / "code-2024.toml"
    path.write_text(text[:start] + text[end:])
    with pytest.raises(PolicyError, match="notice_ladder must have exactly one overdue rung, found 0"):
        load_profile_file(path)


def test_unknown_profile_lists_the_known_ones():
    with pytest.raises(PolicyError, match="unknown policy profile 'nope'; known profiles: code-2024, greatwell-homes"):
        load_profile("nope")
