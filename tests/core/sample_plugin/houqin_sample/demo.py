from decimal import Decimal

from sqlalchemy import select

from app.demo import mark_demo
from app.models import Campus, HouqinUser
from app.workflow import transition

from .models import SampleNote, SampleRequest, SampleRequestLine
from .services import number_request


def load(session):
    note = SampleNote(text="示例便签（演示）", final=False)
    session.add(note)
    mark_demo(session, note)
    campus = session.execute(select(Campus).order_by(Campus.id).limit(1)).scalar_one_or_none()
    user = session.execute(select(HouqinUser).order_by(HouqinUser.id).limit(1)).scalar_one_or_none()
    if campus is None or user is None:
        return
    # An approved (locked) request: `demo --remove` deletes it all the same (core's one exception).
    req = SampleRequest(title="演示：教室空调清洗", amount=Decimal("800.00"), campus_id=campus.id,
                        lines=[SampleRequestLine(item="空调清洗", quantity=4)])
    number_request(session, req, user)
    session.add(req)
    mark_demo(session, req, *req.lines)
    for name in ("submit", "approve"):
        transition(session, SampleRequest, req.id, name, user=None)
