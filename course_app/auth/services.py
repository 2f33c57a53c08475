"""Passwords, sign-in links and user lookups. Writes flush; the view commits."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import func, select, update

from course_app.extensions import db
from course_app.models import Organisation, Permission, SignInToken, User, UserPermission
from course_app.models.base import utcnow

# argon2id at RFC 9106's second recommendation (64 MiB, 3 passes, 4 lanes),
# above the 19 MiB that OWASP ASVS 5 asks for.
STRONG = {"time_cost": 3, "memory_cost": 64 * 1024, "parallelism": 4}

# The purposes of the tokens that sign someone in (auth.use_link takes no other).
SIGN_IN = ("link", "invitation")
# A link to a new address that its account's owner follows, signed in, to confirm it.
EMAIL_CHANGE = "email-change"


def _hasher() -> PasswordHasher:
    """Return the app's argon2id hasher: STRONG, unless a test configuration asks for less.

    Only a configuration object sets PASSWORD_HASH_PARAMETERS (the environment cannot), so
    that a test suite hashing hundreds of passwords need not spend a second on each.
    """
    parameters = current_app.config.get("PASSWORD_HASH_PARAMETERS") or STRONG
    return _hasher_for(tuple(sorted(parameters.items())))


@cache
def _hasher_for(parameters: tuple) -> PasswordHasher:
    return PasswordHasher(**dict(parameters))


@cache
def _dummy_hash(hasher: PasswordHasher) -> str:
    return hasher.hash(secrets.token_hex(16))


def hash_password(password: str) -> str:
    """Return an argon2id hash of password."""
    return _hasher().hash(password)


def normalise_email(email: str) -> str:
    """Return the e-mail address as it is stored: trimmed and lower-case."""
    return email.strip().lower()


def find_user(email: str) -> User | None:
    """Return the active user with that e-mail address, or None."""
    stmt = select(User).where(User.email == normalise_email(email), User.active.is_(True))
    return db.session.scalar(stmt)


def authenticate(email: str, password: str) -> User | None:
    """Return the user if the password matches; spend the same time when it does not."""
    user = find_user(email)
    hasher = _hasher()
    stored = user.password_hash if user and user.password_hash else _dummy_hash(hasher)
    try:
        hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.password_hash:
        return None
    if hasher.check_needs_rehash(stored):
        user.password_hash = hash_password(password)
    return user


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """Return a new single-use token's secret and the hash of it that is stored."""
    token = secrets.token_urlsafe(32)
    return token, _token_hash(token)


def create_signin_token(
    user: User, minutes: int, purpose: str = "link", new_email: str | None = None
) -> str:
    """Store a new single-use token for user and return its secret."""
    token, token_hash = new_token()
    db.session.add(
        SignInToken(
            user=user,
            token_hash=token_hash,
            expires_at=utcnow() + timedelta(minutes=minutes),
            purpose=purpose,
            new_email=new_email,
        )
    )
    db.session.flush()
    return token


def find_valid_token(token: str, purposes: tuple[str, ...] = SIGN_IN) -> SignInToken | None:
    """Return the unused, unexpired token of one of purposes with that secret, or None."""
    stmt = select(SignInToken).where(
        SignInToken.token_hash == _token_hash(token),
        SignInToken.purpose.in_(purposes),
        SignInToken.used_at.is_(None),
        SignInToken.expires_at > utcnow(),
    )
    return db.session.scalar(stmt)


def token_owner(token: str) -> User | None:
    """Return the user a token was made for, valid or not (to put a refused use on record)."""
    stmt = select(User).join(SignInToken).where(SignInToken.token_hash == _token_hash(token))
    return db.session.scalar(stmt)


def consume_token(token: str, purposes: tuple[str, ...] = SIGN_IN) -> SignInToken | None:
    """Use up the token; None if it was not valid. The token's user is `.user`."""
    found = find_valid_token(token, purposes)
    if found is None or not found.user.active:
        return None
    result = db.session.execute(
        update(SignInToken)
        .where(SignInToken.id == found.id, SignInToken.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return None  # another request used it first
    return found


def void_open_tokens(user_id: int, purposes: tuple[str, ...] | None = None) -> None:
    """Use up the user's open tokens (of the purposes given, or all): they no longer work."""
    stmt = update(SignInToken).where(SignInToken.user_id == user_id, SignInToken.used_at.is_(None))
    if purposes is not None:
        stmt = stmt.where(SignInToken.purpose.in_(purposes))
    db.session.execute(stmt.values(used_at=utcnow()).execution_options(synchronize_session=False))


def create_organisation(slug: str, name: str) -> Organisation:
    """Add an organisation."""
    org = Organisation(slug=slug, name=name)
    db.session.add(org)
    db.session.flush()
    return org


def create_user(
    org: Organisation,
    email: str,
    permissions: list[Permission],
    name: str = "",
    password: str | None = None,
) -> User:
    """Add a user to org with the given permissions and, optionally, a password."""
    user = User(
        organisation=org,
        email=normalise_email(email),
        name=name,
        password_hash=hash_password(password) if password else None,
        permissions=[UserPermission(permission=p) for p in dict.fromkeys(permissions)],
    )
    db.session.add(user)
    db.session.flush()
    return user


def email_taken(email: str) -> bool:
    """Return True if a user already has that e-mail address."""
    stmt = select(func.count()).select_from(User).where(User.email == normalise_email(email))
    return db.session.scalar(stmt) > 0
