"""The benchmark's floor: bare routes added to the app (see bench/floor_app.py for how gunicorn gets them).

`/_bench/floor` does what every signed-in page does at least (routing, request and app context, the session
cookie read and the signed-in user loaded, a session from the pool) and one indexed query (a user by the unique
username index), with no template: the cheapest signed-in request that still reaches the database. Pages are
reported as a ratio to it. `/_bench/floor-anonymous` is the same without sign-in, listed for reference. The
product has no such routes; only the benchmark serves them."""
from flask import Flask
from flask_login import login_required
from sqlalchemy import select

FLOOR_PATH = "/_bench/floor"
ANONYMOUS_FLOOR_PATH = "/_bench/floor-anonymous"


def add_floor(app: Flask) -> Flask:
    from app.core.models import User
    from app.extensions import db

    def bench_floor():
        user_id = db.session.execute(select(User.id).where(User.username == "manager")).scalar()
        return {"user_id": user_id}

    app.add_url_rule(FLOOR_PATH, "bench_floor", login_required(bench_floor))
    app.add_url_rule(ANONYMOUS_FLOOR_PATH, "bench_floor_anonymous", bench_floor)
    return app
