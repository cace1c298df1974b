"""One backup of everything a restore needs: the database and the attachment files, in one .tar.gz.

The database is copied first, consistently while the app keeps writing (SQLite's online backup API, or
pg_dump); then the attachment folder. A file is written before its row commits and never removed, so every
attachment row in the copy finds its file (a file uploaded during the backup may come along without its row)."""
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from app.core.storage import attachments_dir
from app.extensions import db

FORMAT = 1
DATABASE = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


class BackupError(RuntimeError):
    """Why a backup or restore could not be done, for the person running the command."""


def _backend() -> tuple[str, object]:
    url = make_url(str(db.engine.url))
    backend = url.get_backend_name()
    if backend not in DATABASE:
        raise BackupError(f"no backup method for {backend}")
    return backend, url


def _pg(tool: str, url, *args: str) -> None:
    if not shutil.which(tool):
        raise BackupError(f"{tool} not found: install postgresql-client (apt-get install postgresql-client)")
    dsn = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    done = subprocess.run([tool, *args, f"--dbname={dsn}"], env=dict(os.environ, PGPASSWORD=url.password or ""),
                          capture_output=True, text=True)
    if done.returncode:
        raise BackupError(done.stderr.strip() or f"{tool} failed")


def _dump_database(backend: str, url, target: Path) -> None:
    if backend == "sqlite":
        with sqlite3.connect(url.database) as source, sqlite3.connect(target) as copy:
            source.backup(copy)
    else:
        _pg("pg_dump", url, "--format=custom", f"--file={target}")


def write_backup(path: str) -> dict:
    """Write the archive to ``path``; returns its manifest."""
    backend, url = _backend()
    with tempfile.TemporaryDirectory() as work:
        copy = Path(work) / DATABASE[backend]
        _dump_database(backend, url, copy)
        folder = attachments_dir()
        files = sorted(folder.iterdir()) if folder.is_dir() else []
        manifest = {"format": FORMAT, "database": backend, "created_at": datetime.now(UTC).isoformat(),
                    "attachments": len(files)}
        with tarfile.open(path, "w:gz") as archive:
            data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
            archive.add(copy, arcname=DATABASE[backend])
            for file in files:
                archive.add(file, arcname=f"attachments/{file.name}")
    return manifest


def restore_backup(path: str) -> dict:
    """Replace the database and the attachment folder with the archive's. The app must be stopped."""
    backend, url = _backend()
    with tarfile.open(path, "r:gz") as archive, tempfile.TemporaryDirectory() as work:
        manifest = json.loads(archive.extractfile("manifest.json").read())
        if manifest.get("format") != FORMAT or manifest.get("database") != backend:
            raise BackupError(f"this backup holds a {manifest.get('database')} database; this install runs {backend}")
        archive.extractall(work, filter="data")
        db.session.remove()
        db.engine.dispose()
        copy = Path(work) / DATABASE[backend]
        if backend == "sqlite":
            with sqlite3.connect(copy) as source, sqlite3.connect(url.database) as target:
                source.backup(target)
        else:
            _pg("pg_restore", url, "--clean", "--if-exists", "--no-owner", "--single-transaction", str(copy))
        folder = attachments_dir()
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        for file in (Path(work) / "attachments").glob("*"):
            shutil.copy2(file, folder / file.name)
    return manifest
