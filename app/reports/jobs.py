"""Background jobs on huey: out of the box its queue is a SQLite file in instance/ worked by a thread of the web
process (no server to add); with KEYUAN_REDIS_URL (the `redis` package installed) the queue is on Redis and a
separate consumer works it, as it may with SQLite when KEYUAN_JOBS_IN_PROCESS=0:

    .venv/bin/huey_consumer app.reports.worker.huey -w 2

Tests run tasks inline (huey's immediate mode) unless a test starts a consumer."""
import os
import threading
from pathlib import Path

from flask import Flask, current_app, has_app_context
from huey import Huey
from huey.exceptions import RetryTask
from huey.storage import RedisStorage, SqliteStorage

# Immediate until init_app points it at the app's broker: importing this module touches no file and no server.
huey = Huey("keyuan", immediate=True)
_app: Flask | None = None  # the app whose context a consumer's tasks run in
_consumer_lock = threading.Lock()
_consumer = None


def broker_url(app: Flask) -> str:
    return app.config.get("JOBS_REDIS_URL", os.environ.get("KEYUAN_REDIS_URL", ""))


def init_app(app: Flask) -> None:
    url = broker_url(app)
    huey.storage_class = RedisStorage if url else SqliteStorage
    huey.storage_kwargs = {"url": url} if url else {"filename": str(Path(app.instance_path) / "jobs.db")}
    huey.immediate = app.config.get("JOBS_IMMEDIATE", app.testing)
    huey.storage = huey.create_storage()


def bind(app: Flask) -> None:
    """The app a consumer (a thread here, or huey_consumer) runs its tasks in."""
    global _app
    _app = app


def start_consumer(app: Flask):
    """A consumer thread inside this process, started once; it resumes the runs a stopped process left.
    The web server keeps its signals: the threads are started without the consumer's signal handlers."""
    global _consumer
    if _consumer is not None and _app is app:  # every request asks: answer without the lock
        return _consumer
    with _consumer_lock:
        if _consumer is not None and _app is not app:  # another app's (a test process makes several)
            _consumer.stop()
            _consumer = None
        if _consumer is None:
            bind(app)
            _consumer = huey.create_consumer(workers=1, periodic=False)
            _consumer.scheduler.start()
            for _worker, thread in _consumer.worker_threads:
                thread.start()
        return _consumer


def stop_consumer() -> None:
    global _consumer
    with _consumer_lock:
        if _consumer is not None:
            _consumer.stop(graceful=True)
            _consumer = None


def in_process_consumer_wanted(app: Flask) -> bool:
    wanted = app.config.get("JOBS_IN_PROCESS", os.environ.get("KEYUAN_JOBS_IN_PROCESS", "1") != "0")
    return wanted and not huey.immediate and not broker_url(app)


def app_context():
    """Inline (immediate mode) a task runs in the caller's app; in a consumer, in the bound one."""
    app = current_app._get_current_object() if has_app_context() else _app
    return app.app_context()


@huey.task(retries=10, retry_delay=60)  # retries for errors outside the run (the database away a moment)
def render_service_reports(run_id: int) -> None:
    """A run another worker holds is tried again when that worker would be stale (RetryTask counts no retry)."""
    from app.reports import batch

    with app_context():
        if not batch.run_batch(run_id):
            raise RetryTask(delay=batch.STALE.total_seconds())


@huey.on_startup()
def resume_unfinished() -> None:
    """Runs left queued or running by a stopped process go back on the queue when a consumer starts."""
    from app.reports import batch

    with app_context():
        for run_id in batch.unfinished_runs():
            render_service_reports(run_id)
