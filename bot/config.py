"""The one place where configuration is read from the environment.

Defaults run the whole bot on one machine with no service installed. Every
variable is documented in `.env.example`. Each process reads them once, where it starts
(`main`, or where Rasa builds our channel and tracker store), and hands them down.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path
from typing import Mapping, Optional, Tuple

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class PhoneLine:
    """The human hand-over: one number and its opening hours (Monday to Friday), and the
    shop's contact form, offered as a link beside the number."""

    number: str = "02 808 18 02"
    opens: time = time(8, 0)
    closes: time = time(19, 0)
    timezone: str = "Europe/Paris"
    holidays_country: str = "FR"
    contact_form_url: str = "https://www.123roulement.com/contact"


@dataclass(frozen=True)
class BackendSettings:
    """The account backend and how the actions reach it."""

    database_url: str
    host: str
    port: int
    # Service credential the actions (and only they) present to the backend API.
    # `make run` and the tests generate one per run when it is not configured.
    api_token: Optional[str]
    # Seconds the actions wait for the backend before handing over.
    timeout: float
    seed_demo_data: bool
    # Base of the links put in e-mails and answers (reset link, invoice download).
    shop_url: str
    # Password / login-help e-mails per address per hour.
    email_rate_limit_per_hour: int
    smtp_host: Optional[str]
    smtp_port: int
    smtp_user: Optional[str]
    smtp_password: Optional[str]
    mail_from: str
    # Rasa's SQL tracker store, where the GDPR erasure deletes a customer's
    # conversations. Unset with the in-memory tracker store (`make run`), whose
    # conversations live only until the Rasa server stops.
    tracker_store_url: Optional[str] = None
    # The web server as customers reach it: the deletion confirmation link leads there.
    public_web_url: str = "http://127.0.0.1:8000"
    # « Suppression compte » tickets per address per rolling 24 hours.
    deletion_limit_per_day: int = 3
    # Password / login-help e-mails one conversation may ask for per hour, all addresses
    # together: below the per-address limit, so that a stranger cannot use that one up.
    email_rate_limit_per_conversation: int = 2

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"


@dataclass(frozen=True)
class TokenSettings:
    """The website vouches for a logged-in customer with an HS256 token."""

    # Shared with the website. Unset: nobody is ever logged in for the bot.
    secret: Optional[str]
    issuer: str = "123roulement-web"
    audience: str = "roulement-assistant"
    lifetime_seconds: int = 3600


@dataclass(frozen=True)
class WebSettings:
    """The demo shop page with the chat widget, and the agents' answer assistant."""

    host: str
    port: int
    # Signs the browser's session cookies (conversation, demo log-in, agent log-in).
    session_secret: Optional[str]
    # The named agents: `name:argon2-hash` entries (AGENT_ACCOUNTS, then the lines of
    # AGENT_ACCOUNTS_FILE); `python -m bot.ops.agents add NAME` prints one.
    agent_accounts: str
    # `make run`'s demo agent, made an account when none is configured (bot/ops/stack.py);
    # the web server itself only reads `agent_accounts`.
    agent_username: str
    agent_password: Optional[str]
    # Bearer token for help-desk tools calling the assistant's JSON endpoint.
    agent_api_token: Optional[str]
    # Whether cookies need HTTPS (set it behind TLS).
    secure_cookies: bool
    # The demo log-in (pick a seeded customer, no password): `make run` only, never in
    # production (issue 12).
    demo_mode: bool = False
    # Bearer token of Prometheus's scrapes of /metrics; None: no /metrics.
    metrics_token: Optional[str] = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"


@dataclass(frozen=True)
class ClusterSettings:
    """`make cluster`: Rasa replicas and action servers behind nginx, shared stores."""

    # Rasa's conversation history (SQL tracker store), shared by the replicas.
    tracker_store_url: str
    # Seconds a replica retries a failed tracker-store read or write (rasa_ext/tracker_store.py).
    tracker_store_retry_seconds: float
    # Serialises the messages of one conversation across replicas (Redis lock store).
    lock_store_url: str
    lock_key_prefix: str
    # Seconds a replica may hold a conversation's lock (a dead replica's lock expires).
    lock_lifetime: int
    # The account backend's database in the cluster (PostgreSQL).
    database_url: str
    # One port per Rasa replica and per action server, on the loopback; nginx
    # listens on the usual RASA_PORT and ACTION_SERVER_PORT in front of them.
    rasa_ports: Tuple[int, ...]
    action_ports: Tuple[int, ...]
    # nginx's second listener in front of the replicas, for the web server and operators:
    # Rasa's whole HTTP API. RASA_PORT, the public one, forwards only the REST webhook.
    rasa_api_port: int = 5006


