"""The database models: learner state only; course text lives in content/."""

from course_app.models.organisation import LocalContacts, Organisation
from course_app.models.progress import (
    ChecklistTick,
    ModuleCompletion,
    QuizAttempt,
    ReflectionNote,
    StepProgress,
)
from course_app.models.user import Role, SignInToken, User, UserRole

__all__ = [
    "ChecklistTick",
    "LocalContacts",
    "ModuleCompletion",
    "Organisation",
    "QuizAttempt",
    "ReflectionNote",
    "Role",
    "SignInToken",
    "StepProgress",
    "User",
    "UserRole",
]
