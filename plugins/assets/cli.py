"""`flask houqin depreciate --month YYYY-MM`: the month-end run from the command line (the same
run as the core monthly job and the keeper's button; missed months first, closed months refused)."""
from __future__ import annotations

import click
from flask.cli import with_appcontext


@click.command("depreciate")
@click.option("--month", required=True, help="The month to run, YYYY-MM (missed earlier months run first).")
@with_appcontext
def depreciate_command(month):
    """Store each asset's depreciation row for the month."""
    from app.audit import acting_as
    from app.extensions import db
    from app.rules import RuleError

    from .depreciation import run_month

    with acting_as(None, "depreciate", "cli"):
        try:
            runs = run_month(db.session, month, trigger="cli")
            db.session.commit()
        except RuleError as err:
            db.session.rollback()
            raise click.ClickException(err.format()) from None
    if not runs:
        click.echo(f"{month} was already run: nothing changed.")
    for r in runs:
        click.echo(f"{r.month:%Y-%m}: {r.cards} cards, {r.total} yuan.")
