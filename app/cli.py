"""`flask houqin ...`: init, demo, create-admin, sync-roles, backup, restore.

Everything that must happen once (migrations, secret key, permission sync,
first admin) happens in `init`, before gunicorn starts its workers."""
from __future__ import annotations

import os
import secrets
import shutil
import sqlite3
import string
import tarfile
import tempfile
from datetime import datetime

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from .audit import acting_as, audit_job
from .extensions import db


@click.group("houqin", help="Houqin administration commands.")
def houqin_cli():
    pass


def _appbuilder():
    return current_app.appbuilder


def sync_permissions_and_roles() -> dict[str, int]:
    """Create every enabled view's permissions, drop those of views that no longer
    exist (a disabled plugin contributes no permission; its tables stay), then
    make the catalogue roles hold exactly their permissions."""
    ab = _appbuilder()
    # FAB grants each new permission to Admin as it creates it and gives up on the
    # view if Admin does not exist yet: create the catalogue roles first.
    from .security import catalogue
    from .security_rules import catalogue_sync

    with catalogue_sync():
        for name in catalogue():
            if not ab.sm.find_role(name):
                ab.sm.add_role(name)
        ab.add_permissions(update_perms=True)
        ab.sm.security_cleanup(ab.baseviews, ab.menu)
        return ab.sm.sync_roles()


def random_password() -> str:
    """Meets FAB's complexity rule: 2 upper, 3 lower, 2 digits, 1 special, length 10+."""
    alphabet = string.ascii_letters + string.digits
    body = "".join(secrets.choice(alphabet) for _ in range(10))
    return "Hq" + body + secrets.choice("!@#$%^&*") + str(secrets.randbelow(10)) + str(secrets.randbelow(10)) + "x"


def create_admin(username: str, password: str | None, email: str) -> tuple[object, str | None]:
    sm = _appbuilder().sm
    shown = None
    if not password:
        password = shown = random_password()
    role = sm.find_role("Admin")
    user = sm.add_user(username, "Admin", "User", email, role, password=password)
    if not user:
        raise click.ClickException(f"Could not create user {username!r} (does it exist already?).")
    # A password nobody chose must be replaced at first login.
    user.must_change_password = shown is not None
    db.session.commit()
    return user, shown


def seed_positions() -> int:
    from .models import DEFAULT_POSITIONS, Position

    if db.session.execute(select(func.count(Position.id))).scalar():
        return 0
    with audit_job(db.session, "seed_positions"):
        for zh, en in DEFAULT_POSITIONS:
            db.session.add(Position(name_zh=zh, name_en=en, active=True))
    db.session.commit()
    return len(DEFAULT_POSITIONS)


@houqin_cli.command("init")
@click.option("--demo/--no-demo", default=None, help="Load demo data into an empty database (default: HOUQIN_DEMO, on).")
@with_appcontext
def init_command(demo):
    """Migrate, sync roles and permissions, create the first admin, load demo data."""
    from flask_migrate import upgrade

    from .models import Campus, HouqinUser

    with acting_as(None, "init", "cli"):
        upgrade(revision="heads")
        counts = sync_permissions_and_roles()
        click.echo("Roles synced: " + ", ".join(f"{k} ({v})" for k, v in counts.items()))
        seeded = seed_positions()
        if seeded:
            click.echo(f"Seeded {seeded} positions.")
        admins = db.session.execute(select(func.count(HouqinUser.id))).scalar()
        if not admins:
            password = os.environ.get("HOUQIN_ADMIN_PASSWORD")
            user, shown = create_admin(os.environ.get("HOUQIN_ADMIN_USER", "admin"), password,
                                       os.environ.get("HOUQIN_ADMIN_EMAIL", "admin@example.org"))
            if shown:
                click.echo("=" * 60)
                click.echo(f"First admin created: user '{user.username}', password: {shown}")
                click.echo("This password is shown once; you must change it at first login.")
                click.echo("=" * 60)
            else:
                click.echo(f"First admin created: user '{user.username}' (password from HOUQIN_ADMIN_PASSWORD).")
        if demo is None:
            demo = os.environ.get("HOUQIN_DEMO", "1").strip().lower() not in ("0", "false", "no", "off")
        if demo and not db.session.execute(select(func.count(Campus.id))).scalar():
            from .demo import load_demo

            password = load_demo()
            click.echo(f"Demo data loaded. Demo users (director, gate1, staff1 ...) have password: {password}")
            click.echo("Remove all demo records with: flask houqin demo --remove")


@houqin_cli.command("demo")
@click.option("--remove", is_flag=True, help="Delete every demo record and nothing else.")
@with_appcontext
def demo_command(remove):
    """Load demo data (or remove it)."""
    from .demo import load_demo, remove_demo

    with acting_as(None, "demo", "cli"):
        if remove:
            count = remove_demo()
            click.echo(f"Removed {count} demo records.")
        else:
            password = load_demo()
            click.echo(f"Demo data loaded. Demo users' password: {password}")


