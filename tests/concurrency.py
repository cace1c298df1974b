"""Several people doing the same write at the same instant: each in its own thread, app context, session and
connection, all released together by a barrier, each committing. The outcome of each is "ok", "refused" (the
service said no) or the error it raised."""
import threading

from app.core.errors import Refused
from app.extensions import db


def at_once(app, count: int, work) -> list[str]:
    """Run ``work(n)`` in ``count`` threads at once (the test's own session is closed first so nobody waits on it);
    the outcomes, sorted."""
    db.session.remove()
    start, outcomes = threading.Barrier(count), []

    def one(n: int):
        with app.app_context():
            try:
                start.wait(timeout=10)
                work(n)
                db.session.commit()
                outcomes.append("ok")
            except Refused:
                db.session.rollback()
                outcomes.append("refused")
            except BaseException as error:  # noqa: BLE001  (reported to the test)
                db.session.rollback()
                outcomes.append(repr(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=one, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return sorted(outcomes)
