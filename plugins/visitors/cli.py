"""`flask houqin purge-visitors`: the retention rule (PIPL art. 19, DOMAIN.md).

Listed in Plugin.commands; core adds plugin commands under `flask houqin`."""
from __future__ import annotations

import click
from flask.cli import with_appcontext


@click.command("purge-visitors")
@click.option("--days", type=int, default=None,
              help="Override the setting visitor_retention_days (days after the last visit).")
@click.option("--dry-run", is_flag=True, help="Only report how many visitors would be anonymised.")
@with_appcontext
def purge_visitors_command(days, dry_run):
    """Anonymise name, ID number and phone of visitors whose last visit is older than the retention period."""
    from flask import current_app

    from app.audit import acting_as
    from app.extensions import db

    from .retention import purge_candidates, purge_visitors

    days = days if days is not None else current_app.extensions["houqin_settings"].get("visitor_retention_days")
    if days < 1:
        raise click.BadParameter("must be at least 1", param_hint="--days")
    with acting_as(None, "purge-visitors", "cli"):
        if dry_run:
            click.echo(f"{purge_candidates(db.session, days)} visitors would be anonymised (retention {days} days).")
            return
        count = purge_visitors(db.session, days)
        db.session.commit()
    click.echo(f"Anonymised {count} visitors whose last visit was more than {days} days ago.")