@houqin_cli.command("create-admin")
@click.option("--username", required=True)
@click.option("--email", required=True)
@click.option("--password", default=None, help="Omit to generate one (shown once, must be changed at first login).")
@with_appcontext
def create_admin_command(username, email, password):
    """Create another administrator."""
    with acting_as(None, "create-admin", "cli"):
        user, shown = create_admin(username, password, email)
    click.echo(f"Admin '{user.username}' created." + (f" Password: {shown} (change at first login)" if shown else ""))


@houqin_cli.command("sync-roles")
@with_appcontext
def sync_roles_command():
    """Re-sync the catalogue roles and permissions (cloned roles are never touched)."""
    with acting_as(None, "sync-roles", "cli"):
        counts = sync_permissions_and_roles()
    click.echo("Roles synced: " + ", ".join(f"{k} ({v})" for k, v in counts.items()))


def _sqlite_path() -> str | None:
    uri = current_app.config["SQLALCHEMY_DATABASE_URI"]
    return uri[len("sqlite:///"):] if uri.startswith("sqlite:///") else None


def _instance_members(instance: str, skip: set[str]):
    for root, _dirs, files in os.walk(instance):
        for name in files:
            full = os.path.join(root, name)
            if os.path.abspath(full) in skip or name.endswith(("-wal", "-shm")):
                continue
            yield full, os.path.join("instance", os.path.relpath(full, instance))


@houqin_cli.command("backup")
@click.argument("archive", required=False)
@with_appcontext
def backup_command(archive):
    """Write one .tar.gz: the SQLite database (online backup) and instance/ (secret key, uploads).
    For PostgreSQL the archive holds instance/; dump the database with pg_dump (docs/operations.md)."""
    instance = current_app.instance_path
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    archive = archive or os.path.join(instance, "backups", f"houqin-{stamp}.tar.gz")
    os.makedirs(os.path.dirname(os.path.abspath(archive)), exist_ok=True)
    db_path = _sqlite_path()
    skip = {os.path.abspath(archive)}
    if db_path:
        skip.add(os.path.abspath(db_path))
    skip |= {os.path.abspath(os.path.join(instance, "backups", f)) for f in
             os.listdir(os.path.join(instance, "backups"))} if os.path.isdir(os.path.join(instance, "backups")) else set()
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(archive, "w:gz") as tar:
        if db_path:
            copy = os.path.join(tmp, "houqin.db")
            src = sqlite3.connect(db_path)
            dst = sqlite3.connect(copy)
            with dst:
                src.backup(dst)  # consistent while the app keeps writing
            src.close()
            dst.close()
            tar.add(copy, arcname="database/houqin.db")
        for full, arc in _instance_members(instance, skip):
            tar.add(full, arcname=arc)
    click.echo(f"Backup written: {archive}")
    if not db_path:
        click.echo("PostgreSQL: also run pg_dump (see docs/operations.md); this archive holds instance/ only.")


@houqin_cli.command("restore")
@click.argument("archive")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(archive, yes):
    """Restore a backup archive: the SQLite database and instance/ files. Stop the server first."""
    if not yes:
        click.confirm("This replaces the current database and instance files. Continue?", abort=True)
    instance = current_app.instance_path
    db_path = _sqlite_path()
    with tempfile.TemporaryDirectory() as tmp:
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(tmp, filter="data")
        db.session.remove()
        db.engine.dispose()
        restored_db = os.path.join(tmp, "database", "houqin.db")
        if os.path.exists(restored_db):
            if not db_path:
                raise click.ClickException("The archive holds a SQLite database but this install uses PostgreSQL.")
            for suffix in ("-wal", "-shm"):
                if os.path.exists(db_path + suffix):
                    os.remove(db_path + suffix)
            shutil.copyfile(restored_db, db_path)
        inst = os.path.join(tmp, "instance")
        if os.path.isdir(inst):
            for root, _dirs, files in os.walk(inst):
                for name in files:
                    src = os.path.join(root, name)
                    dst = os.path.join(instance, os.path.relpath(src, inst))
                    os.makedirs(os.path.dirname(dst), exist_ok=True)
                    shutil.copy2(src, dst)
    click.echo("Restored. Restart the server.")


@houqin_cli.command("run-due")
@click.option("--job", "only", default=None, help="Run only this job (its name, e.g. visitors.purge).")
@click.option("--list", "listing", is_flag=True, help="Show the declared jobs and what is due; run nothing.")
@with_appcontext
def run_due_command(only, listing):
    """Run the scheduled jobs that are due (call every few minutes from cron or a systemd timer, on
    any number of hosts: each job runs once per period). See docs/operations.md."""
    from flask_babel import force_locale

    from .jobs import overview, run_due

    if listing:
        with force_locale("en"):  # an operator's log, in English like the other commands
            items = [(item, item.job.schedule.describe()) for item in overview(db.session)]
        for item, schedule in items:
            last = item.last
            click.echo(f"{item.job.name}: {schedule}; last "
                       f"{f'{last.status} {last.period}' if last else 'never'}; due "
                       f"{', '.join(p.key for p in item.pending) or 'nothing'}{' (stopped: failing)' if item.stuck else ''}")
        return
    reports = run_due(only=only)
    for report in reports:
        click.echo(report.line())
    if not reports:
        click.echo("Nothing due.")
    if any(r.status == "failed" for r in reports):
        raise SystemExit(1)
