"""The sample notes' import, declared for core's importer (docs/plugins.md shows the same)."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.imports import ImportColumn, Importer, lookups
from app.imports.parsers import integer

from .models import SampleNote


class SampleNoteImporter(Importer):
    name = "sample_note"
    title = _l("Sample notes")
    model = SampleNote  # its String(200) text column: a longer cell is an error, never cut
    key_column = "text"
    columns = [
        ImportColumn("text", "便签", "Note text", True, example="检查消毒柜"),
        ImportColumn("round_no", "轮次", "Round", parse=integer, example="1"),
        # a lookup: a name two people share is an error listing both; a staff number always works
        ImportColumn("person", "负责人", "Person in charge", parse=lookups.staff, example="T0001"),
    ]

    def key(self, values):
        return values["text"]  # the same note imported again is left alone

    def existing(self, keys, state):
        rows = db.session.execute(select(SampleNote.text).where(SampleNote.text.in_(list(keys))))
        return {text: True for text in rows.scalars()}

    def write(self, records, state):
        for rec in records:
            rec.pop("person")  # the sample note keeps no person; a real plugin stores the id
            db.session.add(SampleNote(final=False, **rec))
