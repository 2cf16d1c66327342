from flask_appbuilder import Model
from sqlalchemy import Boolean, Column, Integer, String

from app.models import Audited


class SampleNote(Audited, Model):
    """`score` is like an unfinalised appraisal score: the audit log must not show it until `final`."""

    __tablename__ = "sample_note"
    __audit_hidden__ = frozenset({"score"})
    id = Column(Integer, primary_key=True)
    text = Column(String(200), nullable=False)
    score = Column(Integer)
    final = Column(Boolean, nullable=False, default=False)
    round_no = Column(Integer)

    def audit_reveal(self, field):
        return bool(self.final)
