"""Command-line tools that know no domain: create-user, seed-demo (each domain adds its part), backup."""
import os

import click
from flask import Flask
from sqlalchemy import select

from app.core.backup import BackupError, restore_backup, write_backup
from app.core.demo import seed_demo_command
from app.core.models import Role, User
from app.core.users import create_user
from app.extensions import db


def register(app: Flask) -> None:
    app.cli.add_command(create_user_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)


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
    """Write the database and the attachment files to PATH (a .tar.gz), consistently while the app runs."""
    try:
        manifest = write_backup(path)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"backup written to {path} ({manifest['database']}, {manifest['attachments']} attachments)")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask: the current database and attachments are replaced.")
def restore_command(path, yes):
    """Replace the database and the attachment files with a backup's. Stop the app first."""
    if not yes:
        click.confirm("This replaces the current database and attachments. Continue?", abort=True)
    try:
        manifest = restore_backup(path)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"restored {path} (taken {manifest['created_at']}, {manifest['attachments']} attachments)")
