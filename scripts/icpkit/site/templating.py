"""Rendering the handbook's Jinja2 templates (site_src/templates) into Markdown pages.

Every value a template prints is escaped for Markdown (`mdtext.finalize`); a template error
is an InputError naming the template and its line. A generated page is a `Page`.
"""

from __future__ import annotations

import html
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from ..errors import InputError
from . import mdtext

TEMPLATES = "site_src/templates"


@dataclass(frozen=True)
class Page:
    """A generated page: its path under the site's docs and its Markdown text."""

    path: str
    text: str


def environment(root: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(root / TEMPLATES),
        undefined=jinja2.StrictUndefined,
        finalize=mdtext.finalize,
        autoescape=False,  # Markdown, not HTML: finalize escapes every value for Markdown
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["para"] = mdtext.paragraphs
    env.filters["fm"] = mdtext.front_matter
    env.filters["md"] = mdtext.inline
    env.filters["slug"] = mdtext.slug
    env.filters["code"] = mdtext.code
    env.filters["mailto"] = mailto
    return env


def render(env: jinja2.Environment, template: str, **context: Any) -> str:
    """`template` rendered with `context`. Raises InputError naming the template file and
    line when it has a syntax error or fails while rendering."""
    try:
        return env.get_template(template).render(**context)
    except jinja2.TemplateSyntaxError as exc:
        raise InputError(
            f"{TEMPLATES}/{exc.name or template}:{exc.lineno}: template error: {exc.message}"
        ) from None
    except jinja2.UndefinedError as exc:
        import traceback

        line = next(
            (
                f.lineno
                for f in reversed(traceback.extract_tb(exc.__traceback__))
                if f.filename.endswith(".j2")
            ),
            0,
        )
        raise InputError(f"{TEMPLATES}/{template}:{line}: template error: {exc.message}") from None


def html_link(href: str, text: str) -> Markup:
    """A link built by the site (an https:// or mailto: address it checked), as HTML.
    Raises InputError for any other address."""
    if not href.startswith(("https://", "mailto:")):
        raise InputError(f"found the link '{href}'; expected an https:// or mailto: address")
    return Markup(f'<a href="{html.escape(href)}">{html.escape(text)}</a>')


def mailto(address: object) -> Markup:
    """An e-mail address (validated by the schema) as a mailto: link."""
    text = str(address)
    return html_link("mailto:" + urllib.parse.quote(text, safe="@.+-_"), text)
