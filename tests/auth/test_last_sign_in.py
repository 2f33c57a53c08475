"""Every sign-in is recorded on the account; a change-of-address link signs no one in."""

from __future__ import annotations

from course_app.auth.services import create_signin_token
from course_app.extensions import db
from course_app.models import User
from course_app.models.base import utcnow
from tests.conftest import TEST_PASSWORD, csrf_from


def _user(app, user_id: int) -> User:
    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge(user)
        return user


def _sign_in(app, email: str) -> None:
    client = app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    data = {"csrf_token": csrf_from(page), "email": email, "password": TEST_PASSWORD}
    assert client.post("/sign-in", data=data).status_code == 302


def _forget_sign_in(app, user_id: int) -> None:
    with app.app_context():
        db.session.get(User, user_id).last_signed_in_at = None
        db.session.commit()


def _use_token(app, user_id: int, purpose: str):
    with app.app_context():
        token = create_signin_token(db.session.get(User, user_id), 15, purpose=purpose)
        db.session.commit()
    client = app.test_client()
    page = client.get(f"/sign-in/link/{token}").get_data(as_text=True)
    return client.post(f"/sign-in/link/{token}", data={"csrf_token": csrf_from(page)})


def test_every_kind_of_sign_in_is_the_accounts_last(app, create_user):
    official = create_user(password=TEST_PASSWORD)
    assert _user(app, official.id).last_signed_in_at is None
    _sign_in(app, official.email)
    for purpose in ("link", "invitation", None):
        at = _user(app, official.id).last_signed_in_at
        assert at is not None and (utcnow() - at).total_seconds() < 60
        _forget_sign_in(app, official.id)
        if purpose:
            assert _use_token(app, official.id, purpose).status_code == 302


def test_a_change_of_address_link_signs_no_one_in(app, create_user):
    official = create_user()
    assert _use_token(app, official.id, "email-change").status_code == 400
    assert _user(app, official.id).last_signed_in_at is None
