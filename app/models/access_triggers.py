"""`user_account.access_version`: a new random value whenever what an account may do changes.

The database gives it (triggers), in the transaction of the change, whichever code or SQL made
it: the user row's login-relevant columns, a role grant added, changed or removed, an API token
revoked or removed, the path of an org unit where the user holds a role. The per-process cache of
token → actor and session → actor (app/services/access/actor_cache.py) reads this one value per
request and drops an entry loaded under another, so a revocation holds on the very next request
in every process. Random rather than counted: a database rebuilt under the same ids (a restore,
a test's TRUNCATE … RESTART IDENTITY) never matches an entry of the one it replaced.

The migrations create the same triggers (0016); these cover schemas built with create_all. A
SQLite batch migration that rebuilds user_account, role_grant, api_token or org_unit drops their
triggers: recreate them after it (tests/integration/test_migrations.py checks they exist).
"""
from __future__ import annotations

import secrets

from sqlalchemy import DDL, event

from app.extensions import db

# The columns of user_account an actor, a token check or a session check reads.
WATCHED_USER_COLUMNS = ("username", "display_name", "password_hash", "enterprise_id", "org_unit_id",
                        "is_active", "password_change_required", "auth_epoch", "locked_until")


def new_access_version() -> int:
    return secrets.randbits(62)


_PG_NEW = "floor(random() * 4611686018427387903)::bigint"
_COLS = ", ".join(WATCHED_USER_COLUMNS)

PG_STATEMENTS = (
    f"""CREATE OR REPLACE FUNCTION user_access_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN NEW.access_version := {_PG_NEW}; RETURN NEW; END; $$""",
    f"""CREATE OR REPLACE FUNCTION access_of_user_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN UPDATE user_account SET access_version = {_PG_NEW} WHERE id = OLD.user_id; END IF;
  IF TG_OP <> 'DELETE' THEN UPDATE user_account SET access_version = {_PG_NEW} WHERE id = NEW.user_id; END IF;
  RETURN NULL;
END; $$""",
    f"""CREATE OR REPLACE FUNCTION org_unit_path_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE user_account SET access_version = {_PG_NEW}
   WHERE id IN (SELECT user_id FROM role_grant WHERE org_unit_id = NEW.id);
  RETURN NULL;
END; $$""",
    f"CREATE TRIGGER user_access_changed BEFORE UPDATE OF {_COLS} ON user_account "
    "FOR EACH ROW EXECUTE FUNCTION user_access_changed()",
    "CREATE TRIGGER role_grant_access_changed AFTER INSERT OR UPDATE OR DELETE ON role_grant "
    "FOR EACH ROW EXECUTE FUNCTION access_of_user_changed()",
    "CREATE TRIGGER api_token_access_changed AFTER UPDATE OR DELETE ON api_token "
    "FOR EACH ROW EXECUTE FUNCTION access_of_user_changed()",
    "CREATE TRIGGER org_unit_access_changed AFTER UPDATE OF path ON org_unit "
    "FOR EACH ROW EXECUTE FUNCTION org_unit_path_changed()",
)

_SQLITE_BUMP = "UPDATE user_account SET access_version = random() WHERE id"
SQLITE_STATEMENTS = (
    f"CREATE TRIGGER user_access_changed AFTER UPDATE OF {_COLS} ON user_account "
    f"BEGIN {_SQLITE_BUMP} = NEW.id; END",
    f"CREATE TRIGGER role_grant_access_added AFTER INSERT ON role_grant BEGIN {_SQLITE_BUMP} = NEW.user_id; END",
    f"CREATE TRIGGER role_grant_access_changed AFTER UPDATE ON role_grant "
    f"BEGIN {_SQLITE_BUMP} IN (OLD.user_id, NEW.user_id); END",
    f"CREATE TRIGGER role_grant_access_removed AFTER DELETE ON role_grant BEGIN {_SQLITE_BUMP} = OLD.user_id; END",
    f"CREATE TRIGGER api_token_access_changed AFTER UPDATE ON api_token "
    f"BEGIN {_SQLITE_BUMP} IN (OLD.user_id, NEW.user_id); END",
    f"CREATE TRIGGER api_token_access_removed AFTER DELETE ON api_token BEGIN {_SQLITE_BUMP} = OLD.user_id; END",
    f"CREATE TRIGGER org_unit_access_changed AFTER UPDATE OF path ON org_unit "
    f"BEGIN {_SQLITE_BUMP} IN (SELECT user_id FROM role_grant WHERE org_unit_id = NEW.id); END",
)
TRIGGER_NAMES = {"sqlite": frozenset(s.split()[2] for s in SQLITE_STATEMENTS),
                 "postgresql": frozenset(s.split()[2] for s in PG_STATEMENTS if s.startswith("CREATE TRIGGER"))}

# After every table exists: the triggers of one table update another.
for _sql in PG_STATEMENTS:
    event.listen(db.metadata, "after_create", DDL(_sql).execute_if(dialect="postgresql"))
for _sql in SQLITE_STATEMENTS:
    event.listen(db.metadata, "after_create", DDL(_sql).execute_if(dialect="sqlite"))
