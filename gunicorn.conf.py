"""gunicorn settings for `make run`: the app is imported once in the master
(--preload) and forked, so start-up is one import, not one per worker."""
preload_app = True


def post_fork(server, worker):
    # Connections must not be shared across processes: each worker opens its own.
    from run import app
    from app.extensions import db

    with app.app_context():
        db.engine.dispose(close=False)
