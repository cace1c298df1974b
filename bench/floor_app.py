"""`gunicorn bench.floor_app:app`: the app exactly as `wsgi:app` serves it, plus the floor route of bench/floor.py."""
from bench.floor import add_floor
from wsgi import app

app = add_floor(app)
