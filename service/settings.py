"""One setting chooses the store: a database URL.

``sqlite:///path/to/file.db`` (the default, in the instance folder) or
``postgresql://user:password@host:port/dbname?schema=name``."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

DEFAULT_INSTANCE = Path("instance")


@dataclass(frozen=True)
class Settings:
    database_url: str
    secret_key: str = "dev-only-secret"

    @classmethod
    def from_env(cls, instance_path: Path | str | None = None) -> Settings:
        url = os.environ.get("PETITIONS_DATABASE_URL") or os.environ.get("DATABASE_URL")
        if not url:
            folder = Path(instance_path or DEFAULT_INSTANCE)
            folder.mkdir(parents=True, exist_ok=True)
            url = f"sqlite:///{(folder / 'petitions.db').resolve()}"
        return cls(database_url=url, secret_key=os.environ.get("PETITIONS_SECRET_KEY", cls.secret_key))

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
                "PROCESS_RECORDER_TOPIC": "service.recorders:PostgresProcessRecorder",
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