@dataclass(frozen=True)
class Settings:
    phone: PhoneLine
    backend: BackendSettings
    tokens: TokenSettings
    web: WebSettings
    # Test hook: a fixed ISO-8601 instant the hand-over treats as "now"; or a file holding
    # one, read at each hand-over, so that a test run can move the clock of a running stack.
    fixed_now: Optional[datetime]
    fixed_now_file: Optional[Path]
    rasa_port: int
    action_port: int
    host: str
    model_path: Path
    # Required by Rasa's HTTP API as soon as it listens beyond the loopback.
    rasa_auth_token: Optional[str]
    # The Rasa server presents it to the action server, which answers nobody else.
    action_server_token: Optional[str]
    cluster: ClusterSettings
    # The single-machine layout's conversations (Rasa's SQL tracker store on SQLite), kept
    # across restarts for the GDPR erasure, `make missed` and the operators' review.
    tracker_db: Path = PROJECT_ROOT / "var" / "tracker.db"
    # Sanic workers of the single-machine Rasa server (its processes share the tracker
    # store and the lock store below, both SQLite files): two by default (one per core
    # of a 2-core machine), each holding a copy of the model.
    rasa_workers: int = 1

    @property
    def lock_db(self) -> Path:
        """The single-machine layout's conversation locks (bot/rasa_ext/lock_store.py),
        beside its conversations."""
        return self.tracker_db.with_name("locks.db")

    @property
    def tracker_store_url(self) -> str:
        """Where this layout's conversations are: the backend's setting when given (the
        cluster's PostgreSQL), the SQLite file otherwise."""
        return self.backend.tracker_store_url or f"sqlite:///{self.tracker_db}"

    @property
    def rasa_url(self) -> str:
        """The Rasa server's HTTP address (the REST channel and the HTTP API)."""
        return f"http://{self.host}:{self.rasa_port}"


def _parse_time(value: str) -> time:
    """Accepts "8", "8:00", "08:30" or "8h30"."""
    hours, _, minutes = value.strip().lower().replace("h", ":").partition(":")
    return time(int(hours), int(minutes or 0))


def _parse_instant(value: str) -> datetime:
    instant = datetime.fromisoformat(value)
    if instant.tzinfo is None:
        raise ValueError(f"BOT_FIXED_NOW needs a UTC offset, got {value!r}")
    return instant


def _positive_int(value: Optional[str], default: int) -> int:
    number = int(value) if value and value.strip() else default
    if number < 1:
        raise ValueError(f"expected a whole number of at least 1, got {value!r}")
    return number


