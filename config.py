"""Houqin defaults. Every setting can be overridden by an environment variable
HOUQIN_<NAME> (e.g. HOUQIN_DATABASE_URL, HOUQIN_PLUGINS); see docs/operations.md."""
import os
from datetime import timedelta

from flask_appbuilder.const import AUTH_DB

BASE_DIR = os.path.abspath(os.path.dirname(__file__))
INSTANCE_DIR = os.environ.get("HOUQIN_INSTANCE_DIR", os.path.join(BASE_DIR, "instance"))


def env(name, default=None):
    return os.environ.get("HOUQIN_" + name, default)


def env_bool(name, default):
    value = env(name)
    if value is None:
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


APP_NAME = "后勤 Houqin"
APP_ICON = "/static/houqin/logo.svg"
APP_THEME = ""

SQLALCHEMY_DATABASE_URI = env("DATABASE_URL") or "sqlite:///" + os.path.join(INSTANCE_DIR, "houqin.db")
SQLALCHEMY_TRACK_MODIFICATIONS = False

# FAB's create_all on start collides with migrations (DESIGN.md): Alembic owns the schema.
FAB_CREATE_DB = False
# Permission sync races between gunicorn workers; `flask houqin init` does it once.
FAB_UPDATE_PERMS = env_bool("UPDATE_PERMS", False)
FAB_API_SWAGGER_UI = True
# Flask-AppBuilder's security REST API (users, roles, permissions, groups over /api/v1/security/)
# is off: the office manages users and roles on the screens, where the rules are shown. The JWT
# login and refresh stay.
FAB_ADD_SECURITY_API = False
FAB_SECURITY_MANAGER_CLASS = "app.security.HouqinSecurityManager"
FAB_INDEX_VIEW = "app.views.dashboard.DashboardView"
FAB_BASE_TEMPLATE = "houqin/base.html"
FAB_PASSWORD_COMPLEXITY_ENABLED = True
FAB_API_MAX_PAGE_SIZE = 100

AUTH_TYPE = AUTH_DB
AUTH_ROLE_ADMIN = "Admin"
AUTH_ROLE_PUBLIC = "Public"
AUTH_USER_REGISTRATION = False

# Login throttle (app.throttle; the rule is in docs/operations.md): failed sign-ins per username and
# address, and failures per address. memory:// is per worker; redis://host:6379/0 is exact.
RATELIMIT_ENABLED = env_bool("RATELIMIT_ENABLED", True)
RATELIMIT_STORAGE_URI = env("RATELIMIT_STORAGE_URI", "memory://")
RATELIMIT_KEY_PREFIX = env("RATELIMIT_KEY_PREFIX", "houqin")
AUTH_RATE_LIMITED = False  # Flask-AppBuilder's own limiter counts every attempt: app.throttle instead
AUTH_RATE_LIMIT = env("LOGIN_RATE_LIMIT", "5 per minute")
LOGIN_ADDRESS_RATE_LIMIT = env("LOGIN_ADDRESS_RATE_LIMIT", "50 per minute")
# How many reverse proxies to trust for X-Forwarded-For (0 = none).
TRUSTED_PROXIES = int(env("TRUSTED_PROXIES", "0"))

BABEL_DEFAULT_LOCALE = "zh"
BABEL_DEFAULT_TIMEZONE = "UTC"
LANGUAGES = {
    "zh": {"flag": "cn", "name": "中文"},
    "en": {"flag": "gb", "name": "English"},
}
# Absolute: a relative path would resolve under app/ (DESIGN.md).
BABEL_TRANSLATION_DIRECTORIES = os.path.join(BASE_DIR, "translations")

WTF_CSRF_ENABLED = True
WTF_CSRF_TIME_LIMIT = None  # the session's own idle limit ends stale forms
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
# The gate PC is shared: idle sessions end (minutes, also a setting in the UI).
IDLE_TIMEOUT_MINUTES = int(env("IDLE_TIMEOUT_MINUTES", "30"))
PERMANENT_SESSION_LIFETIME = timedelta(minutes=IDLE_TIMEOUT_MINUTES)
# The session cookie is sent again only when it changes (the activity time, at most every
# ACTIVITY_WRITE_SECONDS): refreshed on every response, a static file or an XHR that was under
# way when the user switched language answered with the old cookie and switched it back.
SESSION_REFRESH_EACH_REQUEST = False
JWT_ACCESS_TOKEN_EXPIRES = timedelta(hours=1)

# None = every installed plugin; else a comma-separated allowlist of names.
PLUGINS = env("PLUGINS")

UPLOAD_FOLDER = os.path.join(INSTANCE_DIR, "uploads")
# Attachments (app/attachments.py): never inside UPLOAD_FOLDER, which Flask-AppBuilder's own
# /<view>/download/<filename> serves. Several hosts: a folder they all mount (docs/operations.md).
ATTACHMENT_FOLDER = env("ATTACHMENT_FOLDER") or os.path.join(INSTANCE_DIR, "attachments")
ATTACHMENT_MAX_PIXELS = int(env("ATTACHMENT_MAX_PIXELS", "50000000"))
# The import and attachment readers refuse a ZIP (xlsx, docx) unpacking beyond this.
MAX_UNPACKED_BYTES = int(env("MAX_UNPACKED_MB", "200")) * 1024 * 1024
IMPORT_MAX_MB = int(env("IMPORT_MAX_MB", "20"))  # one spreadsheet uploaded for import
SECRET_KEY_FILE = os.path.join(INSTANCE_DIR, "secret_key")
