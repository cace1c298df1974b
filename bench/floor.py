"""The benchmark's floor: one bare route added to the app (see bench/floor_app.py for how gunicorn gets it).

`/_bench/floor` does what every page does at least (routing, request and app context, a session from the pool)
and one indexed query (a user by the unique username index), with no sign-in, no template and no session
cookie: the cheapest request that still reaches the database. Pages are reported as a ratio to it. The product
has no such route; only bench/pages.py serves it."""
from flask import Flask
from sqlalchemy import select

FLOOR_PATH = "/_bench/floor"


def add_floor(app: Flask) -> Flask:
    from app.core.models import User
    from app.extensions import db

    def bench_floor():
        user_id = db.session.execute(select(User.id).where(User.username == "manager")).scalar()
        return {"user_id": user_id}

    app.add_url_rule(FLOOR_PATH, "bench_floor", bench_floor)
    return app
