"""The login throttle (form login and JWT login).

The rule (docs/operations.md, "Login throttle"):

* Per account and address: AUTH_RATE_LIMIT ("5 per minute") failed sign-ins of one username
  from one address, in a moving window. Each attempt takes its place in the window *before*
  the password is checked (atomic in Redis, so parallel workers or hosts cannot exceed it) and
  a correct password empties the window: what is counted is failures. When the window is full
  the answer is 429 whatever the password (otherwise the lock-out would tell a guesser that a
  password is right), and attempts during the lock-out are not counted, so the lock ends at
  the latest a minute after the fifth failure; the first correct password after it clears it.
* Per address: LOGIN_ADDRESS_RATE_LIMIT ("50 per minute") failures of any usernames from one
  address: spraying a few passwords over many names is throttled too, while a school's NAT
  where 200 people sign in correctly at 08:00 is not (successes are not counted).
* A browser where a user signed in before carries a signed device cookie naming them; for that
  user it is counted on its own (per device, not per address) and the address limit does not
  apply, so someone failing on purpose behind the same NAT cannot lock the gate PC out.

The windows live in RATELIMIT_STORAGE_URI: memory:// is per process (with N gunicorn workers
a client gets up to N times the limit: `make run` says so in its log), redis://host:port/db is
exact across workers and hosts. If Redis cannot be reached the process falls back to its own
memory (logged), so an outage of the cache does not stop sign-ins.
"""
from __future__ import annotations

import logging
import secrets

from flask import current_app, g, jsonify, request
from flask_babel import gettext
from flask_limiter.util import get_remote_address
from itsdangerous import BadSignature, URLSafeSerializer
from limits import parse_many
from limits.storage import MemoryStorage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

log = logging.getLogger(__name__)

DEVICE_COOKIE = "houqin_device"
DEVICE_USERS = 20  # usernames one shared browser (the gate PC) remembers
DEVICE_MAX_AGE = 365 * 24 * 3600
LOGIN_ENDPOINTS = {"AuthDBView.login": "form", "HouqinSecurityApi.login": "api"}


class LoginThrottle:
    def __init__(self, app):
        uri = app.config.get("RATELIMIT_STORAGE_URI") or "memory://"
        options = {}
        if uri.startswith(("redis://", "rediss://", "redis+")):
            options["key_prefix"] = app.config.get("RATELIMIT_KEY_PREFIX", "houqin")
        self.uri = uri
        self.limiter = MovingWindowRateLimiter(storage_from_string(uri, **options))
        self.fallback = None
        self.per_account = parse_many(app.config["AUTH_RATE_LIMIT"])
        self.per_address = parse_many(app.config.get("LOGIN_ADDRESS_RATE_LIMIT", "50 per minute"))
        self.enabled = bool(app.config.get("RATELIMIT_ENABLED", True))
        self.signer = URLSafeSerializer(app.config["SECRET_KEY"], salt="houqin-device")

    @property
    def per_worker(self) -> bool:
        return self.uri.startswith("memory")

    # -- storage, with the in-process fallback ----------------------------------------------
    def _call(self, method: str, *args, **kwargs):
        limiter = self.fallback or self.limiter
        try:
            return getattr(limiter, method)(*args, **kwargs)
        except Exception:  # redis raises its own ConnectionError/TimeoutError types
            if self.fallback is not None:
                raise
            log.exception("Login throttle storage %s failed: using this process's memory", self.uri)
            self.fallback = MovingWindowRateLimiter(MemoryStorage())
            return getattr(self.fallback, method)(*args, **kwargs)

    def _retry_after(self, items, key: str) -> int:
        import time

        resets = [self._call("get_window_stats", item, key).reset_time for item in items]
        return max(1, int(max(resets) - time.time()) + 1) if resets else 60

    # -- keys ---------------------------------------------------------------------------------
    def _device(self) -> dict | None:
        raw = request.cookies.get(DEVICE_COOKIE)
        if not raw:
            return None
        try:
            data = self.signer.loads(raw)
        except BadSignature:
            return None
        return data if isinstance(data, dict) and isinstance(data.get("u"), list) else None

    def keys(self, username: str) -> tuple[str, str | None]:
        """(account key, address key or None for a trusted device)."""
        name = username.strip().lower()
        device = self._device()
        if device is not None and name in device["u"]:
            return f"device:{device.get('n')}:{name}", None
        address = get_remote_address() or "-"
        return f"account:{name}|{address}", f"address:{address}"

    # -- the three moments of a sign-in ---------------------------------------------------------
    def before(self, username: str) -> int | None:
        """Seconds to wait when this attempt is refused, else None (the attempt is counted)."""
        account, address = self.keys(username)
        if address is not None and not all(self._call("test", item, address) for item in self.per_address):
            return self._retry_after(self.per_address, address)
        for item in self.per_account:
            if not self._call("hit", item, account):
                return self._retry_after(self.per_account, account)
        g._hq_throttle = (account, address)
        return None

    def after(self, success: bool) -> None:
        keys = g.pop("_hq_throttle", None)
        if keys is None:
            return
        account, address = keys
        if success:
            for item in self.per_account:
                self._call("clear", item, account)
        elif address is not None:
            for item in self.per_address:
                self._call("hit", item, address)

    def remember_device(self, response, username: str) -> None:
        device = self._device() or {"n": secrets.token_urlsafe(12), "u": []}
        name = username.strip().lower()
        users = [u for u in device["u"] if u != name] + [name]
        value = self.signer.dumps({"n": device.get("n"), "u": users[-DEVICE_USERS:]})
        response.set_cookie(DEVICE_COOKIE, value, max_age=DEVICE_MAX_AGE, httponly=True,
                            secure=current_app.config.get("SESSION_COOKIE_SECURE", False), samesite="Lax")


