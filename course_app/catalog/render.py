"""Markdown to sanitised HTML, reporting what the sanitiser would have to remove."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import markdown
import nh3

ALLOWED_TAGS = {
    "h2",
    "h3",
    "h4",
    "p",
    "ul",
    "ol",
    "li",
    "strong",
    "em",
    "a",
    "blockquote",
    "br",
    "hr",
    "code",
    "abbr",
    "dl",
    "dt",
    "dd",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}
URL_SCHEMES = {"https", "mailto", "tel"}
_HREF = re.compile(r'href="([^"]*)"')
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")


@dataclass(frozen=True)
class Rendered:
    """Sanitised HTML, the raw HTML found in the source, and every link target as written."""

    html: str
    raw_html: tuple[str, ...]
    hrefs: tuple[str, ...]


def render(text: str) -> Rendered:
    """Render Markdown and keep only the tags a course text needs."""
    md = markdown.Markdown(extensions=["extra", "sane_lists"], output_format="html")
    unsafe = md.convert(text)
    raw = tuple(block for block in md.htmlStash.rawHtmlBlocks if block.lstrip().startswith("<"))
    hrefs = tuple(html.unescape(h) for h in _HREF.findall(unsafe))
    clean = nh3.clean(
        unsafe,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
    return Rendered(clean, raw, hrefs)


def render_markdown(text: str) -> str:
    """Render Markdown to sanitised HTML."""
    return render(text).html


def scheme(href: str) -> str | None:
    """Return the scheme of a link target in lowercase, or None for a relative one."""
    match = _SCHEME.match(href)
    return match.group(1).lower() if match else None
