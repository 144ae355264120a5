"""Every setting of the worker, the web app and the CLI, read from environment variables only.

One class, so `complaints worker` and `complaints web` run against any Temporal, database and mail
server by environment alone (docker-compose.yml sets them; docs/configuration.md lists them).
"""

from pathlib import Path
from typing import Any, get_args

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from temporalio.service import TLSConfig
from models.policy import DEFAULT_PROFILE_ID
from models.policy_rules import NoticeRecipient

NOTICE_ROLES = tuple(role for role in get_args(NoticeRecipient) if role != "handler")
"""Teams a notice ladder can name besides the case's own handler, each with an address (`NOTICE_ADDRESSES`)."""


DEV_WEB_SECRET = "dev-only-secret-change-me"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", extra="ignore", populate_by_name=True)

    temporal_address: str = Field(default="localhost:7233", alias="TEMPORAL_ADDRESS")
    temporal_namespace: str = Field(default="default", alias="TEMPORAL_NAMESPACE")
    temporal_tls: bool = Field(default=False, alias="TEMPORAL_TLS")
    """Connect over TLS (implied when a client certificate or CA is given)."""
    temporal_tls_server_ca: Path | None = Field(default=None, alias="TEMPORAL_TLS_SERVER_CA")
    temporal_tls_client_cert: Path | None = Field(default=None, alias="TEMPORAL_TLS_CLIENT_CERT")
    temporal_tls_client_key: Path | None = Field(default=None, alias="TEMPORAL_TLS_CLIENT_KEY")
    task_queue: str = Field(default="complaints", alias="COMPLAINTS_TASK_QUEUE")
    worker_cached_cases: int = Field(default=500, ge=1, le=100_000, alias="WORKER_CACHED_CASES")
    """Cases a worker keeps in memory between tasks (Temporal's sticky cache); the rest are replayed
    from history when a timer or a command reaches them. Bounds the worker's memory (bench/README.md 6)."""

    worker_deployment_name: str = Field(default="complaints", max_length=200, alias="WORKER_DEPLOYMENT_NAME")
    worker_build_id: str = Field(default="", max_length=200, alias="WORKER_BUILD_ID")
    """Set: the worker joins Worker Versioning as this build of `worker_deployment_name` (docs/upgrades.md;
    needs Temporal server 1.28 or later). Empty: an unversioned worker, as simulations and tests run."""

    database_url: str = Field(default="sqlite:///var/complaints.db", alias="DATABASE_URL")
    retention_years: int = Field(default=6, ge=1, le=100, alias="RETENTION_YEARS")
    """A resident's personal data is anonymised this long after their last case closed (the landlord's
    retention period; six years is the common limitation-period default)."""

    smtp_host: str = Field(default="", alias="SMTP_HOST")
    """Empty: notices stay in the outbox table (shown in the UI) and no mail is sent."""
    smtp_port: int = Field(default=25, ge=1, le=65535, alias="SMTP_PORT")
    smtp_username: str = Field(default="", alias="SMTP_USERNAME")
    smtp_password: str = Field(default="", alias="SMTP_PASSWORD")
    smtp_starttls: bool = Field(default=False, alias="SMTP_STARTTLS")
    smtp_timeout_seconds: float = Field(default=10, gt=0, le=25, alias="SMTP_TIMEOUT_SECONDS")
    """Below the activity's 30 s start-to-close timeout, so a hung server never overlaps a retry."""
    notice_from: str = Field(default="complaints@localhost", alias="NOTICE_FROM")
    notice_addresses: dict[str, str] = Field(
        default={role: f"{role.replace('_', '-')}@localhost" for role in NOTICE_ROLES}, alias="NOTICE_ADDRESSES"
    )
    """JSON object: the mailbox of each ladder role, e.g. {"complaints_manager": "cm@landlord.org.uk", ...}."""
    staff_email_domain: str = Field(default="localhost", alias="STAFF_EMAIL_DOMAIN")
    """A handler id without '@' is mailed at handler@STAFF_EMAIL_DOMAIN."""

    web_secret: str = Field(default=DEV_WEB_SECRET, min_length=16, alias="WEB_SECRET")
    """Signs the session cookie: every replica and every restart with the same secret accepts the
    same sessions. `complaints web` refuses the dev-only default unless it listens on loopback only."""
    web_host: str = Field(default="127.0.0.1", alias="WEB_HOST")
    web_port: int = Field(default=8000, ge=1, le=65535, alias="WEB_PORT")
    web_base_url: str = Field(default="http://localhost:8000", alias="WEB_BASE_URL")
    """The address people use (links in emails, the Secure cookie). The default is for `complaints dev`
    only: `complaints web` on a public address refuses a localhost one, and compose requires it."""
    forwarded_allow_ips: str = Field(default="127.0.0.1,::1", alias="FORWARDED_ALLOW_IPS")
    """The proxy whose X-Forwarded-For/-Proto the web app believes (uvicorn's setting): the client
    address that sign-in throttling counts, and https behind the TLS proxy."""
    web_session_idle_minutes: int = Field(default=30, ge=1, le=24 * 60, alias="WEB_SESSION_IDLE_MINUTES")
    """A session unused this long ends (OWASP ASVS 3.3.2, level 2: 30 minutes)."""
    web_session_max_hours: int = Field(default=12, ge=1, le=7 * 24, alias="WEB_SESSION_MAX_HOURS")
    """A session ends this long after signing in, however busy (ASVS 3.3.2: 12 hours)."""
    web_secure_cookie: bool | None = Field(default=None, alias="WEB_SECURE_COOKIE")
    """Mark the session cookie Secure (sent over HTTPS only); unset: when WEB_BASE_URL is https."""
    sign_in_lock_after: int = Field(default=5, ge=1, le=100, alias="SIGN_IN_LOCK_AFTER")
    """Failed sign-ins to one account before it is locked for a while."""
    sign_in_address_lock_after: int = Field(default=20, ge=1, le=1000, alias="SIGN_IN_ADDRESS_LOCK_AFTER")
    """Failed sign-ins from one client address (any accounts) before it is locked for a while."""
    sign_in_lock_seconds: int = Field(default=60, ge=1, le=3600, alias="SIGN_IN_LOCK_SECONDS")
    """The first lock; it doubles with each further failure, up to SIGN_IN_MAX_LOCK_SECONDS."""
    sign_in_max_lock_seconds: int = Field(default=900, ge=1, le=86400, alias="SIGN_IN_MAX_LOCK_SECONDS")
    temporal_ui_url: str = Field(default="http://localhost:8233", alias="TEMPORAL_UI_URL")

    public_policy: str = Field(default=DEFAULT_PROFILE_ID, min_length=1, max_length=64, alias="PUBLIC_POLICY")
    """The policy profile (landlord) a complaint made on the public online form is filed under."""
    resident_link_days: int = Field(default=28, ge=1, le=366, alias="RESIDENT_LINK_DAYS")
    """How long a resident's personal tracking link works; they can ask for a new one by email."""
    resident_mail_interval_seconds: float = Field(default=5, gt=0, le=3600, alias="RESIDENT_MAIL_INTERVAL_SECONDS")
    """How often the worker's dispatcher looks for queued letters and updates to email to residents."""

    @field_validator("notice_addresses")
    @classmethod
    def _every_role_has_a_mailbox(cls, addresses: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(addresses) - set(NOTICE_ROLES))
        if unknown:
            raise ValueError(f"unknown role(s) {', '.join(unknown)}; roles are {', '.join(NOTICE_ROLES)}")
        missing = sorted(set(NOTICE_ROLES) - set(addresses))
        if missing:
            raise ValueError(f"needs a mailbox for every role; missing {', '.join(missing)}")
        bad = sorted(role for role, address in addresses.items() if "@" not in address)
        if bad:
            raise ValueError(f"not an email address for {', '.join(bad)}")
        return addresses

    @property
    def secure_cookie(self) -> bool:
        return self.web_base_url.startswith("https://") if self.web_secure_cookie is None else self.web_secure_cookie

    def temporal_tls_config(self) -> TLSConfig | bool:
        """What `Client.connect(tls=...)` takes: False, True (system CAs) or the given certificates."""
        files = (self.temporal_tls_server_ca, self.temporal_tls_client_cert, self.temporal_tls_client_key)
        if not any(files):
            return self.temporal_tls
        if bool(self.temporal_tls_client_cert) != bool(self.temporal_tls_client_key):
            raise ValueError("TEMPORAL_TLS_CLIENT_CERT and TEMPORAL_TLS_CLIENT_KEY must be given together")
        ca, cert, key = (path.read_bytes() if path else None for path in files)
        return TLSConfig(server_root_ca_cert=ca, client_cert=cert, client_private_key=key)

    def mailbox(self, role: str, handler: str | None) -> str:
        """The address a ladder role is mailed at; a case without a handler goes to the complaints manager."""
        if role != "handler":
            return self.notice_addresses[role]
        if handler is None:
            return self.notice_addresses["complaints_manager"]
        return f"{handler}@{self.staff_email_domain}"


class ConfigurationError(ValueError):
    """An environment variable that breaks its rule; the message names the variable and the rule."""


def load_settings(**overrides: Any) -> Settings:
    """The settings from the environment, or a ConfigurationError saying which variable is wrong and why
    (the commands print it without a traceback)."""
    try:
        return Settings(**overrides)
    except ValidationError as error:
        problems = [f"{'.'.join(str(part) for part in e['loc'])}: {e['msg']} (got {e['input']!r})" for e in error.errors()]
        raise ConfigurationError("; ".join(problems)) from None
