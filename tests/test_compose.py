"""The production-shaped compose file, checked without a Docker engine: pinned images, ports, health
checks, named volumes, search attributes, and only environment variables the Settings class reads."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from models.settings import Settings
from starter.search_attributes import SEARCH_ATTRIBUTES

ROOT = Path(__file__).parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
APP_SERVICES = ("worker", "web")
SETTINGS_VARIABLES = {field.alias for field in Settings.model_fields.values()}


REQUIRED = {
    "WEB_SECRET": "a-long-random-production-secret",
    "WEB_BASE_URL": "https://complaints.landlord.example",
    "TEMPORAL_DB_PASSWORD": "temporal-db-secret",
    "COMPLAINTS_DB_PASSWORD": "complaints-db-secret",
}
"""What compose demands (`${VAR:?...}`), with values for the checks below."""


def _resolved(value: str) -> str:
    """A compose value with `${VAR:-default}` replaced by its default, as compose does when VAR is unset,
    and a required `${VAR:?...}` by the value in REQUIRED."""
    value = re.sub(r"\$\{([A-Z_]+):\?[^}]*\}", lambda m: REQUIRED[m.group(1)], value)
    return re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", value)


def test_every_image_is_pinned_to_a_version():
    for name, service in SERVICES.items():
        image = service["image"]
        tag = image.rpartition(":")[2]
        assert ":" in image and tag != "latest" and re.search(r"\d+\.\d+", tag), f"{name}: {image}"


def test_worker_and_web_are_built_from_the_one_dockerfile():
    assert SERVICES["worker"]["build"] == "." and (ROOT / "Dockerfile").exists()
    assert SERVICES["web"]["image"] == SERVICES["worker"]["image"]
    assert SERVICES["worker"]["command"] == ["worker"] and SERVICES["web"]["command"] == ["web"]


def test_published_ports():
    published = {name: service.get("ports", []) for name, service in SERVICES.items()}
    assert published["temporal"] == [], "Temporal's frontend is published nowhere"
    assert published["temporal-ui"] == ["127.0.0.1:8233:8080"], "the Web UI on the host's loopback only"
    assert published["mailpit"] == ["127.0.0.1:8025:8025"], "the notice inbox on the host's loopback only"
    assert published["proxy"] == ["80:80", "443:443"], "the TLS proxy is the one public service"
    assert published["web"] == [], "the web app is reached through the proxy only"
    assert published["postgresql"] == [] and published["worker"] == [] and published["temporal-admin-tools"] == []


def test_no_port_but_the_web_apps_is_reachable_from_other_machines():
    for name, service in SERVICES.items():
        for port in service.get("ports", []):
            if name != "proxy":
                assert str(port).startswith("127.0.0.1:"), f"{name} publishes {port} on every interface"
    assert "7233" not in " ".join(str(port) for service in SERVICES.values() for port in service.get("ports", []))


def test_temporal_and_its_database_live_on_an_internal_network_only():
    assert COMPOSE["networks"]["backend"]["internal"] is True
    for name in ("temporal", "postgresql", "temporal-schema", "search-attributes", "temporal-admin-tools"):
        assert SERVICES[name]["networks"] == ["backend"], name
    assert SERVICES["mailpit"]["networks"] == ["edge"], "Mailpit takes the worker's mail and reaches nothing on backend"
    for name in ("worker", "web", "temporal-ui"):
        assert "backend" in SERVICES[name]["networks"], f"{name} must reach Temporal"


def _mounted(service: dict) -> dict[str, str]:
    """Container path → host path of each bind mount."""
    return {volume.split(":")[1]: volume.split(":")[0] for volume in service.get("volumes", []) if volume.startswith("./")}


def test_temporal_demands_mutual_tls_and_every_caller_presents_its_own_certificate():
    server = SERVICES["temporal"]["environment"]
    assert server["TEMPORAL_TLS_REQUIRE_CLIENT_AUTH"] == "true"
    assert server["TEMPORAL_TLS_CLIENT1_CA_CERT"] == "/certs/ca.pem"
    assert _mounted(SERVICES["temporal"])["/certs/temporal.key"] == "./deploy/certs/temporal.key"
    for name, cert in (("worker", "worker"), ("web", "web")):
        environment, mounts = SERVICES[name]["environment"], _mounted(SERVICES[name])
        assert environment["TEMPORAL_TLS_SERVER_CA"] == "/certs/ca.pem"
        assert (
            environment["TEMPORAL_TLS_CLIENT_CERT"] == f"/certs/{cert}.pem"
            and environment["TEMPORAL_TLS_CLIENT_KEY"] == f"/certs/{cert}.key"
        )
        assert {f"/certs/{cert}.pem", f"/certs/{cert}.key", "/certs/ca.pem"} <= set(mounts), name
        assert "/certs/temporal.key" not in mounts, f"{name} must not hold the server's key"
    ui = SERVICES["temporal-ui"]["environment"]
    assert ui["TEMPORAL_TLS_CERT"] == "/certs/ui.pem" and ui["TEMPORAL_TLS_ENABLE_HOST_VERIFICATION"] == "true"
    assert ui["TEMPORAL_DISABLE_WRITE_ACTIONS"] == "true", "the UI has no sign-in, so it only reads"
    for name in ("search-attributes", "temporal-admin-tools"):
        assert SERVICES[name]["environment"]["TEMPORAL_TLS_CERT"] == "/certs/ops.pem", name
    assert "--address" not in " ".join(SERVICES["search-attributes"]["command"]), "address and TLS come from the environment"


def test_the_certificate_script_makes_every_file_compose_mounts(tmp_path):
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    subprocess.run(["sh", str(ROOT / "deploy/make-certs.sh"), str(tmp_path)], check=True, capture_output=True)
    wanted = {Path(host).name for service in SERVICES.values() for host in _mounted(service).values() if "/certs/" in host}
    assert wanted and wanted <= {path.name for path in tmp_path.iterdir()}
    assert "deploy/certs/" in (ROOT / ".gitignore").read_text(), "keys are never committed"


def test_long_running_services_have_health_checks_and_restart():
    for name in ("postgresql", "temporal", "temporal-ui", "mailpit", "web", "proxy"):
        assert SERVICES[name]["healthcheck"]["test"], name
        assert SERVICES[name]["restart"] == "unless-stopped", name
    assert SERVICES["worker"]["depends_on"]["search-attributes"]["condition"] == "service_completed_successfully"


def test_data_lives_in_named_volumes():
    assert set(COMPOSE["volumes"]) == {"postgres-data", "mailpit-data", "caddy-data", "caddy-config"}
    assert "postgres-data:/var/lib/postgresql/data" in SERVICES["postgresql"]["volumes"]


def test_app_environment_is_only_settings_the_app_reads_and_they_validate(monkeypatch):
    for name in APP_SERVICES:
        environment = SERVICES[name]["environment"]
        assert set(environment) <= SETTINGS_VARIABLES, name
        values = {key: _resolved(str(value)) for key, value in environment.items()}
        for key, value in values.items():
            monkeypatch.setenv(key, value)
        settings = Settings()
        assert settings.database_url.startswith("postgresql+psycopg://complaints:")
        assert (settings.smtp_host, settings.smtp_port) == ("mailpit", 1025)
        assert settings.temporal_address == "temporal:7233"


def test_every_setting_is_documented_in_the_configuration_page():
    page = (ROOT / "docs" / "configuration.md").read_text()
    missing = sorted(variable for variable in SETTINGS_VARIABLES if f"`{variable}`" not in page)
    assert missing == []


def test_search_attributes_are_registered_as_complaints_dev_registers_them():
    command = " ".join(SERVICES["search-attributes"]["command"])
    listed = re.search(r"for sa in (.*?); do", command).group(1)
    registered = dict(pair.split("=") for pair in re.findall(r"\b[A-Za-z]+=[A-Za-z]+\b", listed))
    assert registered == SEARCH_ATTRIBUTES


@pytest.mark.skipif(
    shutil.which("docker-compose") is None, reason="Debian's docker-compose is not installed (.ci/run installs it)"
)
def test_docker_compose_validates_the_file_and_demands_a_web_secret():
    environment = {key: value for key, value in os.environ.items() if key not in REQUIRED}
    done = subprocess.run(
        ["docker-compose", "config", "-q"], cwd=ROOT, capture_output=True, text=True, env={**environment, **REQUIRED}
    )
    assert done.returncode == 0, done.stderr
    for missing in REQUIRED:
        given = {key: value for key, value in REQUIRED.items() if key != missing}
        refused = subprocess.run(
            ["docker-compose", "config", "-q"], cwd=ROOT, capture_output=True, text=True, env={**environment, **given}
        )
        assert refused.returncode != 0 and f"set {missing} to" in refused.stderr, missing


def test_no_password_or_address_has_a_default():
    """Issue 29, item 13: the database passwords (`temporal` was the PostgreSQL superuser's) and the public
    address are demanded, never defaulted."""
    text = (ROOT / "docker-compose.yml").read_text()
    assert not re.search(r"\$\{[A-Z_]*(PASSWORD|SECRET|WEB_BASE_URL)[A-Z_]*:-", text)
    assert "temporalio/auto-setup" not in text, "the development image"
    assert SERVICES["temporal"]["depends_on"]["temporal-schema"]["condition"] == "service_completed_successfully"
    assert SERVICES["web"]["environment"]["FORWARDED_ALLOW_IPS"] == SERVICES["proxy"]["networks"]["proxy"]["ipv4_address"]


def test_the_certificate_script_keeps_every_key_private(tmp_path):
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    certs = tmp_path / "certs"
    subprocess.run(
        ["sh", str(ROOT / "deploy/make-certs.sh"), str(certs)],
        check=True,
        capture_output=True,
        env={
            **os.environ,
            "APP_UID": str(os.getuid()),
            "TEMPORAL_UID": str(os.getuid()),
            "UI_UID": str(os.getuid()),
            "OPS_UID": str(os.getuid()),
        },
    )
    assert certs.stat().st_mode & 0o777 == 0o700
    keys = sorted(certs.glob("*.key"))
    assert {key.name for key in keys} >= {"ca.key", "temporal.key", "worker.key", "web.key", "ui.key", "ops.key"}
    assert all(key.stat().st_mode & 0o777 == 0o600 for key in keys), [(k.name, oct(k.stat().st_mode)) for k in keys]


def test_the_runtime_image_carries_no_tests_documentation_or_benchmarks():
    ignored = {line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()}
    assert {"tests", "docs", "bench"} <= ignored


def test_complaints_web_refuses_a_localhost_base_url_on_a_public_address(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'read.db'}",
        "WEB_HOST": "0.0.0.0",
        "WEB_SECRET": "a-long-random-production-secret",
    }
    env.pop("WEB_BASE_URL", None)
    done = subprocess.run([sys.executable, "-m", "starter.cli", "web"], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "WEB_BASE_URL: set it to the public https address" in done.stderr
    assert "Traceback" not in done.stderr
