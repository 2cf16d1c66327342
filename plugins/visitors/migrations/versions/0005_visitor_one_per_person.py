"""visitors: one visitor record per person for the institution, one open visit per person and campus.

Until now each campus kept its own visitor record, and nothing but the desk's form stopped a
person on site from being signed in again. Before the two unique indexes go on, the data they
forbid is put right, each change audited (actor "migration"):

1. visitor records with the same keyed hash of the document number are merged into the one
   seen last (its name, phone and organisation are the latest); it keeps the latest last visit
   (retention counts from the last visit anywhere) and the campus of the first registration;
   the visits of the others move to it;
2. a person with more than one open visit at a campus keeps the newest (its badge is the one
   they hold); the older ones are closed as left at the time the newer one began.

Revision ID: 0005_visitor_one_per_person
Revises: 0004_visit_host_waiting
Create Date: 2026-12-01 12:15:00

"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


revision = '0005_visitor_one_per_person'
down_revision = '0004_visit_host_waiting'
branch_labels = None
depends_on = None

ON_SITE = "status = 'on_site'"
OPEN_VISIT = "status = 'on_site' AND visitor_id IS NOT NULL"  # as models.Visit: not for host queries
HASHED = "id_hash IS NOT NULL"

audit = sa.table("audit_log", sa.column("at", sa.DateTime), sa.column("actor", sa.String),
                 sa.column("action", sa.String), sa.column("table_name", sa.String),
                 sa.column("record_id", sa.String), sa.column("job", sa.String),
                 sa.column("changes", sa.JSON), sa.column("source", sa.String))


def _iso(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def _entry(action, table, record_id, changes):
    return dict(at=datetime.now(timezone.utc).replace(tzinfo=None), actor="migration", action=action,
                table_name=table, record_id=str(record_id), job=revision, changes=changes, source="cli")


def _merge_visitors(conn) -> list[dict]:
    entries = []
    groups = conn.execute(sa.text(
        f"SELECT id_hash FROM visitor WHERE {HASHED} GROUP BY id_hash HAVING COUNT(*) > 1")).scalars().all()
    for id_hash in groups:
        rows = conn.execute(sa.text(
            "SELECT id, campus_id, last_visit_at, organisation FROM visitor WHERE id_hash = :h "
            "ORDER BY CASE WHEN last_visit_at IS NULL THEN 1 ELSE 0 END, last_visit_at DESC, id DESC"),
            {"h": id_hash}).all()
        keep, others = rows[0], rows[1:]
        other_ids = [r.id for r in others]
        first_campus = min(rows, key=lambda r: r.id).campus_id
        organisation = keep.organisation or next((r.organisation for r in others if r.organisation), None)
        moved = conn.execute(sa.text("UPDATE visit SET visitor_id = :keep WHERE visitor_id IN :ids")
                             .bindparams(sa.bindparam("ids", expanding=True)),
                             {"keep": keep.id, "ids": other_ids}).rowcount
        conn.execute(sa.text("UPDATE visitor SET campus_id = :campus, organisation = :org WHERE id = :keep"),
                     {"campus": first_campus, "org": organisation, "keep": keep.id})
        conn.execute(sa.text("DELETE FROM houqin_demo_record WHERE table_name = 'visitor' AND record_id IN :ids")
                     .bindparams(sa.bindparam("ids", expanding=True)), {"ids": other_ids})
        conn.execute(sa.text("DELETE FROM visitor WHERE id IN :ids").bindparams(sa.bindparam("ids", expanding=True)),
                     {"ids": other_ids})
        entries.append(_entry("update", "visitor", keep.id, {
            "merged_visitors": [None, other_ids], "visits_moved": [None, moved],
            "campus_id": [keep.campus_id, first_campus]}))
        entries.extend(_entry("delete", "visitor", r.id, {"merged_into": [r.id, keep.id]}) for r in others)
    return entries


def _close_duplicate_open_visits(conn) -> list[dict]:
    entries = []
    groups = conn.execute(sa.text(
        f"SELECT campus_id, visitor_id FROM visit WHERE {ON_SITE} GROUP BY campus_id, visitor_id "
        "HAVING COUNT(*) > 1")).all()
    for campus_id, visitor_id in groups:
        rows = conn.execute(sa.text(
            f"SELECT id, time_in FROM visit WHERE {ON_SITE} AND campus_id = :c AND visitor_id = :v "
            "ORDER BY time_in DESC, id DESC"), {"c": campus_id, "v": visitor_id}).all()
        newest = rows[0]
        for row in rows[1:]:
            conn.execute(sa.text(f"UPDATE visit SET status = 'left', time_out = :t WHERE id = :id AND {ON_SITE}"),
                         {"t": newest.time_in, "id": row.id})
            entries.append(_entry("update", "visit", row.id, {
                "status": ["on_site", "left"], "time_out": [None, _iso(newest.time_in)],
                "closed_by": [None, f"visit#{newest.id}"]}))
    return entries


def upgrade():
    conn = op.get_bind()
    entries = _merge_visitors(conn) + _close_duplicate_open_visits(conn)
    if entries:
        op.bulk_insert(audit, entries)
    with op.batch_alter_table('visitor', schema=None) as batch_op:
        batch_op.drop_index('ix_visitor_id_hash')
        batch_op.create_index('uq_visitor_id_hash', ['id_hash'], unique=True,
                              sqlite_where=sa.text(HASHED), postgresql_where=sa.text(HASHED))
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.create_index('uq_visit_visitor_on_site', ['campus_id', 'visitor_id'], unique=True,
                              sqlite_where=sa.text(OPEN_VISIT), postgresql_where=sa.text(OPEN_VISIT))


def downgrade():
    # The merged records stay merged (the audit log names them); only the guards go.
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.drop_index('uq_visit_visitor_on_site')
    with op.batch_alter_table('visitor', schema=None) as batch_op:
        batch_op.drop_index('uq_visitor_id_hash')
        batch_op.create_index('ix_visitor_id_hash', ['id_hash'], unique=False)
