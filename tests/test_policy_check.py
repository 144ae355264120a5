"""`complaints policy check`: the seeds' departures from the Code, told apart from stricter promises."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from models.policy import load_profile
from models.policy_check import check_profile

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
if not SEEDS.is_dir():
    SEEDS = Path("/work/shared/seeds")
SEED_FILE = {
    "wrekin": "000_ecc4c21318361d14.txt",
    "wolverhampton-homes": "002_251f1e89c641fa25.txt",
    "together-housing": "003_181e0957c275216c.txt",
    "greatwell-homes": "004_b8c43d2e720fe710.txt",
}
COMPLAINTS = str(Path(sys.executable).parent / "complaints")


def findings(profile_id: str) -> dict[str, str]:
    return {d.rule: d.kind for d in check_profile(load_profile(profile_id))}


def test_the_code_profile_has_no_deviation():
    assert check_profile(load_profile("code-2024")) == []


@pytest.mark.parametrize("profile_id", ["together-housing", "greatwell-homes"])
def test_an_informal_stage_before_stage_1_is_non_compliant(profile_id):
    assert findings(profile_id)["pre_stage"] == "non_compliant"


@pytest.mark.parametrize("profile_id", ["together-housing", "wolverhampton-homes"])
def test_a_six_month_window_is_non_compliant(profile_id):
    found = findings(profile_id)
    assert found["complaint_window"] == "non_compliant"
    assert found["complaint_window_discretion"] == "non_compliant"


@pytest.mark.parametrize("profile_id", ["together-housing", "wolverhampton-homes"])
def test_reasons_demanded_before_stage_2_are_non_compliant(profile_id):
    assert findings(profile_id)["stage2_requires_reasons"] == "non_compliant"


def test_out_of_date_ombudsman_access_is_non_compliant():
    tha = {d.rule: d for d in check_profile(load_profile("together-housing"))}["ombudsman_access"]
    assert tha.kind == "non_compliant" and "designated person" in tha.profile and "8 weeks" in tha.profile
    assert tha.section == "3.7, 6.19"
    assert findings("wolverhampton-homes")["ombudsman_access"] == "non_compliant"


def test_shorter_timescales_and_agreed_extensions_are_stricter_not_wrong():
    greatwell = findings("greatwell-homes")
    assert greatwell["stage1_acknowledge"] == greatwell["stage2_extension"] == "stricter"
    assert findings("together-housing")["stage2_respond"] == "stricter"  # 15 working days, not 20
    wrekin = findings("wrekin")
    assert set(wrekin.values()) == {"stricter", "review"}  # Wrekin's policy breaks no Code rule


def test_a_longer_timescale_or_a_missing_ombudsman_detail_is_non_compliant():
    code = load_profile("code-2024")
    slower = code.model_copy(update={
        "stage1": code.stage1.model_copy(update={"acknowledge_working_days": 7, "extension_ombudsman_details_required": False}),
        "stage2": code.stage2.model_copy(update={"respond_working_days": 25, "extension_max_working_days": 30}),
        "complaint_window": code.complaint_window.model_copy(update={"months": 18}),
    })
    found = {d.rule: (d.kind, d.section) for d in check_profile(slower, code)}
    assert found == {
        "complaint_window": ("stricter", "2.3"),
        "stage1_acknowledge": ("non_compliant", "6.2"),
        "stage1_extension_ombudsman": ("non_compliant", "6.5"),
        "stage2_respond": ("non_compliant", "6.14"),
        "stage2_extension": ("non_compliant", "6.15"),
    }


def test_responding_from_acknowledgement_with_more_days_is_not_stricter():
    code = load_profile("code-2024")
    later = code.model_copy(update={"stage1": code.stage1.model_copy(update={"respond_working_days": 12})})
    assert [(d.rule, d.kind) for d in check_profile(later, code)] == [("stage1_respond", "non_compliant")]


def _normal(text: str) -> str:
    """Quotes straightened, bullets and emphasis dropped, whitespace collapsed."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    return re.sub(r"\s+", " ", re.sub("\u2022", " ", text.replace("*", "")))


@pytest.mark.parametrize("profile_id", sorted(SEED_FILE))
def test_every_quoted_wording_is_the_seeds_own(profile_id):
    """Each sentence or list item (split at '...', '; ' and '. ') of a `[wording]` entry appears word for word in the landlord's seed."""
    seed = _normal((SEEDS / SEED_FILE[profile_id]).read_text())
    profile = load_profile(profile_id)
    reported = {d.rule for d in check_profile(profile)}
    assert set(profile.wording) <= reported, "wording for a rule the check never reports"
    for rule, text in profile.wording.items():
        for fragment in re.split(r"\.\.\.|; |\. ", _normal(text)):
            fragment = fragment.strip(" ;.()")
            assert fragment.lower() in seed.lower(), f"{rule}: {fragment!r}"


def test_the_four_required_findings_carry_the_landlords_words():
    tha = {d.rule: d for d in check_profile(load_profile("together-housing"))}
    for rule in ("pre_stage", "complaint_window", "stage2_requires_reasons", "ombudsman_access"):
        assert tha[rule].wording, rule
    assert "Getting it sorted" in tha["pre_stage"].wording
    assert "wait 8 weeks" in tha["ombudsman_access"].wording


def test_cli_prints_each_profile_and_its_wording():
    done = subprocess.run([COMPLAINTS, "policy", "check", "together-housing"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    flat = " ".join(done.stdout.split())
    assert "non-compliant" in flat and "5.2, 5.3" in flat and "stricter than the Code" in flat
    done = subprocess.run([COMPLAINTS, "policy", "check", "code-2024"], capture_output=True, text=True, timeout=60)
    assert "no deviations from the Code" in done.stdout


def test_cli_json_covers_every_profile_and_refuses_unknown_ones():
    done = subprocess.run([COMPLAINTS, "policy", "check", "--format", "json"], capture_output=True, text=True, timeout=60)
    data = json.loads(done.stdout)
    assert data["code-2024"] == [] and {d["rule"] for d in data["greatwell-homes"]} >= {"pre_stage", "stage2_request_window"}
    done = subprocess.run([COMPLAINTS, "policy", "check", "nope"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "unknown policy profile 'nope'" in done.stderr and "wrekin" in done.stderr
