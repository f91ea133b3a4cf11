"""The inbox's statements timed raw: compiled once by SiteCase, run on the plain `sqlite3`
connection of a seeded folder (no SQLAlchemy execution, no Python around them).

    .venv/bin/python bench/inbox_statements.py --instance DIR [--user contractor_pm] [--repeat 60]

DIR: a folder seeded by bench/http_load.py's `seed` (copy it per run). For the user it prints the
quickest of 9 batches of `--repeat` runs, in ms, of the tabs' counts (`counts()`), the API list's
page with its total, the total alone and the inbox page's rows without a total: what SQLite itself
spends on each, to compare two builds' SQL or indexes on the same data.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instance", required=True, help="a folder seeded by bench/http_load.py")
    parser.add_argument("--user", default="contractor_pm")
    parser.add_argument("--repeat", type=int, default=60)
    args = parser.parse_args()
    os.environ["SITECASE_INSTANCE_DIR"] = args.instance
    os.environ.pop("DATABASE_URL", None)
    from app import create_app
    from app.extensions import db
    from app.models import User
    from app.schemas.workflow import INBOX_FIELDS
    from app.services.access.actors import actor_for
    from app.services.workflow import inbox_queries as q

    app = create_app()
    with app.app_context():
        user = db.session.query(User).filter_by(username=args.user).one()
        key = q._cache_key(actor_for(user))
        raw = db.session.connection().connection.dbapi_connection
        statements = {"tabs' counts": q._counts_statement(key),
                      "API page with its total": q._fields_statement(key, q.InboxFilter(), tuple(INBOX_FIELDS)),
                      "the total alone": q._total_statement(key, q.InboxFilter()),
                      "inbox page rows": q._page_statement(key, q.InboxFilter(), counted=False)}
        print(f"{args.user}, {args.instance}; load average {os.getloadavg()[0]:.2f}")
        for name, statement in statements.items():
            compiled = statement.compile(dialect=db.engine.dialect)
            params = compiled.construct_params({"inbox_now": datetime.now(UTC)})
            processors = compiled._bind_processors
            values = tuple(processors[n](params[n]) if n in processors else params[n] for n in compiled.positiontup)
            best = float("inf")
            for _ in range(9):
                started = time.perf_counter()
                for _ in range(args.repeat):
                    raw.execute(compiled.string, values).fetchall()
                best = min(best, (time.perf_counter() - started) / args.repeat)
            print(f"  {name:<24} {1000 * best:6.3f} ms")


if __name__ == "__main__":
    main()
