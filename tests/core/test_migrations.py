"""`flask db upgrade heads` on an empty database gives exactly the models' schema
(the session database was built by it with FAB_CREATE_DB=False)."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext


def test_fab_does_not_create_tables_itself(app):
    assert app.config["FAB_CREATE_DB"] is False


def test_migrations_give_exactly_the_models_schema(app):
    from app.extensions import db
    from app.plugin import all_installed_models

    all_installed_models()
    with app.app_context():
        with db.engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True, "render_as_batch": True})
            diff = compare_metadata(ctx, db.Model.metadata)
    assert diff == []


def test_every_model_table_exists_after_upgrade(app):
    from sqlalchemy import inspect

    from app.extensions import db

    with app.app_context():
        existing = set(inspect(db.engine).get_table_names())
    assert set(db.Model.metadata.tables) - existing == set()
