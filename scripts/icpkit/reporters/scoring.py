"""A scoring run's summary, for the terminal (standard error: standard output may be data)."""

from __future__ import annotations

from ..engine.model import Handbook
from ..sql.companies import ignored_notes
from ..sql.scoring import ScoreSummary
from ..wording import accounts


def render(handbook: Handbook, s: ScoreSummary) -> str:
    plan = s.plan
    files = ", ".join(map(str, s.files or [s.output]))
    lines = [
        f"scored {accounts(s.rows)} into {files} (as of {s.provenance.get('as_of')}, "
        f"handbook {str(s.provenance.get('handbook_commit') or 'not in git')[:12]}"
        f"{' with uncommitted changes' if s.provenance.get('handbook_dirty') else ''})",
        f"id column: {plan.id_column}",
    ]
    lines.append("columns used: " + ", ".join(f"{col} → {fld}" for fld, col in plan.used.items()))
    if plan.missing:
        lines.append(
            "fields no column supplied (unknown for every account): " + ", ".join(plan.missing)
        )
    if plan.unused:
        lines.append("columns not used: " + ", ".join(plan.unused))
    for col, fld, currency in plan.other_currency:
        lines.append(
            f"warning: column {col} is in {currency}, not in the currency of {fld}: not read "
            f"(convert it, or --map {fld} to it if its amounts are in {fld}'s currency)"
        )
    lines += ignored_notes(plan)
    if s.convention:
        lines.append(s.convention)
    # a note that is a warning says so itself (a repeated header row skipped)
    lines += [note if note.startswith("warning: ") else f"note: {note}" for note in s.notes]
    lines.append("")
    lines.append(f"{'best profile':<32} {'A':>9} {'B':>9} {'C':>9} {'D':>9}")
    for profile in [i.id for i in handbook.active_icps] + [""]:
        counts = s.tiers.get(profile, {})
        if not counts:
            continue
        label = profile or "(no ICP fits)"
        lines.append(f"{label:<32} " + " ".join(f"{counts.get(t, 0):>9,}" for t in "ABCD"))
    for neg, n in s.disqualified.items():
        lines.append(f"disqualified by {neg}: {n:,}")
    lines += _statuses(s)
    lines += _unreadable(handbook, s)
    return "\n".join(lines + _ids(s))


def _unreadable(handbook: Handbook, s: ScoreSummary) -> list[str]:
    """The warnings on values not read: per field, its most frequent texts, and the first
    cells (a closed set's cell: its unrecognised members; the others are read)."""
    lines: list[str] = []
    for fld, n in s.unreadable.items():
        values = "value" if n == 1 else "values"
        if _closed_set(handbook, fld):
            # the set is partly known: its other members are read
            lines.append(
                f"warning: {n:,} {values} of {fld} had unrecognised members (each read as an "
                "unknown member; the members recognised are kept)"
            )
        else:
            lines.append(f"warning: {n:,} {values} of {fld} could not be read (counted as unknown)")
        common = s.spellings.get(fld, [])
        if common:
            shown = ", ".join(f"{text!r} ({k:,})" for text, k in common)
            choice = fld in handbook.fields and handbook.fields[fld].type in ("one_of", "set_of")
            hint = " (a --map file can give their values)" if choice else ""
            lines.append(f"  most frequent: {shown}{hint}")
    field_of = {col: fld for fld, col in s.plan.used.items()}
    for row, col, text, why in s.examples:
        said = f"{text!r}" + (f": {why}" if why else "")
        if _closed_set(handbook, field_of.get(col, "")):
            lines.append(f"warning: row {row}, column {col}: unrecognised members in {said}")
        else:
            lines.append(f"warning: row {row}, column {col}: cannot read {said}")
    return lines


def _closed_set(handbook: Handbook, name: str) -> bool:
    """A set field with a list of values: a cell counted for it has unrecognised members."""
    fld = handbook.fields.get(name)
    return fld is not None and fld.type == "set_of" and fld.values is not None


def _ids(s: ScoreSummary) -> list[str]:
    """Warnings on the id column: ids on more than one row, rows without an id."""
    lines = [
        f"warning: the account id {ident!r} is on rows {', '.join(map(str, rows))}; "
        "each row is scored"
        for ident, rows in s.duplicates
    ]
    missing, rows = s.no_id
    if missing:
        shown = ", ".join(map(str, rows)) + (" and more" if missing > len(rows) else "")
        lines.append(
            f"warning: {accounts(missing)} without an account id in column "
            f"{s.plan.id_column} (rows {shown}); each row is scored, but its scores cannot be "
            "matched to a record"
        )
    return lines


def _statuses(s: ScoreSummary) -> list[str]:
    lines = []
    insufficient = s.statuses.get("insufficient_data", 0)
    if insufficient:
        lines.append(
            f"insufficient data: {accounts(insufficient)} (not enough known to judge: no "
            "score, no tier, no best profile)"
        )
    for status, n in sorted(s.statuses.items()):
        if status not in ("scored", "disqualified", "insufficient_data"):
            lines.append(f"status {status}: {accounts(n)} (a status gate: no score, no tier)")
    if s.best_case:
        moves = ", ".join(
            f"{a.replace('insufficient_data', 'insufficient data')}→{b} {n:,}"
            for (a, b), n in s.best_case.items()
        )
        lines.append(f"tier if the unknowns went the account's way: {moves}")
        fields = ", ".join(f"{f} ({n:,})" for f, n in list(s.deciding.items())[:8])
        lines.append(
            f"  deciding fields (unknown, or a band across a rule's edge): {fields} "
            "(enrich these, or ask in a call)"
        )
    if s.at_risk_rows:
        by = ", ".join(f"{neg} ({n:,})" for neg, n in s.at_risk.items())
        lines.append(
            f"at risk of a disqualifier: {accounts(s.at_risk_rows)} above D (a disqualifier "
            f"unknown, not applied until it is known; column at_risk): {by}"
        )
    return lines
