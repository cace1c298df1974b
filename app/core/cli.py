"""Command-line tools that know no domain: create-user, seed-demo (each domain adds its part), backup."""
import os
import shutil
import sqlite3
import subprocess
import sys

import click
from flask import Flask
from sqlalchemy import select
from sqlalchemy.engine import make_url

from app.core.demo import seed_demo_command
from app.core.models import Role, User
from app.core.users import create_user
from app.extensions import db


def register(app: Flask) -> None:
    app.cli.add_command(create_user_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(backup_command)


@click.command("create-user")
@click.argument("username")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--display-name", default=None, help="Name shown in the UI (default: the username).")
@click.option("--password-env", default=None, help="Read the password from this environment variable.")
def create_user_command(username, role, display_name, password_env):
    """Create a user; the password is prompted unless --password-env names a variable holding it."""
    username = username.strip().lower()
    if db.session.scalar(select(User.id).where(User.username == username)):
        raise click.ClickException(f"user {username!r} exists already")
    if password_env:
        password = os.environ.get(password_env) or ""
        if not password:
            raise click.ClickException(f"environment variable {password_env} is empty or unset")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < 8:
        raise click.ClickException("the password needs at least 8 characters")
    create_user(username, display_name or username, Role(role), password)
    db.session.commit()
    click.echo(f"created {role} {username}")


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
def backup_command(path):
    """Write a consistent copy of the database to PATH (SQLite online backup, or pg_dump)."""
    url = make_url(str(db.engine.url))
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(url.database)
        target = sqlite3.connect(path)
        with target:
            source.backup(target)
        source.close()
        target.close()
    elif url.get_backend_name() == "postgresql":
        if not shutil.which("pg_dump"):
            raise click.ClickException("pg_dump not found: install postgresql-client (apt-get install "
                                       "postgresql-client) or back up with your database's own tools")
        env = dict(os.environ, PGPASSWORD=url.password or "")
        dsn = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
        done = subprocess.run(["pg_dump", "--format=custom", f"--file={path}", dsn], env=env,
                              capture_output=True, text=True)
        if done.returncode:
            click.echo(done.stderr, err=True)
            sys.exit(done.returncode)
    else:
        raise click.ClickException(f"no backup method for {url.get_backend_name()}")
    click.echo(f"backup written to {path}")
