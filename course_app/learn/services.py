"""Helpers shared by the course pages: the catalog, the language, load-or-abort."""

from __future__ import annotations

from flask import abort, current_app

from course_app.catalog import Catalog, Module, Step
from course_app.i18n import current_lang

__all__ = ["current_catalog", "current_lang", "get_module", "get_step"]


def current_catalog() -> Catalog:
    """Return the course catalog loaded at start-up."""
    return current_app.extensions["catalog"]


def get_module(module_id: str) -> Module:
    """Return the module with that id; abort with 404 if there is none."""
    module = current_catalog().module(module_id)
    if module is None:
        abort(404)
    return module


def get_step(module: Module, number: int) -> Step:
    """Return step number of module; abort with 404 if there is none."""
    step = module.step(number)
    if step is None:
        abort(404)
    return step
