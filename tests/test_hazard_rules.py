"""The Awaab's Law file (policies/hazards/awaabs-law.toml): categories, scope dates and its checks."""

from datetime import date


from models.hazard_rules import HAZARD_RULES_FILE, HazardRulesError, load_hazard_rules
from tests.cli_runner import complaints


def test_phase_1_damp_and_mould_is_significant_and_every_hhsrs_hazard_but_overcrowding_is_an_emergency():
    rules = load_hazard_rules()
    assert len(rules.categories) == 29, "the 29 HHSRS hazards"
    day = date(2026, 11, 1)
    assert rules.categories["damp_and_mould"].levels_on(day) == ("emergency", "significant")
    assert rules.categories["damp_and_mould"].levels_on(date(2025, 10, 26)) == ()
    assert rules.categories["crowding_and_space"].levels_on(day) == ()
    significant = [key for key, category in rules.categories.items() if category.in_scope("significant", day)]
    assert significant == ["damp_and_mould"], "phases 2 and 3 have no start date until their regulations are made"
    assert all(c.in_scope("emergency", day) for key, c in rules.categories.items() if key != "crowding_and_space")


def test_bringing_phase_2_in_is_a_data_change(tmp_path):
    text = HAZARD_RULES_FILE.read_text().replace(
        'name = "Excess cold"\nphase = 2\nemergency_from = 2025-10-27\n',
        'name = "Excess cold"\nphase = 2\nemergency_from = 2025-10-27\nsignificant_from = 2026-10-01\n',
    )
    path = tmp_path / "awaabs-law.toml"
    path.write_text(text)
    rules = load_hazard_rules(path)
    assert rules.categories["excess_cold"].levels_on(date(2026, 10, 1)) == ("emergency", "significant")
    assert rules.categories["excess_cold"].levels_on(date(2026, 9, 30)) == ("emergency",)


def test_a_broken_file_names_each_field_and_rule(tmp_path):
    text = HAZARD_RULES_FILE.read_text()
    text = text.replace("investigate_working_days = 10", "investigate_working_days = 0")
    text = text.replace("significant_from = 2025-10-27", "significant_from = 2025-01-01")
    text = text.replace('kind = "overdue"\nhours = 0', 'kind = "overdue"\nhours = 3')
    path = tmp_path / "awaabs-law.toml"
    path.write_text(text)
    try:
        load_hazard_rules(path)
    except HazardRulesError as error:
        message = str(error)
    else:
        raise AssertionError("the broken file loaded")
    assert "timescales.investigate_working_days: Input should be greater than or equal to 1" in message
    assert "emergency_ladder.1: an overdue rung fires at the instant (hours = 0), got hours = 3" in message
    result = complaints("hazards", "check", str(path))
    assert result.exit_code == 1
    assert "investigate_working_days" in result.output


def test_hazards_check_lists_what_is_in_scope_on_a_date():
    result = complaints("hazards", "check", "--on", "2026-11-01")
    assert result.exit_code == 0, result.output
    assert "damp_and_mould" in result.output and "emergency, significant" in result.output
    assert "crowding_and_space" in result.output and "never (reg 2)" in result.output
