from flask_appbuilder import Model
from sqlalchemy import Column, Integer, String

from app.models import Audited


class SampleNote(Audited, Model):
    __tablename__ = "sample_note"
    id = Column(Integer, primary_key=True)
    text = Column(String(200), nullable=False)
