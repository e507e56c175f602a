"""A YAML node tree built into plain Python data, with a position for every value.

ruamel.yaml's C parser composes the node tree (fast, and every node keeps its
start mark); `Document` then holds plain data built from the nodes here, so that
every trap becomes a problem with a position instead of a traceback: tags,
anchors and aliases, impossible dates, huge integers, duplicate keys, nesting
over `MAX_DEPTH`. Reading a file (size, encoding, directives) is `yamlio`'s.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TypeGuard

from ruamel.yaml.constructor import SafeConstructor
from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..problems import Level, Problem, json_path
from ..textsafety import describe, unsafe_characters, visible, without_unsafe
from ..yamlvalues import (
    CURRENCY_SIGN,
    UNIT,
    YamlDate,
    describe_value,
    digits_meant,
    number_marks,
    odd_number,
    plain_number_advice,
    quoted_advice,
)
from .parser import PARSER as _yaml

MAX_DEPTH = 40
#: problems with one value that leave the document's shape whole
VALUE_RULES = frozenset({"yaml-value", "unsafe-character", "yaml-comment-value", "merged-item"})

_TAG = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
_COLLECTION_TAGS = {_TAG + "map", _TAG + "seq"}


@dataclass
class Document:
    """A loaded YAML file: its data, and its node tree for positions."""

    path: str
    data: Any
    root: Node | None
    problems: list[Problem] = field(default_factory=list)
    text: str = ""

    @property
    def complete(self) -> bool:
        """Whether the data has its whole shape: only single values were refused (.nan, .inf,
        a bad date, an unsafe character), so the schema can still check everything else."""
        return self.data is not None and all(p.rule in VALUE_RULES for p in self.problems)

    def numbers_as_written(self) -> dict[str, str]:
        """The top-level keys whose value is a plain (unquoted) number or date, with its text
        as written: `8.000` is 8.0 to YAML but may be eight thousand to the person who wrote
        it, and `2026-1-5` a date to YAML but not the date form a CSV cell is read in, so a
        company file's numbers and dates are read from their text, as a CSV cell is."""
        if not isinstance(self.root, MappingNode):
            return {}
        out = {}
        kinds = (_TAG + "int", _TAG + "float", _TAG + "timestamp")
        for k, v in self.root.value:
            numeric = v.tag in kinds if isinstance(v.tag, str) else False
            if isinstance(k, ScalarNode) and isinstance(v, ScalarNode) and numeric:
                out[str(k.value)] = str(v.value)
        return out

    def problem_at(
        self,
        parts: Sequence[str | int],
        message: str,
        rule: str,
        *,
        level: Level = Level.ERROR,
        key: bool = False,
    ) -> Problem:
        """A problem at the value (or, with `key`, the key) that `parts` leads to: the one
        constructor of a positioned problem that the loader, builder and checks share."""
        line, column = self.position(parts, key=key)
        return Problem(self.path, line, column, level, message, rule, json_path(parts))

    def node(self, parts: Sequence[str | int]) -> Node | None:
        """The node of the value at `parts`, or None when `parts` leads to none."""
        node = self.root
        for part in parts:
            found = _child(node, part) if node is not None else None
            if found is None:
                return None
            node = found[1]
        return node

    def written(self, parts: Sequence[str | int]) -> str | None:
        """The text of the scalar at `parts` as written in the file (`010`, `1e3`, `true`),
        or None when `parts` leads to no scalar."""
        node = self.node(parts)
        return node.value if isinstance(node, ScalarNode) else None

    def source(self, parts: Sequence[str | int]) -> str | None:
        """The text of the value at `parts` as it stands in the file (a flow list's `[...]`),
        or None when `parts` leads to no node."""
        node = self.node(parts)
        if node is None or not self.text:
            return None
        return self.text[node.start_mark.index : node.end_mark.index]

    def position(self, parts: Sequence[str | int], *, key: bool = False) -> tuple[int, int]:
        """1-based line and column of the value at `parts` (or of its key).

        When the path leads nowhere, the deepest existing node is used. An empty
        value points at its key (its own mark is on the next line)."""
        node = self.root
        if node is None:
            return 1, 1
        key_node: Node | None = None
        for part in parts:
            found = _child(node, part)
            if found is None:
                break
            key_node, node = found
        target = node
        empty = isinstance(node, ScalarNode) and node.value == "" and key_node is not None
        if key_node is not None and (key or empty):
            target = key_node
        return target.start_mark.line + 1, target.start_mark.column + 1


