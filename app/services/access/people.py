"""People by their names: what a page says for the login a record keeps (a case's starter, the
actor of a timeline event, who deployed a version). A login is an account's key, not a word for
readers; a login whose account is gone is said as it is."""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from app.extensions import db
from app.models import User


def names_of(usernames: Iterable[str | None]) -> dict[str, str]:
    """{login: display name} of the given logins that have an account (one query; {} for none)."""
    wanted = {u for u in usernames if u}
    if not wanted:
        return {}
    return dict(db.session.execute(
        select(User.username, User.display_name).where(User.username.in_(sorted(wanted)))).all())
