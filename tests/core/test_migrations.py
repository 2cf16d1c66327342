"""`flask db upgrade heads` on an empty database gives exactly the models' schema (the session
database was built by it with FAB_CREATE_DB=False); each plugin's Alembic branch lives in its
own folder, upgrades alone, and a database made before the branches moved there upgrades
without any change."""
import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text

HERE = os.path.dirname(os.path.abspath(__file__))


def _diff(app):
    from app.extensions import db
    from app.plugin import all_installed_models

    all_installed_models()
    with app.app_context():
        with db.engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True, "render_as_batch": True})
            return compare_metadata(ctx, db.Model.metadata)


def _script(app):
    with app.app_context():
        return ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())


def _versions(url) -> set[str]:
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = {r[0] for r in conn.execute(text("SELECT version_num FROM alembic_version"))}
    engine.dispose()
    return rows


def test_fab_does_not_create_tables_itself(app):
    assert app.config["FAB_CREATE_DB"] is False


def test_migrations_give_exactly_the_models_schema(app):
    assert _diff(app) == []


def test_every_model_table_exists_after_upgrade(app):
    from app.extensions import db

    with app.app_context():
        existing = set(inspect(db.engine).get_table_names())
    assert set(db.Model.metadata.tables) - existing == set()


def test_each_plugin_keeps_its_branch_in_its_own_folder(app):
    script = _script(app)
    for plugin in app.extensions["houqin"].plugins:
        assert plugin.migrations and plugin.migrations.startswith(plugin.package_dir), plugin.name
        own = {os.path.basename(rev.path) for rev in script.walk_revisions()
               if os.path.dirname(rev.path) == plugin.migrations}
        assert own, plugin.name
        assert plugin.name in script.get_revision(f"{plugin.name}@head").branch_labels | {
            label for rev in script.iterate_revisions(f"{plugin.name}@head", "base") for label in rev.branch_labels}
    core_folder = os.path.join(os.path.dirname(os.path.dirname(HERE)), "migrations", "versions")
    assert all(os.path.dirname(rev.path) == core_folder or any(
        os.path.dirname(rev.path) == p.migrations for p in app.extensions["houqin"].plugins)
        for rev in script.walk_revisions())


def _tables_of(modules) -> set[str]:
    from flask_appbuilder import Model

    return {m.local_table.name for m in Model.registry.mappers if m.class_.__module__ in modules}


@pytest.mark.slow
def test_each_plugin_branch_upgrades_alone_on_an_empty_database(app, app_on, scratch_url):
    """Its branch brings the core revisions it depends on, and nothing of any other plugin."""
    from flask_migrate import upgrade
    from flask_appbuilder import Model

    from app.extensions import db

    fresh = app_on(scratch_url)
    plugins = fresh.extensions["houqin"].plugins
    core = {m.local_table.name for m in Model.registry.mappers
            if m.class_.__module__.startswith(("app.", "flask_appbuilder."))}
    core |= {name for name in db.Model.metadata.tables if name.startswith("ab_")} | {"houqin_user_campus"}
    for plugin in plugins:
        with fresh.app_context():
            upgrade(revision=f"{plugin.name}@head")
            tables = set(inspect(db.engine).get_table_names())
        mine = _tables_of(plugin.models)
        assert mine and mine <= tables, plugin.name
        assert tables - mine - core <= {"alembic_version"} | {
            t for other in plugins[:plugins.index(plugin)] for t in _tables_of(other.models)}, plugin.name


@pytest.mark.slow
def test_a_database_made_before_the_plugin_folders_upgrades_without_a_difference(app, app_on, scratch_url):
    """The database of main at c7e199a (one linear chain 0001 -> 0002 -> 0003), dumped as SQL."""
    from flask_migrate import upgrade

    kind = "postgresql" if scratch_url.startswith("postgresql") else "sqlite"
    with open(os.path.join(HERE, "data", f"main-c7e199a.{kind}.sql"), encoding="utf-8") as fh:
        dump = fh.read()
    engine = create_engine(scratch_url)
    if kind == "sqlite":
        raw = engine.raw_connection()
        raw.executescript(dump)
        raw.close()
    else:
        # pg_dump empties the search path for its own statements (keep it for ours) and adds
        # psql's meta-commands (\restrict), which only psql understands.
        dump = dump.replace("SELECT pg_catalog.set_config('search_path', '', false);", "")
        dump = "\n".join(line for line in dump.splitlines() if not line.startswith("\\"))
        with engine.begin() as conn:
            conn.exec_driver_sql(dump)
    engine.dispose()
    assert _versions(scratch_url) == {"0003_visitor_last4_recent"}

    upgraded = app_on(scratch_url)
    with upgraded.app_context():
        upgrade(revision="heads")
    assert _diff(upgraded) == []
    assert _versions(scratch_url) == set(_script(upgraded).get_heads())
