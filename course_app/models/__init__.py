"""The database models: learner state, the roster and requirements (course text is in content/)."""

from course_app.models.audit import AuditRecord
from course_app.models.certificates import Certificate
from course_app.models.groups import (
    Discussion,
    DiscussionAttendance,
    GroupContact,
    GroupMember,
)
from course_app.models.mail import LinkRequest, OutgoingMail, ReminderSent
from course_app.models.organisation import LocalContacts, Organisation
from course_app.models.progress import (
    ChecklistTick,
    ModuleCompletion,
    QuizAttempt,
    ReflectionNote,
    StepProgress,
)
from course_app.models.roster import (
    Assignment,
    AssignmentRole,
    Audience,
    Body,
    BodyKind,
    Extent,
    Party,
    Requirement,
    RosterImport,
)
from course_app.models.user import Permission, SignInToken, User, UserPermission

__all__ = [
    "Assignment",
    "AuditRecord",
    "Certificate",
    "AssignmentRole",
    "Audience",
    "Body",
    "BodyKind",
    "ChecklistTick",
    "Discussion",
    "DiscussionAttendance",
    "GroupContact",
    "GroupMember",
    "Extent",
    "LocalContacts",
    "ModuleCompletion",
    "Organisation",
    "LinkRequest",
    "OutgoingMail",
    "ReminderSent",
    "Party",
    "QuizAttempt",
    "ReflectionNote",
    "Requirement",
    "RosterImport",
    "Permission",
    "SignInToken",
    "StepProgress",
    "User",
    "UserPermission",
]
