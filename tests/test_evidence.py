"""Evidence of training outlives an account: the database refuses to delete it with the user."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from course_app.extensions import db
from course_app.models import ModuleCompletion, QuizAttempt, ReflectionNote, User

AT = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)


def _delete_user(app, user_id: int) -> None:
    with app.app_context():
        db.session.execute(delete(User).where(User.id == user_id))
        db.session.commit()


def test_a_user_with_a_completion_cannot_be_deleted(app, create_user):
    user = create_user()
    with app.app_context():
        db.session.add(
            ModuleCompletion(
                user_id=user.id, module_id="organisation", module_version="v", completed_at=AT
            )
        )
        db.session.commit()
    with pytest.raises(IntegrityError):
        _delete_user(app, user.id)


def test_a_user_with_a_check_attempt_cannot_be_deleted(app, create_user):
    user = create_user()
    with app.app_context():
        db.session.add(
            QuizAttempt(
                user_id=user.id,
                module_id="organisation",
                quiz_version="v",
                token="t" * 20,
                answers={},
                correct=1,
                total=5,
                passed=False,
                submitted_at=AT,
            )
        )
        db.session.commit()
    with pytest.raises(IntegrityError):
        _delete_user(app, user.id)


def test_a_user_with_an_assignment_cannot_be_deleted(app, create_user, create_assignment):
    user = create_user()
    create_assignment(user)
    with pytest.raises(IntegrityError):
        _delete_user(app, user.id)


def test_private_notes_go_with_the_account(app, create_user):
    user = create_user()
    with app.app_context():
        db.session.add(
            ReflectionNote(
                user_id=user.id,
                module_id="organisation",
                step_id="s",
                question_id="q",
                body="privat",
            )
        )
        db.session.commit()
    _delete_user(app, user.id)
    with app.app_context():
        assert db.session.get(User, user.id) is None
