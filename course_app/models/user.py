"""Users, their permissions in the app, and single-use sign-in links."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Enum, ForeignKey, Index, String, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course_app.extensions import db
from course_app.models.base import UTCDateTime, utcnow
from course_app.models.organisation import Organisation


class Permission(enum.StrEnum):
    """What a user may do in the app (not the seat they hold: see AssignmentRole)."""

    OFFICIAL = "official"
    GROUP_CONTACT = "group_contact"
    SECURITY_UNIT = "security_unit"


class SessionUser(UserMixin):
    """What sign-in asks of a user, for the User and for security.SignedIn, its light copy."""

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        """Return the id kept in the session: the user's id and session version."""
        return f"{self.id}:{self.session_version}"


class User(SessionUser, db.Model):
    __tablename__ = "users"
    # The coverage report's page of who has not completed the training reads an organisation's
    # users in this order until the page is full, rather than sorting every one of them.
    __table_args__ = (Index("ix_users_org_name", "organisation_id", "name", "email", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str | None] = mapped_column(String(255))
    locale: Mapped[str | None] = mapped_column(String(8))
    active: Mapped[bool] = mapped_column(default=True)
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set when the official deleted their account: what is kept as evidence of training is
    # erased by `flask maintenance run` once the retention period has passed.
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Part of the signed-in session's id: raising it at sign-out ends every copy of the session.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    # Set at every successful sign-in. Until the first one, the account holds nothing of its
    # owner's, so the security unit may still correct its address and send invitations.
    last_signed_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set when a message to the address was given up on (mail.py), cleared when one is delivered
    # or the address changes: the security unit sees it and corrects the address.
    email_failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    organisation: Mapped[Organisation] = relationship(lazy="joined", innerjoin=True)
    permissions: Mapped[list[UserPermission]] = relationship(
        back_populates="user", lazy="selectin", cascade="all, delete-orphan"
    )

    def has_permission(self, permission: Permission) -> bool:
        """Return True if the user holds the given permission."""
        return any(p.permission == permission for p in self.permissions)

    @property
    def record(self) -> User:
        """Return the user to change: itself (security.SignedIn, the light copy, loads it)."""
        return self

    def __repr__(self) -> str:
        return f"<User {self.id}>"


@event.listens_for(User.email, "set", active_history=True)
def _new_address_unmarked(user: User, value: str, previous, initiator) -> None:
    """Clear the mark of undelivered mail when the address changes: it was the old address's."""
    if value != previous:
        user.email_failed_at = None


class UserPermission(db.Model):
    __tablename__ = "user_permissions"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    permission: Mapped[Permission] = mapped_column(
        Enum(
            Permission, native_enum=False, length=32, values_callable=lambda e: [m.value for m in e]
        ),
        primary_key=True,
    )

    user: Mapped[User] = relationship(back_populates="permissions")


class SignInToken(db.Model):
    """A single-use sign-in link; only a hash of the secret is stored."""

    __tablename__ = "sign_in_tokens"
    __table_args__ = (UniqueConstraint("token_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    # "link" (asked for on the sign-in page), "invitation" (sent when an import adds someone),
    # or "email-change" (sent to a new address; it signs no one in: see auth/email_change.py).
    purpose: Mapped[str] = mapped_column(String(16), default="link", server_default="link")
    # The address an "email-change" link confirms. Kept in the clear: it is applied as written,
    # and it is no secret from the account's owner, to whom it is shown before it is used.
    new_email: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()