def _flag(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _ports(value: str) -> Tuple[int, ...]:
    ports = tuple(int(port) for port in value.split(",") if port.strip())
    if not ports:
        raise ValueError("a cluster needs at least one port per kind of server")
    return ports


def load_backend_settings(env: Mapping[str, str]) -> BackendSettings:
    default_db = f"sqlite:///{PROJECT_ROOT / 'var' / 'backend.db'}"
    return BackendSettings(
        database_url=env.get("DATABASE_URL") or default_db,
        host=env.get("BACKEND_HOST", "127.0.0.1"),
        port=int(env.get("BACKEND_PORT", "8001")),
        api_token=env.get("BACKEND_API_TOKEN") or None,
        timeout=float(env.get("BACKEND_TIMEOUT_SECONDS", "3")),
        seed_demo_data=_flag(env.get("SEED_DEMO_DATA", "true")),
        shop_url=env.get("SHOP_URL", "https://www.123roulement.com").rstrip("/"),
        email_rate_limit_per_hour=int(env.get("EMAIL_RATE_LIMIT_PER_HOUR", "3")),
        smtp_host=env.get("SMTP_HOST") or None,
        smtp_port=int(env.get("SMTP_PORT", "587")),
        smtp_user=env.get("SMTP_USER") or None,
        smtp_password=env.get("SMTP_PASSWORD") or None,
        mail_from=env.get("MAIL_FROM", "service-client@123roulement.com"),
        tracker_store_url=env.get("BACKEND_TRACKER_STORE_URL") or None,
        public_web_url=(
            env.get("WEB_PUBLIC_URL")
            or f"http://{env.get('WEB_HOST', '127.0.0.1')}:{env.get('WEB_PORT', '8000')}"
        ).rstrip("/"),
        deletion_limit_per_day=int(env.get("DELETION_LIMIT_PER_DAY", "3")),
        email_rate_limit_per_conversation=int(env.get("EMAIL_RATE_LIMIT_PER_CONVERSATION", "2")),
    )


def _agent_accounts(env: Mapping[str, str]) -> str:
    entries = env.get("AGENT_ACCOUNTS", "")
    path = env.get("AGENT_ACCOUNTS_FILE", "").strip()
    if path:
        refuse_placeholder("AGENT_ACCOUNTS_FILE", path)
        entries += "\n" + Path(path).read_text(encoding="utf-8")
    return entries.strip()


def load_cluster_settings(env: Mapping[str, str]) -> ClusterSettings:
    return ClusterSettings(
        tracker_store_url=env.get(
            "TRACKER_STORE_URL", "postgresql://postgres@127.0.0.1:5432/roulement_tracker"
        ),
        tracker_store_retry_seconds=float(env.get("TRACKER_STORE_RETRY_SECONDS", "10")),
        lock_store_url=env.get("LOCK_STORE_URL", "redis://127.0.0.1:6379/0"),
        lock_key_prefix=env.get("LOCK_STORE_KEY_PREFIX", "roulement"),
        lock_lifetime=int(env.get("TICKET_LOCK_LIFETIME", "15")),
        database_url=env.get(
            "CLUSTER_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/roulement"
        ),
        rasa_ports=_ports(env.get("CLUSTER_RASA_PORTS", "5010,5011")),
        action_ports=_ports(env.get("CLUSTER_ACTION_PORTS", "5060,5061")),
        rasa_api_port=int(env.get("CLUSTER_RASA_API_PORT", "5006")),
    )


def load_settings(env: Optional[Mapping[str, str]] = None) -> Settings:
    env = os.environ if env is None else env
    fixed_now = env.get("BOT_FIXED_NOW", "").strip()
    return Settings(
        backend=load_backend_settings(env),
        web=WebSettings(
            host=env.get("WEB_HOST", "127.0.0.1"),
            port=int(env.get("WEB_PORT", "8000")),
            session_secret=env.get("WEB_SESSION_SECRET") or None,
            agent_accounts=_agent_accounts(env),
            agent_username=env.get("AGENT_USERNAME", "agent"),
            agent_password=env.get("AGENT_PASSWORD") or None,
            agent_api_token=env.get("AGENT_API_TOKEN") or None,
            secure_cookies=_flag(env.get("WEB_SECURE_COOKIES", "false")),
            demo_mode=_flag(env.get("DEMO_MODE", "false")),
            metrics_token=env.get("METRICS_TOKEN") or None,
        ),
        tokens=TokenSettings(
            secret=env.get("CUSTOMER_TOKEN_SECRET") or None,
            lifetime_seconds=int(env.get("CUSTOMER_TOKEN_LIFETIME_SECONDS", "3600")),
        ),
        phone=PhoneLine(
            number=env.get("SUPPORT_PHONE_NUMBER", PhoneLine.number),
            opens=_parse_time(env.get("SUPPORT_PHONE_OPENS", "8:00")),
            closes=_parse_time(env.get("SUPPORT_PHONE_CLOSES", "19:00")),
            timezone=env.get("SUPPORT_TIMEZONE", PhoneLine.timezone),
            contact_form_url=env.get("CONTACT_FORM_URL")
            or env.get("SHOP_URL", "https://www.123roulement.com").rstrip("/") + "/contact",
        ),
        fixed_now=_parse_instant(fixed_now) if fixed_now else None,
        fixed_now_file=Path(env["BOT_FIXED_NOW_FILE"]) if env.get("BOT_FIXED_NOW_FILE") else None,
        rasa_port=int(env.get("RASA_PORT", "5005")),
        action_port=int(env.get("ACTION_SERVER_PORT", "5055")),
        host=env.get("BOT_HOST", "127.0.0.1"),
        model_path=Path(env.get("RASA_MODEL", str(PROJECT_ROOT / "models" / "current.tar.gz"))),
        rasa_auth_token=env.get("RASA_AUTH_TOKEN") or None,
        action_server_token=env.get("ACTION_SERVER_TOKEN") or None,
        cluster=load_cluster_settings(env),
        tracker_db=Path(env.get("TRACKER_SQLITE_PATH") or PROJECT_ROOT / "var" / "tracker.db"),
        rasa_workers=_positive_int(env.get("RASA_WORKERS"), default=min(2, os.cpu_count() or 1)),
    )


# Values copied from examples (deploy/env/*.env ships `change-me`): a process given one of
# them refuses to start rather than run with a secret everybody knows.
PLACEHOLDER_SECRETS = frozenset({"change-me", "changeme", "secret", "password", "token", "xxx"})


def refuse_placeholder(name: str, value: Optional[str]) -> None:
    """Raises ValueError when the secret `name` is set to a well-known placeholder."""
    if value is not None and value.strip().lower() in PLACEHOLDER_SECRETS:
        raise ValueError(f"{name} is a placeholder ({value!r}): set a real secret")
