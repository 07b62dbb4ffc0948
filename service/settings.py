"""The service's settings, read from the environment (README "Configuration").

Two choose the stores: the events database and the key store's database,
``sqlite:///path/to/file.db`` (the default, in the instance folder) or
``postgresql://user:password@host:port/dbname?schema=name``. The key store (the
keys that open personal data, and the blind-index secret) lives apart from the
events, so a backup of the events alone cannot be opened: by default
``keys.db`` beside a SQLite events file, or a database named ``<dbname>_keys``
on the same PostgreSQL server (give it a server of its own in production).

There is no built-in secret key: ``petitions serve`` keeps a random one in the instance folder
(:func:`instance_secret`), ``petitions run`` refuses to start without PETITIONS_SECRET_KEY."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

DEFAULT_INSTANCE = Path("instance")
SECRET_FILE = "secret_key"
MIN_SECRET_LENGTH = 32


class SettingError(ValueError):
    """A setting is missing or unusable; the message names the variable to set."""


@dataclass(frozen=True)
class Settings:
    database_url: str
    secret_key: str | None = None  # signs session cookies and CSRF tokens; never a built-in value
    keys_database_url: str = ""
    signing_key_file: str | None = None  # the transparency log's Ed25519 key; see signing_key_path
    public_base_url: str | None = None  # receipts' and QR codes' addresses: https://petitions.example.org
    trusted_proxies: int = 0  # reverse proxies in front (X-Forwarded-For/-Proto/-Host trusted from that many)
    secure_cookies: bool | None = None  # None: Secure when the public base URL is https
    session_idle_minutes: int = 30  # a staff session ends after this long without a request
    token_days: int = 90  # a bearer token's lifetime
    metrics_token: str | None = None  # /metrics needs 'Authorization: Bearer <this>'; without it /metrics is off

    @classmethod
    def from_env(cls, instance_path: Path | str | None = None, database_url: str | None = None) -> Settings:
        url = database_url or os.environ.get("PETITIONS_DATABASE_URL") or os.environ.get("DATABASE_URL")
        if not url:
            folder = Path(instance_path or DEFAULT_INSTANCE)
            folder.mkdir(parents=True, exist_ok=True)
            url = f"sqlite:///{(folder / 'petitions.db').resolve()}"
        env = os.environ.get
        key_file = env("PETITIONS_SIGNING_KEY_FILE") or str((Path(instance_path or DEFAULT_INSTANCE) / "signing-key.pem").resolve())
        secure = (env("PETITIONS_SECURE_COOKIES") or "").strip().lower()
        return cls(
            database_url=url, secret_key=env("PETITIONS_SECRET_KEY") or None,
            public_base_url=(env("PETITIONS_PUBLIC_BASE_URL") or "").rstrip("/") or None,
            trusted_proxies=_number("PETITIONS_TRUSTED_PROXIES", 0, 0),
            secure_cookies=None if not secure else secure in ("1", "true", "yes", "y", "on"),
            session_idle_minutes=_number("PETITIONS_SESSION_IDLE_MINUTES", cls.session_idle_minutes, 1),
            token_days=_number("PETITIONS_TOKEN_DAYS", cls.token_days, 1),
            metrics_token=env("PETITIONS_METRICS_TOKEN") or None,
            keys_database_url=env("PETITIONS_KEYS_DATABASE_URL", ""), signing_key_file=key_file,
        )

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]

    def require_secret(self) -> str:
        """The secret key, or a SettingError that says which variable to set."""
        if not self.secret_key:
            raise SettingError(
                "no secret key is configured: set PETITIONS_SECRET_KEY to a long random value, e.g. "
                "`python3 -c 'import secrets; print(secrets.token_urlsafe(48))'`")
        if len(self.secret_key) < MIN_SECRET_LENGTH:
            raise SettingError(f"PETITIONS_SECRET_KEY is too short: use at least {MIN_SECRET_LENGTH} random characters")
        return self.secret_key

    @property
    def cookies_secure(self) -> bool:
        if self.secure_cookies is not None:
            return self.secure_cookies
        return bool(self.public_base_url and self.public_base_url.startswith("https://"))

    def signing_key_path(self) -> Path:
        """Where the transparency log's signing key is kept: the setting, else beside a SQLite
        database file, else in the instance folder. Never inside the database."""
        if self.signing_key_file:
            return Path(self.signing_key_file)
        if os.environ.get("PETITIONS_SIGNING_KEY_FILE"):
            return Path(os.environ["PETITIONS_SIGNING_KEY_FILE"])
        if self.database_url.startswith("sqlite:///"):
            return Path(self.database_url.removeprefix("sqlite:///")).parent / "signing-key.pem"
        return DEFAULT_INSTANCE / "signing-key.pem"

    @property
    def key_store_url(self) -> str:
        """The key store's database: the setting, else ``keys.db`` beside a SQLite events file,
        else the database ``<dbname>_keys`` on the events' PostgreSQL server (same ``?schema=``)."""
        if self.keys_database_url:
            return self.keys_database_url
        if self.is_postgres:
            url = urlparse(self.database_url)
            return url._replace(path=f"/{url.path.lstrip('/') or 'postgres'}_keys").geturl()
        if not self.database_url.startswith("sqlite:///"):
            raise ValueError(f"unsupported database URL scheme: {self.database_url.split(':', 1)[0]}")
        return f"sqlite:///{Path(self.database_url.removeprefix('sqlite:///')).parent / 'keys.db'}"

    def key_store(self) -> Settings:
        """The key store's database as settings of its own (for its engine)."""
        return replace(self, database_url=self.key_store_url, keys_database_url=self.key_store_url)

    @property
    def is_postgres(self) -> bool:
        return self.database_url.startswith(("postgresql:", "postgres:", "postgresql+psycopg:"))

    @property
    def postgres_schema(self) -> str | None:
        values = parse_qs(urlparse(self.database_url).query).get("schema")
        return values[0] if values else None

    def event_store_env(self) -> dict[str, str]:
        """The eventsourcing library's settings for this URL."""
        if self.is_postgres:
            url = urlparse(self.database_url)
            env = {
                "PERSISTENCE_MODULE": "eventsourcing.postgres",
                "POSTGRES_DBNAME": url.path.lstrip("/") or "postgres",
                "POSTGRES_HOST": url.hostname or "127.0.0.1",
                "POSTGRES_PORT": str(url.port or 5432),
                "POSTGRES_USER": unquote(url.username or "postgres"),
                "POSTGRES_PASSWORD": unquote(url.password or ""),
                "POSTGRES_POOL_SIZE": "5",
                "POSTGRES_MAX_OVERFLOW": "10",
                "POSTGRES_ENABLE_DB_FUNCTIONS": "y",
                # the library's recorder drops a tracking record given with events when db functions are on
                "PROCESS_RECORDER_TOPIC": "service.store.recorders:PostgresProcessRecorder",
            }
            if self.postgres_schema:
                env["POSTGRES_SCHEMA"] = self.postgres_schema
            return env
        if not self.database_url.startswith("sqlite:///"):
            raise ValueError(f"unsupported database URL scheme: {self.database_url.split(':', 1)[0]}")
        return {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": self.database_url.removeprefix("sqlite:///"),
            "SQLITE_LOCK_TIMEOUT": "10",
        }

    def sqlalchemy_url(self) -> str:
        """The same database, for SQLAlchemy (read models)."""
        if self.is_postgres:
            url = urlparse(self.database_url)
            return url._replace(scheme="postgresql+psycopg", query="").geturl()
        return self.database_url


def instance_secret(folder: Path | str) -> str:
    """The secret kept in ``folder`` (made, random, on first use; readable by its owner only)."""
    path = Path(folder) / SECRET_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(descriptor, "w", encoding="ascii") as file:
        file.write(secrets.token_urlsafe(48) + "\n")
    return path.read_text(encoding="ascii").strip()


def _number(name: str, default: int, least: int) -> int:
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    try:
        number = int(value)
    except ValueError:
        raise SettingError(f"{name} must be a whole number, not {value!r}") from None
    if number < least:
        raise SettingError(f"{name} must be at least {least}")
    return number
