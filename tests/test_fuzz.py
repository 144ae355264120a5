"""Fuzz: whatever arrives in a scenario file, on the CLI, or as a run of commands, people get a clear
error or a correct result, never a traceback, and a rejected step leaves nothing behind."""

import json
import re
from datetime import datetime, timedelta, timezone

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.commands import COMMANDS
from models.json_input import JsonInputError, read_json
from tests.cli_runner import complaints
from starter.scenario import Scenario, ScenarioError, parse_scenarios

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5),
    max_leaves=20,
)
scenario_like = st.fixed_dictionaries(
    {},
    optional={
        "policy": st.sampled_from(["code-2024", "wrekin", "nope", ""]) | st.text(max_size=8),
        "region": st.sampled_from(["ENG", "SCT", "XX"]),
        "received": st.sampled_from(["2026-12-18T10:00:00+00:00", "2026-12-18", "yesterday", ""]),
        "closures": st.lists(st.sampled_from(["2026-12-31", "31/12/2026", 5])),
        "steps": st.lists(
            st.dictionaries(st.sampled_from(["at", "action", "working_days", "reason", "outcome"]), json_values, max_size=5),
            max_size=3,
        ),
        "until": json_values,
    },
)


@settings(max_examples=300, deadline=None)
@given(data=st.one_of(json_values, scenario_like, st.lists(scenario_like, max_size=3)))
def test_any_json_is_either_a_scenario_or_a_named_error(data):
    try:
        parse_scenarios(json.dumps(data))
    except ScenarioError as error:
        try:
            read_json(json.dumps(data))
        except JsonInputError as unreadable:  # past the reader's bounds: the file itself is refused, as is
            assert str(error) == str(unreadable)
            return
        for line in str(error).splitlines():
            assert_names_a_field_and_its_rule(data, line)


PATH_PART = re.compile(r'\.?([^.\[\]:\s"]+)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]')
"""One step of a refusal's field path: `.name`, `[2]`, or a quoted key `["a b"]`."""


def field_and_rule(line: str) -> tuple[list[str | int], str]:
    """A refusal line `steps[2].working_days: <rule>` split into its path and its rule."""
    path: list[str | int] = []
    at = 0
    while not line.startswith(": ", at):
        part = PATH_PART.match(line, at)
        assert part and part.end() > at, f"{line!r} does not start with a field"
        name, index, quoted = part.groups()
        path.append(int(index) if index else json.loads(quoted) if quoted else name)
        at = part.end()
    return path, line[at + 2 :]


def assert_names_a_field_and_its_rule(data, line: str) -> None:
    """Each line of a refusal names where the problem is, a field of the input (or one it must have), and
    the rule that value breaks, in words: checked against the input itself, not against pydantic."""
    prefix = re.match(r"\[(\d+)\]\.", line)
    if prefix and isinstance(data, list):
        data, line = data[int(prefix.group(1))], line[prefix.end() :]
    if not isinstance(data, dict):
        assert line == "Input should be a valid dictionary or instance of Scenario", line
        return
    path, rule = field_and_rule(line)
    assert rule and not rule.startswith("Value error") and "errors.pydantic.dev" not in rule, line
    parent = data
    for part in path[:-1]:
        assert isinstance(parent, dict | list) and (part in parent if isinstance(parent, dict) else part < len(parent)), (
            f"{line!r} names no field of {data!r}"
        )
        parent = parent[part]
    last = path[-1]
    present = last in parent if isinstance(parent, dict) else isinstance(last, int) and last < len(parent)
    if rule == "Field required":
        assert not present and isinstance(parent, dict), f"{line!r}, but the input has it: {data!r}"
        return
    assert present, f"{line!r} names no field of {data!r}"
    value = parent[last]
    choices = re.findall(r"'([^']*)'", rule) if rule.startswith("Input should be '") else []
    assert value not in choices, f"{line!r}, but {value!r} is one of them"
    if rule.startswith("Input should be a valid string"):
        assert not isinstance(value, str), line
    if rule.startswith("Input should be a valid integer"):
        assert not isinstance(value, int) or isinstance(value, bool), line


@settings(max_examples=200, deadline=None)
@given(start=st.text(max_size=12), n=st.text(max_size=5), region=st.text(max_size=4))
def test_calendar_cli_answers_or_refuses_never_crashes(start, n, region):
    result = complaints("calendar", "add", start, n, "--region", region)
    assert result.exit_code in (0, 2), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


ACTIONS = ["acknowledge", "extend", "respond", "request_stage2", "resident_input", "withdraw", "exclude", "close"]


@st.composite
def command_runs(draw):
    received = datetime(2026, 1, 5, 9, tzinfo=timezone.utc) + timedelta(hours=draw(st.integers(0, 24 * 300)))
    at = received
    steps = []
    for action in draw(st.lists(st.sampled_from(ACTIONS), max_size=7)):
        at += timedelta(hours=draw(st.integers(1, 24 * 12)))
        step = {"at": at.isoformat(), "action": action}
        if action == "extend":
            step |= {"working_days": draw(st.integers(1, 25)), "reason": "survey"}
        if action == "respond":
            step["outcome"] = draw(st.sampled_from(["upheld", "partly_upheld", "not_upheld"]))
        if action == "exclude":
            step["reason"] = "reason"
        if action == "resident_input":
            step["note"] = "a note"
        steps.append(step)
    policy = draw(st.sampled_from(["code-2024", "wrekin", "wolverhampton-homes", "together-housing", "greatwell-homes"]))
    return {
        "policy": policy,
        "received": received.isoformat(),
        "steps": steps,
        "until": (at + timedelta(days=draw(st.integers(0, 40)))).isoformat(),
    }


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(scenario=command_runs())
async def test_random_runs_of_commands_keep_the_record_consistent(sim, scenario):
    result = await sim.run(Scenario.model_validate(scenario))
    for rejection in result["rejected"]:
        assert_refusal_names_its_field_and_rule(rejection)
    rejected = {r["step"] for r in result["rejected"]}
    actions = [e["type"] for e in result["events"] if e["type"] not in ("received", "notice", "deadline_missed")]
    applied = [s["action"] for i, s in enumerate(scenario["steps"]) if i not in rejected]
    # A rejected step leaves no event; an accepted one exactly one, in order.
    assert actions[: len(applied)] == applied and len(actions) - len(applied) in (0, 1)  # +1: automatic close
    times = [datetime.fromisoformat(e["at"]) for e in result["events"]]
    assert times == sorted(times)
    for deadline in result["deadlines"]:
        if deadline["met"] is True:
            assert deadline["met_on"] <= deadline["due"]
    for notice in result["notices"]:
        assert notice["kind"] in ("due_soon", "overdue", "escalated")


def assert_refusal_names_its_field_and_rule(rejection: dict) -> None:
    """A rejected step says why: the lifecycle names the action, the state and what is allowed instead (and
    the action is not among them); any other rule names a field of that action's command, then the rule."""
    action, error = rejection["action"], rejection["error"]
    lifecycle = re.fullmatch(rf"{action} is not allowed while the complaint is ([A-Z][^;]+); allowed now: (.+)", error)
    if lifecycle:
        assert action not in lifecycle.group(2).split(", "), error
        return
    field, _, rule = error.partition(": ")
    assert field in COMMANDS[action].model_fields, f"{action} refused naming no field of its command: {error!r}"
    assert len(rule.split()) >= 3, f"{action} refused without the rule in words: {error!r}"
