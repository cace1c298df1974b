"""The page a new record starts on when no client was given: search the clients the user may see, pick one."""
from flask import request
from flask_login import current_user

from app.archive.queries import client_matches
from app.core.htmx import render


def pick_client_page(endpoint: str, title: str, question: str):
    """Links to ``endpoint`` with ?client=<id> for the clients matching ?q=."""
    query = (request.args.get("q") or "").strip()
    return render("archive/pick_client.html", endpoint=endpoint, title=title, question=question, query=query,
                  matches=client_matches(current_user, query) if query else [])
