"""The app for a consumer run apart from the web server, when the queue is on Redis (KEYUAN_REDIS_URL):

    KEYUAN_REDIS_URL=redis://localhost:6379/0 .venv/bin/huey_consumer app.reports.worker.huey -w 2"""
from app import create_app
from app.reports.jobs import bind, huey  # noqa: F401  (huey_consumer reads it from here)

app = create_app()
bind(app)
