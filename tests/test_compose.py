"""The production-shaped compose file, checked without a Docker engine."""

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from models.settings import Settings

ROOT = Path(__file__).parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_every_image_is_pinned_to_a_version():
    for name, service in COMPOSE["services"].items():
        if "image" in service:
            tag = service["image"].rpartition(":")[2]
            assert ":" in service["image"] and tag not in ("", "latest"), name


def test_long_running_services_have_health_checks():
    for name in ("postgresql", "temporal", "temporal-ui", "mailpit"):
        assert "healthcheck" in COMPOSE["services"][name], name


def test_worker_environment_uses_only_settings_the_app_reads():
    aliases = {field.alias for field in Settings.model_fields.values()}
    worker_env = COMPOSE["services"]["worker"]["environment"]
    assert set(worker_env) <= aliases
    assert {"TEMPORAL_ADDRESS", "DATABASE_URL"} <= set(worker_env)


def test_search_attributes_are_registered_as_complaints_dev_registers_them():
    from starter.dev import SEARCH_ATTRIBUTES

    command = " ".join(COMPOSE["services"]["search-attributes"]["command"])
    for name, kind in SEARCH_ATTRIBUTES.items():
        assert f"{name}={kind}" in command


@pytest.mark.skipif(shutil.which("docker-compose") is None, reason="Debian's docker-compose is not installed")
def test_docker_compose_validates_the_file():
    done = subprocess.run(["docker-compose", "config", "-q"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
