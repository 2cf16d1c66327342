from app.demo import mark_demo

from .models import SampleNote


def load(session):
    note = SampleNote(text="示例便签（演示）", final=False)
    session.add(note)
    mark_demo(session, note)
