"""The YAML parser every reader in the loading wing shares (ruamel.yaml, safe, its C
parser where it is installed), and where it stops on a text that does not read."""

from __future__ import annotations

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError

#: the one parser instance (safe loading: no tags that build Python objects)
PARSER = YAML(typ="safe", pure=False)


def stops(text: str) -> int | None:
    """The 0-based line where the parser stops reading `text`, or None when it reads (or
    fails with no place to name)."""
    try:
        for _event in PARSER.parse(text):
            pass
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        return mark.line if mark else None
    except (YAMLError, RecursionError, ValueError):
        return None
    return None


#: ruamel's own (pure Python) parser, which `icp fmt` reads with: stricter than the C one
#: about tabs (`status:<tab>active`, `Director of<tab>Revenue`, a tab before a comment)
_PURE = YAML(typ="safe", pure=True)


def stray_tab(text: str) -> tuple[int, int] | None:
    """The 0-based line and column of a tab outside quotes, block text and comments that
    ruamel's pure parser refuses (the C parser reads it, so the file would read or not by
    which parser is installed, and `icp fmt` could not read it), or None."""
    if "\t" not in text:
        return None
    try:
        for _event in _PURE.parse(text):
            pass
    except MarkedYAMLError as exc:
        mark = exc.problem_mark
        if mark is not None and text[mark.index : mark.index + 1] == "\t":
            return mark.line, mark.column
    except (YAMLError, RecursionError, ValueError):
        return None
    return None
