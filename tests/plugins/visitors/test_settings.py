"""The gate's per-campus closing time on the settings screen: validated, saved per campus,
inherited from the global value, and emptied to inherit again."""
from sqlalchemy import select

from app.models import AuditLog


def test_the_closing_time_is_set_per_campus_and_inherited(app, client_as, campuses, ctx):
    c = client_as("director_a")
    bad = c.post("/settings/", data={"closing_time": "18:00", f"closing_time@{campuses['TA']}": "25:99"})
    assert bad.status_code == 400 and "请按“时:分”格式输入" in bad.get_data(as_text=True)
    ok = c.post("/settings/", data={"closing_time": "18:00", f"closing_time@{campuses['TA']}": "17:30"})
    assert ok.status_code == 302
    with app.app_context():
        settings = app.extensions["houqin_settings"]
        settings.invalidate()
        assert settings.get("closing_time", campuses["TA"]) == "17:30"
        assert settings.get("closing_time", campuses["TB"]) == "18:00"  # inherits the global value
    c.post("/settings/", data={f"closing_time@{campuses['TA']}": ""})  # emptied: inherit again
    with app.app_context():
        settings.invalidate()
        assert settings.get("closing_time", campuses["TA"]) == "18:00"
    # One save, one entry (the settings job's), with what changed.
    entry = ctx.session.execute(select(AuditLog).where(AuditLog.table_name == "settings", AuditLog.action == "job")
                                .order_by(AuditLog.id.desc())).scalars().first()
    assert entry.actor == "director_a"
