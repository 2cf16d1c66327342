"""Houqin core: create_app() builds one app with its own AppBuilder.

Order matters (DESIGN.md): config -> db -> CSRF (before AppBuilder, so its API
blueprints are exempted and JWT login works) -> plugins discovered (their
translations must be known before Babel starts) -> AppBuilder -> plugins register.
"""
from __future__ import annotations

import logging
import os
import secrets

# Flask is imported inside create_app(): app.rules and app.privacy stay importable
# as pure modules (plugins' rules.py use them without pulling in the web stack).

BASE_DIR = os.path.abspath(os.path.join(os.path.dirname(__file__), os.pardir))


def ensure_secret_key(path: str) -> str:
    """Generated once, kept in instance/ with mode 600; O_EXCL makes a race harmless."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        with open(path) as fh:
            return fh.read().strip()
    key = secrets.token_hex(32)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


def _sqlite_pragmas(dbapi_conn, _record):
    if type(dbapi_conn).__module__.startswith("sqlite3"):
        cur = dbapi_conn.cursor()
        # WAL lets the gate desk read while another worker writes; busy_timeout waits instead of failing.
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=5000")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()


def create_app(overrides: dict | None = None):
    from flask import Flask
    from flask_appbuilder import AppBuilder
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    from . import audit, freshness, guards, i18n, locks, security_rules
    from .extensions import csrf, db, migrate
    from .manifest import core_manifest
    from .plugin import Registry, discover

    # FAB warns at every start about filters its own security API does not offer.
    logging.getLogger("flask_appbuilder.models.filters").setLevel(logging.ERROR)
    app = Flask(__name__, instance_path=os.environ.get("HOUQIN_INSTANCE_DIR", os.path.join(BASE_DIR, "instance")))
    app.config.from_pyfile(os.path.join(BASE_DIR, "config.py"))
    if overrides:
        app.config.update(overrides)
    guards.install_early(app)  # request class and the int converter, before any route exists

    app.config["SECRET_KEY"] = (app.config.get("SECRET_KEY") or os.environ.get("HOUQIN_SECRET_KEY")
                                or ensure_secret_key(app.config["SECRET_KEY_FILE"]))
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        os.makedirs(os.path.dirname(app.config["SQLALCHEMY_DATABASE_URI"][len("sqlite:///"):]) or ".",
                    exist_ok=True)
    if app.config.get("TRUSTED_PROXIES"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)

    if not event.contains(Engine, "connect", _sqlite_pragmas):
        event.listen(Engine, "connect", _sqlite_pragmas)
    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(BASE_DIR, "migrations"), render_as_batch=True,
                     compare_type=True)
    _configure_version_locations(migrate)
    csrf.init_app(app)

    plugins = discover(app.config.get("PLUGINS"))
    dirs = [app.config["BABEL_TRANSLATION_DIRECTORIES"]]
    dirs += [p.translations for p in plugins if p.translations]
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(dirs)
    for plugin in plugins:
        plugin.import_models()
    registry = Registry(plugins, core=core_manifest())
    app.extensions["houqin"] = registry

    from .settings import Settings

    app.extensions["houqin_settings"] = Settings(app, registry)
    i18n.install(app)
    from . import todo

    todo.install(app)
    from .views.relations import options_html

    app.jinja_env.filters["hq_options"] = options_html
    from .views import frame

    frame.install(app)
    from werkzeug.exceptions import RequestEntityTooLarge

    from .views.attachments import attachment_panel, human_size, too_large

    app.jinja_env.globals.update(attachment_panel=attachment_panel, hq_size=human_size)
    app.register_error_handler(RequestEntityTooLarge, too_large)
    from .views.dashboard import land_after_login

    app.after_request(land_after_login)
    _check_attachment_folder(app)
    audit.install()
    locks.install(app)  # locked records, state columns: checked at every flush and bulk statement
    security_rules.install()
    freshness.install()
    # What a worker keeps between requests, checked against the change counters (freshness.py).
    app.extensions["houqin_kept"] = {name: freshness.Kept() for name in ("permissions", "menu", "search")}

    with app.app_context(), security_rules.catalogue_sync():  # FAB_UPDATE_PERMS grants Admin new permissions
        appbuilder = AppBuilder(update_perms=app.config["FAB_UPDATE_PERMS"])
        appbuilder.init_app(app, db.session)
        i18n.tolerate_percent(app)  # Babel's callables exist now
        frame.install_link_filters(app)  # FAB's filters exist now
        # What Flask-AppBuilder registered itself (security, login, language, index): core's.
        registry.host_views = {type(v).__name__ for v in appbuilder.baseviews}
        registry.ensure_loaded(appbuilder)
        registry.check(appbuilder)
        _order_menu(appbuilder, registry)
        appbuilder.post_init()

    from . import sessions, throttle
    from .security import install_request_guards

    from .api import install_spec

    sessions.install(app)
    guards.install(app)
    install_spec(app)
    throttle.install(app)
    install_request_guards(app)
    app.cli.add_command(_cli_group(plugins))
    return app


def _check_attachment_folder(app) -> None:
    """Flask-AppBuilder serves UPLOAD_FOLDER at /<view>/download/<filename>: attachments, whose
    access is their owner's, must never be stored where that route reaches."""
    folder = os.path.abspath(app.config["ATTACHMENT_FOLDER"])
    uploads = os.path.abspath(app.config["UPLOAD_FOLDER"])
    if os.path.commonpath([folder, uploads]) == uploads:
        raise RuntimeError(f"ATTACHMENT_FOLDER ({folder}) must not be inside UPLOAD_FOLDER ({uploads}).")


def _cli_group(plugins):
    """`flask houqin ...`: core commands plus those of the enabled plugins (a fresh
    group per app, so a disabled plugin's commands never linger)."""
    import click

    from .cli import houqin_cli

    group = click.Group("houqin", help=houqin_cli.help, commands=dict(houqin_cli.commands))
    for plugin in plugins:
        for command in plugin.commands:
            group.add_command(command)
    return group


def _configure_version_locations(migrate) -> None:
    """Third-party plugins bring their own Alembic branch (docs/plugins.md)."""
    if getattr(migrate, "_houqin_configured", False):
        return
    migrate._houqin_configured = True

    @migrate.configure
    def _locations(config):
        from .plugin import installed_migration_folders

        folders = [os.path.join(BASE_DIR, "migrations", "versions")] + installed_migration_folders()
        config.set_main_option("version_locations", " ".join(folders))
        return config


def _order_menu(appbuilder, registry) -> None:
    """Menu categories in their declared order (FAB keeps the order of registration); FAB's own
    "Security" (用户权限: users, roles, permissions) after every declared one."""
    order = {"Security": 1000, **{name: menu.order for name, menu in registry.menus.items()}}
    items = appbuilder.menu.get_list()
    items[:] = sorted(items, key=lambda item: order.get(item.name, 100))
