"""The course catalog: content/ parsed into frozen dataclasses, once per process."""

from course_app.catalog.loader import ContentError, load_catalog
from course_app.catalog.model import Catalog, Item, Module, ModuleText, Step, StepText
from course_app.catalog.timing import estimate_minutes

__all__ = [
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
