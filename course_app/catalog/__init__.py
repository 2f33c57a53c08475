"""The course catalog: content/ parsed into frozen dataclasses, once per process."""

from course_app.catalog.loader import load_catalog
from course_app.catalog.model import (
    CONTACTS,
    BodyPart,
    Catalog,
    Item,
    Module,
    ModuleText,
    Source,
    Step,
    StepText,
)
from course_app.catalog.quiz import Option, Question, Quiz, Score
from course_app.catalog.schema import ContentError, Problem
from course_app.catalog.timing import estimate_minutes

__all__ = [
    "CONTACTS",
    "BodyPart",
    "Option",
    "Problem",
    "Question",
    "Quiz",
    "Score",
    "Source",
    "Catalog",
    "ContentError",
    "Item",
    "Module",
    "ModuleText",
    "Step",
    "StepText",
    "estimate_minutes",
    "load_catalog",
]
