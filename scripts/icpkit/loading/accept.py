"""`icp test --update`: accept an intended change by rewriting the expected outcomes it moved.

The snapshot-testing habit: after retuning a criterion, every fixture whose expectation no
longer holds gets the new outcome written in place of the old one. Only the value's own
characters in the file change (found through the YAML node's start and end), so comments,
quotes, key order and layout stay exactly as written. A fixture lists what may never be
rewritten under `pinned:` (`pinned: [tier]`, or `pinned: true` for every expectation);
those are refused and must be changed by hand.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..atomic import write_text
from ..engine.ruletests import CheckResult
from .yamlio import load_file

_PLAIN = re.compile(r"^[A-Za-z][A-Za-z0-9_./-]*$")
_RESERVED = frozenset({"null", "true", "false", "yes", "no", "on", "off", "y", "n", "~"})


@dataclass(frozen=True)
class Move:
    """One expectation whose outcome moved: where it is written, and what to write."""

    path: str
    line: int
    name: str
    before: Any
    after: Any
    #: why it was not rewritten (pinned, or the rule no longer exists); None when it was
    refused: str | None = None


@dataclass
class Accepted:
    """What `--update` did: every moved expectation, and the files rewritten."""

    moves: list[Move] = field(default_factory=list)
    written: list[str] = field(default_factory=list)

    @property
    def refused(self) -> list[Move]:
        return [m for m in self.moves if m.refused is not None]


def render_value(value: Any) -> str:
    """A value as YAML in the file's style: plain when it can be, else double-quoted; a
    list in flow style (`[a, b]`)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(render_value(v) for v in value) + "]"
    text = str(value)
    if _PLAIN.match(text) and text.lower() not in _RESERVED:
        return text
    return json.dumps(text, ensure_ascii=False)


def _value_node(root: Node | None, parts: Sequence[str]) -> tuple[Node, Node] | None:
    """(key node, value node) at `parts`."""
    node: Node | None = root
    pair = None
    for part in parts:
        if not isinstance(node, MappingNode):
            return None
        pair = next(
            ((k, v) for k, v in node.value if isinstance(k, ScalarNode) and k.value == part),
            None,
        )
        if pair is None:
            return None
        node = pair[1]
    return pair


def _edit(key: Node, node: Node, value: Any) -> tuple[int, int, str]:
    """The (start, end, text) that writes `value` in place of `node`, in the node's style."""
    if isinstance(node, SequenceNode) and not node.flow_style and node.value:
        end = node.value[-1].end_mark.index
        if not isinstance(value, list | tuple) or not value:
            return key.end_mark.index, end, ": " + render_value(value)
        indent = "\n" + " " * node.start_mark.column
        return node.start_mark.index, end, indent.join(f"- {render_value(v)}" for v in value)
    return node.start_mark.index, node.end_mark.index, render_value(value)


def _pinned(data: Any, key: str) -> bool:
    pinned = data.get("pinned") if isinstance(data, dict) else None
    base = key.split("[", 1)[0]
    return pinned is True or (isinstance(pinned, list) and base in pinned)


def accept(root: Path, failed: Sequence[CheckResult], *, write: bool = True) -> Accepted:
    """Rewrite the expected outcome of each failed rule test in its fixture file under `root`.

    Refuses (and leaves as they are) pinned expectations and criteria whose rule no longer
    exists. With `write` false nothing is written (a dry run). Raises nothing for a
    fixture that cannot be rewritten: it is listed as refused, with the reason."""
    result = Accepted()
    by_path: dict[str, list[CheckResult]] = {}
    for r in failed:
        by_path.setdefault(r.check.fixture.path, []).append(r)
    for path, results in sorted(by_path.items()):
        doc = load_file(root / path, path)
        raw = (root / path).read_bytes().decode("utf-8")
        edits: list[tuple[int, int, str]] = []
        for r in results:
            key = r.check.key
            parts = (
                ["expect", "criteria", key[len("criteria[") : -1]]
                if key.startswith("criteria[")
                else ["expect", key]
            )
            reason = None
            pair = _value_node(doc.root, parts)
            if _pinned(doc.data, key):
                reason = "pinned: change it by hand if the change is intended"
            elif key.startswith("criteria[") and r.actual is None:
                reason = "the rule no longer exists: remove or rename the entry by hand"
            elif pair is None or doc.problems:
                reason = "cannot find the expectation in the file"
            line = pair[0].start_mark.line + 1 if pair is not None else r.check.line
            result.moves.append(Move(path, line, r.check.name, r.check.expected, r.actual, reason))
            if reason is None and pair is not None:
                edits.append(_edit(*pair, r.actual))
        if edits and write:
            text = raw
            for start, end, new in sorted(edits, reverse=True):
                text = text[:start] + new + text[end:]
            write_text(root / path, text)
            result.written.append(path)
    return result


def render(result: Accepted, *, tests_failed: int) -> str:
    """What moved and what was written or refused, one line each, then a summary."""
    lines = []
    for m in result.moves:
        what = f"{m.path}:{m.line}: {m.name}: {render_value(m.before)} → {render_value(m.after)}"
        lines.append(f"refused {what} ({m.refused})" if m.refused else f"updated {what}")
    done = len(result.moves) - len(result.refused)
    lines.append(
        f"{tests_failed} failing rule test{'s' if tests_failed != 1 else ''}: {done} "
        f"expectation{'s' if done != 1 else ''} updated in {len(result.written)} "
        f"file{'s' if len(result.written) != 1 else ''}, {len(result.refused)} refused"
        + ("; review the changes with git diff" if done else "")
    )
    return "\n".join(lines)
