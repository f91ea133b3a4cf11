"""user_account.access_version and the triggers that renew it (the auth caches' invalidation)

Revision ID: 0016
Revises: 0015
"""
import secrets

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

# The trigger texts of app/models/access_triggers.py at this revision (copied: a migration never changes).
COLS = ("username, display_name, password_hash, enterprise_id, org_unit_id, is_active, "
        "password_change_required, auth_epoch, locked_until")
PG_NEW = "floor(random() * 4611686018427387903)::bigint"
PG_STATEMENTS = (
    f"""CREATE OR REPLACE FUNCTION user_access_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN NEW.access_version := {PG_NEW}; RETURN NEW; END; $$""",
    f"""CREATE OR REPLACE FUNCTION access_of_user_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN UPDATE user_account SET access_version = {PG_NEW} WHERE id = OLD.user_id; END IF;
  IF TG_OP <> 'DELETE' THEN UPDATE user_account SET access_version = {PG_NEW} WHERE id = NEW.user_id; END IF;
  RETURN NULL;
END; $$""",
    f"""CREATE OR REPLACE FUNCTION org_unit_path_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE user_account SET access_version = {PG_NEW}
   WHERE id IN (SELECT user_id FROM role_grant WHERE org_unit_id = NEW.id);
  RETURN NULL;
END; $$""",
    f"CREATE TRIGGER user_access_changed BEFORE UPDATE OF {COLS} ON user_account "
    "FOR EACH ROW EXECUTE FUNCTION user_access_changed()",
    "CREATE TRIGGER role_grant_access_changed AFTER INSERT OR UPDATE OR DELETE ON role_grant "
    "FOR EACH ROW EXECUTE FUNCTION access_of_user_changed()",
    "CREATE TRIGGER api_token_access_changed AFTER UPDATE OR DELETE ON api_token "
    "FOR EACH ROW EXECUTE FUNCTION access_of_user_changed()",
    "CREATE TRIGGER org_unit_access_changed AFTER UPDATE OF path ON org_unit "
    "FOR EACH ROW EXECUTE FUNCTION org_unit_path_changed()",
)
BUMP = "UPDATE user_account SET access_version = random() WHERE id"
SQLITE_STATEMENTS = (
    f"CREATE TRIGGER user_access_changed AFTER UPDATE OF {COLS} ON user_account BEGIN {BUMP} = NEW.id; END",
    f"CREATE TRIGGER role_grant_access_added AFTER INSERT ON role_grant BEGIN {BUMP} = NEW.user_id; END",
    f"CREATE TRIGGER role_grant_access_changed AFTER UPDATE ON role_grant BEGIN {BUMP} IN (OLD.user_id, NEW.user_id); END",
    f"CREATE TRIGGER role_grant_access_removed AFTER DELETE ON role_grant BEGIN {BUMP} = OLD.user_id; END",
    f"CREATE TRIGGER api_token_access_changed AFTER UPDATE ON api_token BEGIN {BUMP} IN (OLD.user_id, NEW.user_id); END",
    f"CREATE TRIGGER api_token_access_removed AFTER DELETE ON api_token BEGIN {BUMP} = OLD.user_id; END",
    f"CREATE TRIGGER org_unit_access_changed AFTER UPDATE OF path ON org_unit "
    f"BEGIN {BUMP} IN (SELECT user_id FROM role_grant WHERE org_unit_id = NEW.id); END",
)
TRIGGERS = {"user_account": ["user_access_changed"],
            "role_grant": ["role_grant_access_changed", "role_grant_access_added", "role_grant_access_removed"],
            "api_token": ["api_token_access_changed", "api_token_access_removed"],
            "org_unit": ["org_unit_access_changed"]}


def upgrade():
    op.add_column("user_account", sa.Column("access_version", sa.BigInteger(), server_default="0", nullable=False))
    bind = op.get_bind()
    # Existing accounts get random versions too, as new ones do (a rebuilt database never matches).
    for (user_id,) in bind.execute(sa.text("SELECT id FROM user_account")).all():
        bind.execute(sa.text("UPDATE user_account SET access_version = :v WHERE id = :id"),
                     {"v": secrets.randbits(62), "id": user_id})
    for statement in PG_STATEMENTS if bind.dialect.name == "postgresql" else SQLITE_STATEMENTS:
        op.execute(statement)


def downgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    for table, names in TRIGGERS.items():
        for name in names:
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}" if postgres else f"DROP TRIGGER IF EXISTS {name}")
    if postgres:
        for function in ("user_access_changed", "access_of_user_changed", "org_unit_path_changed"):
            op.execute(f"DROP FUNCTION IF EXISTS {function}()")
    # SQLite drops the column in place (3.35+): a batch copy of user_account would trip the
    # foreign keys of every table that references it.
    op.execute("ALTER TABLE user_account DROP COLUMN access_version")