def throttle() -> LoginThrottle | None:
    found = current_app.extensions.get("houqin_throttle")
    return found if found is not None and found.enabled else None


def too_many(seconds: int, kind: str):
    message = gettext("Too many failed sign-ins. Wait %(seconds)d seconds and try again.", seconds=seconds)
    if kind == "api":
        response = jsonify(message=message)
    else:
        from flask import flash
        from flask_appbuilder.security.forms import LoginForm_db

        flash(message, "danger")
        view = current_app.appbuilder.sm.auth_view
        response = current_app.make_response(view.render_template(
            view.login_template, title=view.title, form=LoginForm_db(), appbuilder=current_app.appbuilder))
    response.status_code = 429
    response.headers["Retry-After"] = str(seconds)
    return response


def install(app) -> None:
    app.extensions["houqin_throttle"] = LoginThrottle(app)

    @app.before_request
    def _login_throttle():
        kind = LOGIN_ENDPOINTS.get(request.endpoint or "")
        limiter = throttle()
        if kind is None or request.method != "POST" or limiter is None:
            return None
        if kind == "form":
            username = request.form.get("username")
        else:
            body = request.get_json(silent=True)
            username = body.get("username") if isinstance(body, dict) else None
            if username is not None and not isinstance(username, str):
                return jsonify(message=gettext("The username must be a string.")), 400
        if not username:
            return None  # nothing to check: the login answers as for any empty form
        wait = limiter.before(username)
        return too_many(wait, kind) if wait is not None else None

    @app.after_request
    def _remember_device(response):
        name = g.pop("_hq_signed_in", None)
        limiter = throttle()
        if name and limiter is not None and request.endpoint == "AuthDBView.login":
            limiter.remember_device(response, name)
        return response


def storage_notice(app, workers: int) -> tuple[str, bool]:
    """(line for the server's log, whether the limit is per worker): `make run` logs it."""
    limiter = app.extensions.get("houqin_throttle")
    if limiter is None or not limiter.enabled:
        return "Login throttle is off (HOUQIN_RATELIMIT_ENABLED=0).", True
    limit = app.config["AUTH_RATE_LIMIT"]
    if limiter.per_worker and workers > 1:
        return (f"Login throttle kept in each worker's memory ({limiter.uri}): the limit is per worker, so with "
                f"{workers} workers a client may make up to {workers} x {limit} failed sign-ins. Set "
                f"HOUQIN_RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379/0 for an exact limit across workers and hosts."), True
    return f"Login throttle: {limit} failed sign-ins per username and address, kept in {limiter.uri}.", False
