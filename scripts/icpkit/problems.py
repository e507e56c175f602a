"""One problem type for every finding: file:line:col, level, message, rule id, JSON path."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from .textsafety import message_line, one_line


class Level(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"
    #: context for other problems (never fails a run, even with --strict)
    NOTE = "note"


@dataclass(frozen=True, order=True)
class Problem:
    """A finding in a file. Lines and columns are 1-based."""

    path: str
    line: int
    column: int
    level: Level
    message: str
    rule: str
    json_path: str = "$"

    def __post_init__(self) -> None:
        # the one place every problem's words are made: a value echoed in them (a newline,
        # ESC, a right-to-left override) is shown as its escape, and a long one as its start
        # and length, in every output format
        object.__setattr__(self, "message", message_line(self.message))
        object.__setattr__(self, "path", one_line(self.path))

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.level} {self.message} ({self.rule})"

    def as_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "level": str(self.level),
            "message": self.message,
            "rule": self.rule,
            "json_path": self.json_path,
        }


def one_per_line(problems: list[Problem], rule: str) -> list[Problem]:
    """Problems of `rule` on one line of one file are one mistake (typographic quotes
    pasted around each value of `[‘a’, ‘b’]`): the first is kept, saying how many more
    values the line holds; the others are dropped."""
    first: dict[tuple[str, int], int] = {}
    more: dict[int, int] = {}
    for i, p in enumerate(problems):
        if p.rule == rule:
            at = first.setdefault((p.path, p.line), i)
            if at != i:
                more[at] = more.get(at, 0) + 1
    out = []
    for i, p in enumerate(problems):
        if p.rule != rule:
            out.append(p)
        elif first[(p.path, p.line)] == i:
            n = more.get(i, 0)
            extra = f" (and {n} more value{'s' if n > 1 else ''} on this line)" if n else ""
            out.append(replace(p, message=p.message + extra))
    return out


@dataclass
class Report:
    """All problems of one run, collected before anything fails."""

    problems: list[Problem] = field(default_factory=list)
    files_checked: int = 0

    def extend(self, problems: Iterable[Problem]) -> None:
        self.problems.extend(problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level is Level.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.level is Level.WARNING]

    def failed(self, *, strict: bool) -> bool:
        return bool(self.errors or (strict and self.warnings))

    def sorted(self) -> list[Problem]:
        return sorted(set(self.problems))


def json_path(parts: Iterable[str | int]) -> str:
    out = "$"
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


# --- the registry of problem ids ---------------------------------------------------------------

#: every problem id `icp validate` can report -> what it means, in one line. An id that is
#: not here is a bug (a test scans the package and runs the corpus against this table); the
#: handbook's reference page `problems.md` is generated from it (`problems_markdown`).
PROBLEMS: dict[str, str] = {
    # reading YAML (icpkit.loading.yamlio)
    "file-read": "The file could not be read (missing, unreadable, or not a file).",
    "yaml-syntax": "The file is not valid YAML.",
    "yaml-encoding": "The file is not UTF-8 text, or starts with a byte order mark.",
    "yaml-size": "The file is larger than a handbook file can be.",
    "yaml-empty": "The file holds no document.",
    "yaml-multi-doc": "The file holds more than one YAML document (a second ---).",
    "yaml-directive": "The file uses a YAML directive (%YAML, %TAG), which handbooks do not.",
    "yaml-tabs": "A tab is used for indentation; YAML needs spaces.",
    "yaml-indent": "A line indented more or less than the lines it belongs with.",
    "yaml-alias": "An anchor or alias (& or *) is used; write each value out.",
    "yaml-depth": "The document nests deeper than a handbook file can.",
    "yaml-tag": "An explicit YAML tag (!!str, !foo) is used.",
    "yaml-key": "A key is not plain text (a list, a mapping, or an empty key).",
    "yaml-typographic-quotes": (
        "A value is wrapped in typographic quotes (‘ ’, “ ”) pasted from a document."
    ),
    "yaml-duplicate-key": "The same key appears twice in one mapping.",
    "yaml-value": "A value is not a valid number or date as written (or is .nan / .inf).",
    "merged-item": "A '- ' line read as more of the text above it (indented too far).",
    "yaml-comment-value": (
        "A value that starts with # or has one in it (read as a comment): put it in quotes."
    ),
    "yaml-control-character": "A raw control character (NUL, ESC, ...) in the file.",
    "unsafe-character": "A control, bidirectional or invisible character in a value or key.",
    # the JSON Schema of each kind (icpkit.loading.schema): schema-<validator>
    "schema-additionalProperties": "A key that the kind's schema does not know.",
    "schema-required": "A required key is missing.",
    "schema-type": "A value of the wrong type (text where a number is expected, ...).",
    "schema-enum": "A value that is not one of the allowed values.",
    "schema-const": "A value other than the one the schema requires.",
    "schema-pattern": "A value that does not have the required form (an id, a date, ...).",
    "schema-format": "A value that is not in the required format (a date as YYYY-MM-DD).",
    "schema-propertyNames": "A name (a key) that does not have the required form.",
    "schema-minItems": "A list with fewer items than required.",
    "schema-minLength": "Text shorter than required (often: empty).",
    "schema-minProperties": "A mapping with fewer entries than required (often: empty).",
    "schema-maxItems": "A list with more items than allowed.",
    "schema-maxLength": "Text longer than allowed.",
    "schema-minimum": "A number below the allowed minimum.",
    "schema-maximum": "A number above the allowed maximum.",
    "schema-uniqueItems": "A list that holds a value twice.",
    "schema-not": "A value the schema excludes.",
    "schema-oneOf": "A value that fits none (or several) of the allowed shapes.",
    "schema-anyOf": "A value that fits none of the allowed shapes.",
    # building the handbook (icpkit.loading.handbook, icpkit.loading.conditions)
    "document-type": "A file that is not a mapping starting with 'kind:'.",
    "duplicate-kind": "A second document of a kind the handbook has once (vocabulary, ...).",
    "missing-rules": "A document the handbook needs (rules/vocabulary.yaml, ...) is missing.",
    "duplicate-id": "The same id is used twice (profiles, rules, fields, segments, regions).",
    "duplicate-alias": "Two value aliases of a field that compare the same (case aside).",
    "id-file-name": "A profile whose id is not its file's name (profiles/icp/ID.yaml).",
    "field-values": "Values given on a field whose type takes none, or missing where needed.",
    "unknown-value": "A value (an alias, a country, an operand) that the field does not allow.",
    "unknown-field": "A field name that is not in rules/vocabulary.yaml.",
    "unknown-segment": "A segment name that is not in rules/segments.yaml.",
    "unknown-region": "A region name that is not in rules/regions.yaml.",
    "segment-cycle": "Segments that refer to each other in a loop.",
    "tier-order": "Tier thresholds that are not A above B above C.",
    "condition-shape": "A condition that is not one of field + operator, segment, all, any, not.",
    "operator-type": "An operator used on a field type it does not apply to.",
    "operand-type": "An operand that does not fit the field or the operator.",
    "operand-order": "A between whose low value comes after its high value.",
    "fixture-value": "A fixture company value that does not fit its field.",
    "operand-never-equal": "An operand no value can equal once normalised (no letter or digit).",
    "operand-splits": "A set member operand holding ';', ',' or '|', where a CSV cell is split "
    "(a warning).",
    "min-length-form": "A phrase whose written and compared lengths straddle min_length "
    "(a warning).",
    "empty-words": "A word list (mentions) with an entry that has no letter or digit.",
    "count-range": "at_least / at_most N of conditions with N above the number of conditions.",
    "group-shape": "A group inside a first-match group (its tiers must be criteria).",
    "normalisation-fold": "A fold of the vocabulary's normalisation that cannot be applied.",
    # cross-document checks (icpkit.loading.checks)
    "review-overdue": "A profile whose review is overdue by its cadence (a warning).",
    "review-future": "A profile whose last review is dated after today (a warning).",
    "unknown-profile": "A reference to an ICP that does not exist.",
    "unknown-rule": "A reference to a rule that is not a rule of the profile.",
    "unknown-reference": "A reference (a route, an owner, ...) to something that does not exist.",
    "unsatisfiable": "Hard requirements that no company can meet together.",
    "number-form": "A number not written plainly (0x10, 010, 1_000, 1e3, +5, .5).",
    "unreachable-tier": "A tier that the criteria's points can never reach.",
    "always-disqualified": "Requirements that every company meeting them is disqualified by.",
    "cap-unreachable": "A group's cap above the most its criteria can give (a warning).",
    "first-match-order": "A first-match tier worth more than a tier above it (a warning).",
    "gate-always-true": "A status gate that every company meets (none would ever be scored).",
    "gate-never-met": "A status gate no company meets: its status is never given (a warning).",
    "rule-never-met": "A rule no company meets: its points, disqualification or flag are never "
    "given (a warning).",
    "rule-always-met": "A rule every company meets (an error for a disqualifier, else a warning).",
    "placeholder": "Text or an example rule written by icp new that was never replaced.",
    # one root error per mistake (icpkit.loading.dependents)
    "dependents": (
        "A note, not an error: this file's other checks and those of other files wait for "
        "its error."
    ),
}


def problems_markdown() -> str:
    """The reference page of problem ids (Markdown: one table row per id, in registry order)."""
    rows = "\n".join(f"| `{ident}` | {meaning} |" for ident, meaning in PROBLEMS.items())
    return (
        "# Problems `icp validate` reports\n\n"
        "Each problem names its id in parentheses at the end of the line.\n\n"
        "| Id | What it means |\n| --- | --- |\n" + rows + "\n"
    )