def _child(node: Node, part: str | int) -> tuple[Node | None, Node] | None:
    if isinstance(node, MappingNode):
        for k, v in node.value:
            if isinstance(k, ScalarNode) and k.value == str(part):
                return k, v
    elif isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
        return None, node.value[part]
    return None


class NodeBuilder:
    """Builds plain data from a composed node tree, collecting problems."""

    def __init__(self, path: str, text: str = "") -> None:
        self.path = path
        self.text = text
        self.in_key = False
        self.problems: list[Problem] = []
        self.seen: set[int] = set()
        self.scalars: SafeConstructor = _yaml.constructor

    def problem(self, node: Node, message: str, rule: str, parts: list[str | int]) -> None:
        mark = node.start_mark
        self.problems.append(
            Problem(
                self.path,
                mark.line + 1,
                mark.column + 1,
                Level.ERROR,
                message,
                rule,
                json_path(parts),
            )
        )

    def build(self, node: Node, parts: list[str | int]) -> Any:
        if id(node) in self.seen:
            if any(p.rule == "yaml-alias" for p in self.problems):
                return None  # one alias problem per file is enough (and bounds an alias bomb)
            self.problem(
                node,
                "found an alias (*name) to an anchor; profiles do not use anchors or "
                "aliases: write the value out",
                "yaml-alias",
                parts,
            )
            return None
        self.seen.add(id(node))
        start = node.start_mark.index
        if self.text[start : start + 1] == "&" and not any(
            p.rule == "yaml-alias" for p in self.problems
        ):  # an anchor: the C composer keeps no name for it, the text does
            name = self.text[start:].split(None, 1)[0]
            self.problem(
                node,
                f"found the anchor {visible(name, keep_newlines=False)}; expected no anchors "
                "or aliases in a profile: remove it (and write out each value it repeats)",
                "yaml-alias",
                parts,
            )
        if len(parts) > MAX_DEPTH:
            self.problem(
                node,
                f"found nesting deeper than {MAX_DEPTH} levels; expected a flatter document",
                "yaml-depth",
                parts,
            )
            return None
        tag = str(node.tag)
        if isinstance(node, MappingNode):
            if tag not in _COLLECTION_TAGS:
                return self._bad_tag(node, tag, parts)
            return self._mapping(node, parts)
        if isinstance(node, SequenceNode):
            if tag not in _COLLECTION_TAGS:
                return self._bad_tag(node, tag, parts)
            return self._sequence(node, parts)
        if tag not in _ALLOWED_TAGS or not isinstance(node, ScalarNode):
            return self._bad_tag(node, tag, parts)
        return self._scalar(node, tag, parts)

    def _bad_tag(self, node: Node, tag: str, parts: list[str | int]) -> None:
        shown = tag.replace(_TAG, "!!")
        self.problem(
            node,
            f"found the tag {shown}; expected plain YAML without tags (remove it, "
            "or put the value in quotes)",
            "yaml-tag",
            parts,
        )

    def _mapping(self, node: MappingNode, parts: list[str | int]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        first: dict[str, Node] = {}
        grouped = self._digit_groups(node, parts)
        for knode, vnode in node.value:
            if id(knode) in grouped:
                continue  # `at_least: 500,000`: said once, on the number
            if not isinstance(knode, ScalarNode):
                self.problem(
                    knode, "found a list or mapping as a key; expected a name", "yaml-key", parts
                )
                continue
            if knode.tag == _TAG + "merge":
                self._merge_key(knode, parts)
                continue
            self.in_key = True
            key = self.build(knode, parts)
            self.in_key = False
            if isinstance(key, str) and not isinstance(key, YamlDate):
                # the unsafe character was said (`_unsafe`): the key is read without it, so
                # that 'owners' + a zero-width space is that one error, not also unknown
                key = without_unsafe(key) or key
            if not isinstance(key, str) or isinstance(key, YamlDate):
                written = visible(knode.value, keep_newlines=False)
                shown = (
                    f"'{written}', which YAML reads as an empty value,"
                    if key is None
                    else f"{describe_value(key)} '{written}'"
                )
                self.problem(
                    knode,
                    f"found {shown} as a key; expected a name (put it in quotes)",
                    "yaml-key",
                    parts,
                )
                continue
            if key in first:
                line = first[key].start_mark.line + 1
                self.problem(
                    knode,
                    f"found the key '{key}' a second time (first on line {line}); "
                    "expected each key once",
                    "yaml-duplicate-key",
                    [*parts, key],
                )
                continue
            first[key] = knode
            out[key] = self.build(vnode, [*parts, key])
            if out[key] is None and isinstance(vnode, ScalarNode) and not vnode.value:
                self._comment_for_value(knode, key, [*parts, key])
        return out

    def _merge_key(self, knode: ScalarNode, parts: list[str | int]) -> None:
        """`<<: *base` or `<<: {...}`: YAML's merge key copies the keys of another mapping
        into this one. One problem at the key, said with the anchors and aliases it belongs
        with: none when an anchor was said already (its problem says to write the values
        out), and its value is not read (no second problem for the alias or the tag)."""
        if any(p.rule == "yaml-alias" for p in self.problems):
            return
        self.problem(
            knode,
            "found the merge key '<<', which copies the keys of another mapping; expected "
            "the keys written out one by one (profiles do not use merge keys, anchors or "
            "aliases)",
            "yaml-alias",
            parts,
        )

    def _sequence(self, node: SequenceNode, parts: list[str | int]) -> list[Any]:
        """A list's items. Inside [ ] a comma ends a value, so `[5,000]` is 5 and 0: a number
        whose groups of three digits follow it with no space, one of them starting with 0
        (no one writes 000 as a value of its own), is read as the number meant and said once
        (`[50,500]`, two values, is left as it is)."""
        items = node.value
        out: list[Any] = []
        i = 0
        while i < len(items):
            head = items[i]
            groups: list[ScalarNode] = []
            if node.flow_style and _plain(head) and _HEAD.fullmatch(head.value):
                end = head.end_mark.index
                for nxt in items[i + 1 :]:
                    if not (
                        _plain(nxt)
                        and _GROUP.fullmatch(nxt.value)
                        and nxt.start_mark.index == end + 1
                        and self.text[end : end + 1] == ","
                    ):
                        break
                    groups.append(nxt)
                    end = nxt.end_mark.index
                    if not nxt.value.isdigit():
                        break  # a unit ends the number: `2,000 employees`
            written = ",".join([head.value, *(g.value for g in groups)]) if groups else ""
            marked = not written.replace(",", "").isdigit()
            if groups and (marked or any(g.value.startswith("0") for g in groups)):
                meant = digits_meant(written)
                self.problem(
                    head,
                    f"found {visible(written, keep_newlines=False)} inside [ ], where a comma "
                    f"ends a value (so it reads as {len(groups) + 1} values); expected the "
                    f"number without separators{number_marks(written)} ({meant})",
                    "yaml-value",
                    parts,  # the list's path: its length is said once this is fixed
                )
                for g in (head, *groups):
                    self.seen.add(id(g))
                out.append(int(meant))
                i += len(groups) + 1
                continue
            out.append(self.build(head, [*parts, len(out)]))
            i += 1
        return out

    def _digit_groups(self, node: MappingNode, parts: list[str | int]) -> set[int]:
        """`{at_least: 500,000}`: inside { } a comma ends a value, so each group of three
        digits after a number reads as a key of its own. One problem on the number; the ids
        of the key nodes that are its groups (left out of the mapping)."""
        if not node.flow_style:
            return set()
        grouped: set[int] = set()
        entries = node.value
        for i, (knode, vnode) in enumerate(entries):
            if not (
                isinstance(vnode, ScalarNode) and not vnode.style and _HEAD.fullmatch(vnode.value)
            ):
                continue
            groups = []
            for gkey, gvalue in entries[i + 1 :]:
                if not (_colonless(gkey, gvalue) and _GROUP.fullmatch(gkey.value)):
                    break
                groups.append(gkey)
                if not gkey.value.isdigit():
                    break  # a unit ends the number: `250,000 USD`
            if not groups:
                grouped |= self._decimal_comma(knode, vnode, entries[i + 1 :], parts)
                continue
            grouped.update(id(g) for g in groups)
            written = ",".join([vnode.value, *(g.value for g in groups)])
            key = visible(str(knode.value), keep_newlines=False)
            self.problem(
                vnode,
                f"found {visible(written, keep_newlines=False)} inside {{ }}, where a comma "
                f"ends a value (so {visible(groups[0].value, keep_newlines=False)} reads as a "
                f"key of its own); expected the number without separators"
                f"{number_marks(written)} ({key}: {digits_meant(written)})",
                "yaml-key",
                [*parts, str(knode.value)],
            )
        return grouped

    def _decimal_comma(
        self,
        knode: Node,
        vnode: ScalarNode,
        rest: list[tuple[Node, Node]],
        parts: list[str | int],
    ) -> set[int]:
        """`{at_least: 0,3}`: a decimal comma inside { } ends the value, so the decimals
        read as a key ('3'). Digits that are no group of three (`0,3`, `12,5`, `1,2345`) are
        decimals: one problem on the number, with the decimal point to write; the id of
        the decimals' key node (left out of the mapping)."""
        if not rest:
            return set()
        gkey, gvalue = rest[0]
        if not (
            _colonless(gkey, gvalue)
            and gkey.value.isdigit()
            and len(gkey.value) != 3
            # the comma between them and nothing else: `10, 5` is two values, no decimals
            and self.text[vnode.end_mark.index : gkey.start_mark.index] == ","
        ):
            return set()
        key = visible(str(knode.value), keep_newlines=False)
        written = f"{vnode.value},{gkey.value}"
        self.problem(
            vnode,
            f"found {visible(written, keep_newlines=False)} inside {{ }}, where a comma ends a "
            f"value (so {gkey.value} reads as a key of its own); expected a decimal point "
            f"({key}: {digits_meant(vnode.value)}.{gkey.value})",
            "yaml-key",
            [*parts, str(knode.value)],
        )
        return {id(gkey)}

    def _comment_for_value(self, knode: Node, key: str, parts: list[str | int]) -> None:
        """`chat: #sales-na`: a # right after the colon starts a comment, so the value is
        empty. A comment without a space after its # is almost always a value meant."""
        m = re.match(r"\s*:\s+(#(\S.*?))\s*$", self._rest_of_line(knode))
        if not m:
            return
        written = m.group(1)
        self._comment_problem(
            knode.end_mark.index + m.start(1),
            f"found a comment ({visible(written, keep_newlines=False)}) where the value of "
            f"'{visible(key, keep_newlines=False)}' should be: # after a space starts a "
            f"comment, so the value is empty; expected the value in quotes "
            f"({visible(key, keep_newlines=False)}: "
            f"'{visible(written, keep_newlines=False)}')",
            parts,
        )

    def _comment_cuts(self, node: ScalarNode, parts: list[str | int]) -> None:
        """`label: Raised Series #B or C`: a # after a space starts a comment, so the text
        ends before it. A comment without a space after its # is almost always more of the
        value (as `chat: #sales-na` is the value), so it is said at the #."""
        if node.style or self.in_key or not self.text:
            return
        m = re.match(r"([ \t]+)(#[^\s#].*?)\s*$", self._rest_of_line(node))
        if not m:
            return
        value = visible(node.value, keep_newlines=False)
        written = visible(m.group(2), keep_newlines=False)
        meant = quoted_advice(f"{node.value}{m.group(1)}{m.group(2)}")
        key = parts[-1] if parts and isinstance(parts[-1], str) else None
        whole = f"{visible(key, keep_newlines=False)}: {meant}" if key else f"- {meant}"
        self._comment_problem(
            node.end_mark.index + m.start(2),
            f"found '{_clip(written)}' after '{_clip(value)}': # after a space starts a "
            f"comment, so the value ends before it; expected the whole value in quotes "
            f"({visible(whole, keep_newlines=False)}), or a space after the # if it is "
            "a comment",
            parts,
        )

    def _rest_of_line(self, node: Node) -> str:
        """The text after `node` up to the end of its line."""
        line_end = self.text.find("\n", node.end_mark.index)
        return self.text[node.end_mark.index : line_end if line_end >= 0 else None]

    def _comment_problem(self, at: int, message: str, parts: list[str | int]) -> None:
        """A yaml-comment-value error at offset `at` of the text."""
        before = self.text[:at]
        self.problems.append(
            Problem(
                self.path,
                before.count("\n") + 1,
                at - (before.rfind("\n") + 1) + 1,
                Level.ERROR,
                message,
                "yaml-comment-value",
                json_path(parts),
            )
        )

    def _merged_item(self, node: ScalarNode, parts: list[str | int]) -> None:
        """Plain text over several lines with a line starting with '- ': a list item
        indented more than its list's items, which YAML reads as more of the text above
        ('… wrong data - Pipeline reports …'). A warning at that line."""
        if node.style or node.end_mark.line == node.start_mark.line or not self.text:
            return
        lines = self.text[node.start_mark.index : node.end_mark.index].split("\n")
        for offset, line in enumerate(lines[1:], start=1):
            stripped = line.lstrip(" ")
            if not stripped.startswith("- "):
                continue
            start_line = self.text.rfind("\n", 0, node.start_mark.index) + 1
            head = self.text[start_line : node.start_mark.index]
            item = head.rstrip(" ")
            column = len(item) if parts and isinstance(parts[-1], int) and item.endswith("-") else 0
            where = (
                f"at column {column} as an item of its own"
                if column
                else "on a line of its own as an item of a list"
            )
            self.problems.append(
                Problem(
                    self.path,
                    node.start_mark.line + offset + 1,
                    len(line) - len(stripped) + 1,
                    Level.WARNING,
                    f"found '{_clip(visible(stripped, keep_newlines=False))}' inside the text "
                    f"that starts on line {node.start_mark.line + 1}: a line starting with '- ' "
                    "indented more than its list's items is read as more of that text; "
                    f"expected it {where}, or the text in quotes if the dash belongs to it",
                    "merged-item",
                    json_path(parts),
                )
            )
            return

    def _unsafe(self, node: ScalarNode, parts: list[str | int]) -> None:
        """Control characters anywhere, and bidirectional or invisible characters in names
        (keys, ids, titles, labels), each at its position in the file (the value's own
        position when it is written as an escape)."""
        found = [
            (index, char, kind)
            for index, char, kind in unsafe_characters(node.value)
            if kind == "a control character" or self.in_key or _is_name(parts)
        ]
        if not found:
            return
        _, char, kind = found[0]
        start, end = node.start_mark.index, node.end_mark.index
        raw = self.text.find(char, start, end) if self.text else -1
        mark = node.start_mark
        line, column = mark.line + 1, mark.column + 1
        if raw >= 0:
            before = self.text[:raw]
            line = before.count("\n") + 1
            column = raw - (before.rfind("\n") + 1) + 1
        listed = ", ".join(f"{describe(c)} at character {i + 1}" for i, c, _ in found[:5])
        more = f" and {len(found) - 5} more" if len(found) > 5 else ""
        kinds = sorted({k.split(" ", 1)[1] for _, _, k in found})
        what = (" or ".join(kinds) + "s") if len(found) > 1 else kind.split(" ", 1)[1]
        shown = _clip(visible(node.value, keep_newlines=False), 60)
        written = "" if raw >= 0 else " (written as escapes)"
        clean = without_unsafe(node.value)
        expected = (
            f"expected the key '{clean}' without {'them' if len(found) > 1 else 'it'}"
            if self.in_key and clean
            else "expected plain text"
        )
        self.problems.append(
            Problem(
                self.path,
                line,
                column,
                Level.ERROR,
                f"found {'' if len(found) > 1 else 'a' + ('n' if what[0] in 'aeiou' else '') + ' '}"
                f"{what} in '{shown}': {listed}{more}{written}; {expected} "
                "(they can hide or reorder what people read)",
                "unsafe-character",
                json_path(parts),
            )
        )

    def _scalar(self, node: ScalarNode, tag: str, parts: list[str | int]) -> Any:
        if tag == _TAG + "str":
            self._unsafe(node, parts)
            self._merged_item(node, parts)
            self._comment_cuts(node, parts)
            return node.value
        try:
            value = self.scalars.construct_object(node, deep=True)
            self.scalars.constructed_objects.clear()
        except (ValueError, OverflowError, YAMLError) as exc:
            what = "date" if tag.endswith("timestamp") else "number"
            self.problem(
                node,
                f"found '{_clip(node.value)}', which is not a valid {what} ({short_error(exc)}); "
                "expected a real one, or quotes if you meant text",
                "yaml-value",
                parts,
            )
            return None
        if isinstance(value, dt.date):
            return YamlDate(value, str(node.value))
        if isinstance(value, float) and value != value:  # NaN
            self.problem(node, "found .nan; expected a number", "yaml-value", parts)
            return None
        if isinstance(value, float) and value in (math.inf, -math.inf):
            self.problem(node, f"found {node.value}; expected a finite number", "yaml-value", parts)
            return None
        return value


#: the first group of a number written with separators inside { } (`500`, `$250`), and the
#: groups after it (`000`, the last with a unit: `000 USD`)
_HEAD = re.compile(rf"{CURRENCY_SIGN}?\d+")
_GROUP = re.compile(rf"\d{{3}}{UNIT}?")

_NAMES = frozenset({"id", "title", "name", "label", "rule", "owners", "kind", "field"})


def _is_name(parts: Sequence[str | int]) -> bool:
    """Whether a value is name-like (ids, titles, labels, owners, fields, rules)."""
    names = [p for p in parts if isinstance(p, str)]
    return bool(names) and names[-1] in _NAMES


def _plain(node: Node) -> bool:
    """An unquoted scalar."""
    return isinstance(node, ScalarNode) and not node.style


def _colonless(key: Node, value: Node) -> TypeGuard[ScalarNode]:
    """Inside { }, a plain word read as a key with no colon written after it (YAML gives it
    an empty value that starts where it ends): what a comma inside a value leaves behind."""
    return (
        _plain(key)
        and isinstance(value, ScalarNode)
        and not value.value
        and value.start_mark.index == key.end_mark.index
    )


def number_form(doc: Document, parts: Sequence[str | int], value: float) -> Problem | None:
    """The problem with the number at `parts` when written in a form a person does not mean
    or YAML readers disagree on (`0x10`, `010`, `1_000`, `1e3`, `+5`, `.5`:
    `yamlvalues.odd_number`), with the plain number to write; None when written plainly."""
    written = doc.written(parts)
    odd = None if written is None else odd_number(written, value)
    if odd is None:
        return None
    how, meant = odd
    advice = "write it in digits" if meant is None else plain_number_advice(meant, of_a_field=False)
    return doc.problem_at(
        parts,
        f"found the number '{written}', written {how}; expected a plain number: {advice}",
        "number-form",
    )


def _clip(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def compose_one(text: str) -> Document | None:
    """`text` read as one whole document without a file behind it (quiet: no problem is
    raised), or None when it is not one YAML document."""
    try:
        for _event in _yaml.parse(text):  # a quick look first: most texts tried do not read
            pass
        nodes = [n for n in _yaml.compose_all(text) if n is not None]
    except (YAMLError, RecursionError, ValueError):
        return None
    if len(nodes) != 1:
        return None
    builder = NodeBuilder("", text)
    return Document("", builder.build(nodes[0], []), nodes[0], builder.problems, text)


def short_error(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return _clip(text, 80)
