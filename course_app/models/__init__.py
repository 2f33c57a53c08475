"""The database models: learner state only; course text lives in content/."""

from course_app.models.organisation import Organisation
from course_app.models.progress import ChecklistTick, ModuleCompletion, ReflectionNote, StepProgress
from course_app.models.user import Role, SignInToken, User, UserRole

__all__ = [
    "ChecklistTick",
    "ModuleCompletion",
    "Organisation",
    "ReflectionNote",
    "Role",
    "SignInToken",
    "StepProgress",
    "User",
    "UserRole",
]
