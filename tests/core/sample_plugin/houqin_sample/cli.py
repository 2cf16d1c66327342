import click
from flask.cli import with_appcontext


@click.command("sample-count")
@with_appcontext
def sample_count_command():
    """How many sample notes there are."""
    from sqlalchemy import func, select

    from app.extensions import db

    from .models import SampleNote

    click.echo(f"{db.session.execute(select(func.count(SampleNote.id))).scalar()} sample notes")
