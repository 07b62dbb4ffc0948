"""The whole store as bytes (to look for what must not be there), and backups of its two databases:
the events (with the read models) and the key store. SQLite: the files with their -wal and -shm;
PostgreSQL: pg_dump of the schema (the test stores are a schema each)."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from pathlib import Path
from urllib.parse import urlparse

from service.settings import Settings


def _sqlite_path(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///"))


def _pg(url: str) -> tuple[str, str]:
    """The server URL (without ?schema=) and the schema."""
    parsed = urlparse(url)
    return parsed._replace(query="").geturl(), Settings(database_url=url).postgres_schema or "public"


def database_bytes(url: str) -> bytes:
    """A database as bytes: a SQLite file with its -wal and -shm files, or a pg_dump of the schema."""
    if url.startswith("sqlite:///"):
        path = _sqlite_path(url)
        return b"".join(Path(f"{path}{suffix}").read_bytes() for suffix in ("", "-wal", "-shm")
                        if Path(f"{path}{suffix}").exists())
    server, schema = _pg(url)
    return subprocess.run(["pg_dump", "--no-owner", "--schema", schema, server], check=True,
                          capture_output=True).stdout


def store_bytes(settings: Settings) -> dict[str, bytes]:
    return {"events": database_bytes(settings.database_url), "keys": database_bytes(settings.key_store_url)}


def forms_of(text: str) -> list[bytes]:
    """How a value may be written down in a store: UTF-8, JSON-escaped, and (for binary) PostgreSQL hex."""
    escaped = json.dumps(text, ensure_ascii=True)[1:-1]
    return list(dict.fromkeys([text.encode(), escaped.encode(), escaped.lower().encode()]))


def key_forms(key: bytes) -> list[bytes]:
    return [key, key.hex().encode()]


def found_in(store: dict[str, bytes], forms: list[bytes]) -> list[str]:
    return [name for name, data in store.items() for form in forms if form in data]


def backup(url: str, folder: Path, name: str) -> Path:
    """A consistent backup of one database: SQLite's online backup, or pg_dump -Fc of the schema."""
    folder.mkdir(parents=True, exist_ok=True)
    if url.startswith("sqlite:///"):
        target = folder / f"{name}.db"
        with sqlite3.connect(_sqlite_path(url)) as source, sqlite3.connect(target) as copy:
            source.backup(copy)
        return target
    server, schema = _pg(url)
    target = folder / f"{name}.dump"
    subprocess.run(["pg_dump", "-Fc", "--no-owner", "--schema", schema, "-f", str(target), server], check=True)
    return target


def restore(url: str, copy: Path) -> None:
    """Puts a backup back in place of the database (the services using it closed)."""
    if url.startswith("sqlite:///"):
        path = _sqlite_path(url)
        for suffix in ("-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(copy, path)
        return
    server, schema = _pg(url)
    subprocess.run(["psql", "-q", "-c", f'DROP SCHEMA IF EXISTS "{schema}" CASCADE', server], check=True,
                   capture_output=True)
    subprocess.run(["pg_restore", "--no-owner", "-d", server, str(copy)], check=True)


def empty(url: str) -> None:
    """An empty database in place of this one (a store restored without its key store)."""
    if url.startswith("sqlite:///"):
        path = _sqlite_path(url)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    server, schema = _pg(url)
    subprocess.run(["psql", "-q", "-c", f'DROP SCHEMA IF EXISTS "{schema}" CASCADE; CREATE SCHEMA "{schema}"', server],
                   check=True, capture_output=True)


def relation_files(url: str) -> dict[str, bytes]:
    """PostgreSQL: the files on disk of every table, index and TOAST table of the URL's schema, read by
    the server after a CHECKPOINT (so dead rows and old index entries are there as the disk holds them,
    which a pg_dump never shows). Needs a superuser (``pg_read_binary_file``); {} on SQLite."""
    if url.startswith("sqlite:///"):
        return {}
    import psycopg

    server, schema = _pg(url)
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute("CHECKPOINT")
        rows = connection.execute(
            "SELECT c.relname, pg_read_binary_file(pg_relation_filepath(r.oid)) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "JOIN pg_class r ON r.oid IN (c.oid, c.reltoastrelid) "
            "WHERE n.nspname = %s AND c.relkind IN ('r', 'i', 'm') AND pg_relation_filepath(r.oid) IS NOT NULL",
            (schema,)).fetchall()
    files: dict[str, bytes] = {}
    for name, data in rows:
        files[name] = files.get(name, b"") + bytes(data)
    return files
