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
