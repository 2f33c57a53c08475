"""Helpers shared by the course pages: the catalog, the language, load-or-abort."""

from __future__ import annotations

from flask import Flask, abort, current_app

from course_app.catalog import Catalog, Module, Step, load_catalog
from course_app.i18n import current_lang

# Parsed catalogs by (content folder, quiz folder, languages…): one parse per process.
_CATALOGS: dict[tuple[str, ...], Catalog] = {}

__all__ = ["current_catalog", "current_lang", "get_module", "get_step", "load_course"]


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


def load_course(app: Flask) -> Catalog:
    """Load content/ and quizzes/ once per process, with links between pages as addresses.

    Every app of the process that reads the same folders shares the parsed catalog: it is
    frozen, and the course pages' addresses are the same in every app.
    """
    urls = app.url_map.bind("localhost")

    def link_for(module_id: str, number: int | None) -> str:
        if number is None:
            return urls.build("learn.module", {"module_id": module_id})
        return urls.build("learn.step", {"module_id": module_id, "number": number})

    key = (str(app.config["CONTENT_DIR"]), str(app.config["QUIZ_DIR"]), *app.config["LANGUAGES"])
    if key not in _CATALOGS:
        _CATALOGS[key] = load_catalog(*key[:2], key[2:], link_for)
    return _CATALOGS[key]
