"""gunicorn settings for `make run`: the app is imported once in the master
(--preload) and forked, so start-up is one import, not one per worker."""
preload_app = True


def pre_fork(server, worker):
    # The app's long-lived objects (views, models, translations, the kept page frames) leave the
    # garbage collector's generations before the fork: a full collection in a worker then walks
    # only what requests made (a tenth of a second every few requests otherwise, measured on the
    # appraisal summary), and the shared pages stay shared.
    import gc

    gc.freeze()


def post_fork(server, worker):
    # Connections must not be shared across processes: each worker opens its own.
    from run import app
    from app.extensions import db

    with app.app_context():
        db.engine.dispose(close=False)


def when_ready(server):
    """Say where the login throttle counts: with memory:// each worker counts on its own."""
    from app.throttle import storage_notice

    message, per_worker = storage_notice(server.app.wsgi(), server.cfg.workers)
    (server.log.warning if per_worker else server.log.info)(message)
