"""Users, their role grants and API tokens."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models._base import UTCDateTime, utcnow
from app.models.access_triggers import new_access_version


class User(db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(64))
    password_hash: Mapped[str] = mapped_column(String(255))
    phone: Mapped[str | None] = mapped_column(String(32))
    org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id"))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Set when somebody else chose the password (an admin, a registration): the web asks the
    # user to choose his own before anything else.
    password_change_required: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Raised by a password change, an admin reset and a deactivation: a web session carries the
    # epoch it was opened under (get_id), so every older session ends at once.
    auth_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # A new random value, set by database triggers, whenever anything the account's actor, tokens
    # or sessions depend on changes (app/models/access_triggers.py): the auth caches check it.
    access_version: Mapped[int] = mapped_column(BigInteger, default=new_access_version, server_default="0")
    # An account-wide lock (an administrator's): refuses logins and the account's tokens.
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    org_unit = relationship("OrgUnit")
    department = relationship("Department")
    enterprise = relationship("Enterprise")
    grants: Mapped[list[RoleGrant]] = relationship(back_populates="user", cascade="all, delete-orphan")

    # Flask-Login protocol, kept here because it is pure attribute access.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.auth_epoch or 0}"


class RoleGrant(db.Model):
    """A role held by a user: authority roles on an org unit, enterprise roles on a project."""

    __tablename__ = "role_grant"
    __table_args__ = (UniqueConstraint("user_id", "role_code", "org_unit_id", "project_id",
                                       name="uq_role_grant_scope"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    role_code: Mapped[str] = mapped_column(String(40))
    org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("project.id"), index=True)

    user: Mapped[User] = relationship(back_populates="grants")
    org_unit = relationship("OrgUnit")
    project = relationship("Project")


class ApiToken(db.Model):
    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)

    user: Mapped[User] = relationship()


class LoginThrottle(db.Model):
    """Failed logins of one username from one source address, and the back-off they earned.

    Keyed by the name as typed (known or not), so a throttled answer says nothing about whether
    the account exists, and an attacker only ever blocks his own address.
    """

    __tablename__ = "login_throttle"
    __table_args__ = (UniqueConstraint("username", "ip", name="uq_login_throttle_username_ip"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    ip: Mapped[str] = mapped_column(String(45))
    failures: Mapped[int] = mapped_column(Integer, default=0)
    blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_failure_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
