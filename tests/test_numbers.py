"""Numbers are never silently wrong: each reading is the true value, or unknown with a
warning, whatever the style the number was written in (`icpkit.sql.numbers`); a number in a
handbook is written plainly, or one error says the plain number (`0x10`, `1_000`, `1e3`)."""

from __future__ import annotations

import csv
import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import REPO, TODAY
from icpkit.loading.handbook import load
from icpkit.loading.validate import validate
from icpkit.sql.companies import from_export, from_values
from icpkit.sql.connection import connect
from icpkit.sql.numbers import (
    AMOUNT,
    BAND,
    BLANKS,
    COMMA,
    COMMA_NUMBER,
    DOT,
    DOT_NUMBER,
    PLUS,
    detect,
    evidence,
    read_evidence,
)
from icpkit.sql.scoring import ScoreOptions, score

HANDBOOK = load(REPO).handbook
AS_OF = dt.date(2026, 11, 1)

#: style -> (convention, how a number is written)
STYLES = {
    "us": DOT,  # 1,234,567.89
    "us-plain": DOT,  # 1234567.89
    "swiss": DOT,  # 1'234'567.89
    "european": COMMA,  # 1.234.567,89
    "european-plain": COMMA,  # 1234567,89
    "french": COMMA,  # 1 234 567,89 (narrow no-break spaces)
    "french-nbsp": COMMA,  # 1 234 567,89 (no-break spaces, as Excel in French writes them)
    "si": DOT,  # 1 234 567.89 (narrow no-break spaces, a decimal point: Swiss, Canadian)
    "figure": COMMA,  # 1 234 567,89 (figure spaces)
    "us-padded": DOT,  # 1,234,567.89 between no-break and zero-width spaces
}


def written(value: Decimal, style: str) -> str:
    places = max(0, -int(value.as_tuple().exponent))
    us = f"{value:,.{places}f}"
    plain = f"{value:.{places}f}"
    return {
        "us": us,
        "us-plain": plain,
        "swiss": us.replace(",", "'"),
        "european": us.translate(str.maketrans(",.", ".,")),
        "european-plain": plain.replace(".", ","),
        "french": us.replace(",", "\u202f").replace(".", ","),
        "french-nbsp": us.replace(",", "\u00a0").replace(".", ","),
        "si": us.replace(",", "\u202f"),
        "figure": us.replace(",", "\u2007").replace(".", ","),
        "us-padded": f"\u00a0{us}\u200b\u3000",
    }[style]


values = st.one_of(
    st.integers(1, 10**10).map(Decimal),
    st.decimals(Decimal("0.01"), Decimal(10**8), places=2).map(lambda d: d.normalize()),
    st.decimals(Decimal("0.001"), Decimal(10**5), places=3),
)
FIELDS = {"annual_revenue": "number", "growth_rate": "number", "employees": "integer"}


def true_or_unknown(field: str, value: Decimal, read: object, bad: list[str]) -> None:
    if read is None:
        assert bad == [field], "unknown without a warning"
        return
    assert isinstance(read, int | float) and not isinstance(read, bool)
    assert Decimal(repr(float(read))) == Decimal(repr(float(value))), (value, read)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values, st.sampled_from(sorted(STYLES)), st.sampled_from(sorted(FIELDS)), st.booleans())
def test_a_number_reads_as_its_value_or_unknown_with_a_warning(
    value: Decimal, style: str, field: str, convention_known: bool
) -> None:
    """Written in US, European or Swiss style and read with the convention unknown or known
    to be the writer's, a number is its true value or unknown with a warning, never another
    number."""
    if FIELDS[field] == "integer":
        value = value.to_integral_value() or Decimal(1)
    text = written(value, style)
    decimal = STYLES[style] if convention_known else None
    company, bad = from_values(HANDBOOK, {field: text}, decimal=decimal)
    true_or_unknown(field, value, company.get(field), bad)
    if convention_known:  # the writer's own convention reads every value
        assert field in company, text


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(STYLES)), st.lists(values, min_size=1, max_size=8))
def test_a_file_in_one_style_reads_true_values_or_warns(
    tmp_path_factory: pytest.TempPathFactory, style: str, column: list[Decimal]
) -> None:
    """A whole export in one style, its convention detected from the file: every revenue
    read is the true value, or unknown and counted as unreadable."""
    folder = tmp_path_factory.mktemp("numbers")
    delimiter = ";" if STYLES[style] == COMMA else ","
    path = folder / "accounts.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle, delimiter=delimiter)
        out.writerow(["Record ID", "Annual Revenue"])
        out.writerows([i, written(v, style)] for i, v in enumerate(column, 1))
    summary = score(HANDBOOK, ScoreOptions(path, folder / "out.csv", AS_OF))
    unreadable = summary.unreadable.get("annual_revenue", 0)
    unknown = 0
    for i, value in enumerate(column, 1):
        _, company, bad = from_export(HANDBOOK, path, i)
        read = company.get("annual_revenue")
        unknown += read is None
        true_or_unknown("annual_revenue", value, read, bad)
    assert unknown == unreadable


@pytest.mark.parametrize(
    ("text", "shows"),
    [
        ("12.5", DOT),
        ("1,234.56", DOT),
        ("$1.2M", DOT),
        ("3,5", COMMA),
        ("1.234,56", COMMA),
        ("12,00", COMMA),
        ("1,200", None),
        ("8.000", None),
        ("1200", None),
    ],
)
def test_the_evidence_a_cell_gives(text: str, shows: str | None) -> None:
    assert evidence(text) == shows


def test_detection_needs_a_semicolon_file_for_comma_and_refuses_mixtures() -> None:
    assert detect([("x", "3,5")], ";").decimal == COMMA
    assert detect([("x", "3,5")], ",").decimal is None
    assert detect([("x", "3,5"), ("y", "1.5")], ";").decimal is None
    assert detect([("x", "1.5"), ("y", "1,200")], ",").decimal == DOT


@settings(max_examples=300)
@given(
    st.from_regex(r"[-+]?[0-9]{1,8}(\.[0-9]{1,5})?", fullmatch=True)
    | st.from_regex(r"[ $€]?[-+]?[0-9][0-9.,' ]{0,9}[0-9]?[km%]?", fullmatch=True)
)
def test_the_plain_number_short_cut_gives_the_evidence_of_the_general_reading(text: str) -> None:
    """`evidence` reads a plain number (digits, one dot) by a short cut: it finds what the
    general reading of the cell finds."""
    assert evidence(text) == read_evidence(text)


CON = connect(HANDBOOK)
#: the number grammar's patterns, with their number of capture groups
PATTERNS = {"amount": (AMOUNT, 6), "band": (BAND, 2), "plus": (PLUS, 1)}
PATTERNS |= {"dot": (f"^(?:{DOT_NUMBER})$", 0), "comma": (f"^(?:{COMMA_NUMBER})$", 0)}
number_text = st.text(
    alphabet=st.sampled_from([*"0123456789.,'’-–+$€£%kmb ", *BLANKS]), max_size=14
)


@settings(max_examples=300, deadline=None)
@given(number_text, st.sampled_from(sorted(PATTERNS)))
@example("25\u00a0%", "amount")
@example("1\u202f200\u00a0k", "amount")
@example("51\u00a0-\u3000200", "band")
@example("1\u2007234,5", "comma")
@example("1\u00a0200", "dot")
def test_python_and_duckdb_read_numbers_alike(text: str, pattern: str) -> None:
    """The grammar of numbers is read by Python's re (a file's convention, from a sample) and
    by DuckDB's RE2 (every cell): both find the same match and the same parts, blanks
    included (RE2's `\\s` is ASCII only and Python's Unicode: `25\u00a0%` read apart)."""
    regex, groups = PATTERNS[pattern]
    m = re.fullmatch(regex, text)
    parts = ", ".join(f"regexp_extract($1, $2, {i})" for i in range(1, groups + 1))
    row = CON.execute(
        f"SELECT regexp_matches($1, $2){', ' + parts if parts else ''}", [text, regex]
    ).fetchone()
    assert row is not None
    assert row[0] == (m is not None), (text, pattern)
    if m is not None:
        assert list(row[1:]) == [m.group(i) or "" for i in range(1, groups + 1)], text


@pytest.mark.parametrize(
    ("text", "decimal", "value"),
    [
        ("12.500.000 $", COMMA, 12_500_000),  # the sign after the amount, as Europe writes it
        ("1.200.000,50 $", COMMA, 1_200_000.5),
        ("1\u00a0200\u00a0000 $", COMMA, 1_200_000),  # French Canadian
        ("1,2 Mio. $", COMMA, 1_200_000),  # German Excel's millions
        ("1,2 Mio USD", COMMA, 1_200_000),
        ("USD 1,2 Mrd.", COMMA, 1_200_000_000),
        ("1,200,000 $", DOT, 1_200_000),
        ("12.500.000 €", COMMA, None),  # another currency than the field's: never converted
        ("1,2 Mio €", COMMA, None),
        ("$ 1,2 Mio. €", COMMA, None),  # two currencies: unknown
    ],
)
def test_a_currency_sign_after_the_amount_and_german_multipliers_are_read(
    text: str, decimal: str, value: float | None
) -> None:
    """`12.500.000 $` and `1,2 Mio. USD` were unreadable (a currency sign was read only
    before the amount, and `Mio`/`Mrd` not at all): a European export's every revenue was
    unknown. The sign after the amount must still be the field's currency."""
    company, bad = from_values(HANDBOOK, {"annual_revenue": text}, decimal=decimal)
    assert company.get("annual_revenue") == value, text
    assert bad == ([] if value is not None else ["annual_revenue"]), text


@pytest.mark.parametrize(
    ("field", "text", "decimal", "value"),
    [
        ("it_budget", "$4.1M", None, 4_100_000),  # was 4099999.9999999995: `at_least 4.1M` unmet
        ("annual_revenue", "$2.01M", None, 2_010_000),
        ("annual_revenue", "8,03 Mio. $", COMMA, 8_030_000),
        ("annual_revenue", "$1.005B", DOT, 1_005_000_000),
        ("employees", "16.1k", None, 16_100),  # was unreadable: 16100.000000000002 is no integer
        ("employees", "64,9k", COMMA, 64_900),
        ("growth_rate", "-2.01k", None, -2_010),
    ],
)
def test_an_amount_with_a_suffix_is_its_exact_value(
    field: str, text: str, decimal: str | None, value: int
) -> None:
    """`$4.1M` is 4,100,000: the suffix moves the decimal point, it does not multiply a double
    (4.1 × 10⁶ is 4099999.9999999995, and 16.1 × 10³ no whole number of employees)."""
    company, bad = from_values(HANDBOOK, {field: text}, decimal=decimal)
    assert (company.get(field), bad) == (value, []), text


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.decimals(Decimal("0.001"), Decimal(999), places=3).map(lambda d: d.normalize()),
    st.sampled_from([("k", 3), ("M", 6), ("bn", 9), (" Mio.", 6), (" thousand", 3)]),
    st.sampled_from([DOT, COMMA]),
)
def test_a_suffix_scales_the_number_as_written(
    value: Decimal, suffix: tuple[str, int], decimal: str
) -> None:
    """Any amount with a suffix reads as the number written with its point moved."""
    word, power = suffix
    number = f"{value:f}"
    text = "$" + (number.replace(".", ",") if decimal == COMMA else number) + word
    company, bad = from_values(HANDBOOK, {"annual_revenue": text}, decimal=decimal)
    assert (company.get("annual_revenue"), bad) == (float(value.scaleb(power)), []), text


@pytest.mark.parametrize(
    ("field", "text", "why"),
    [
        ("annual_revenue", "€3m", "in EUR, not USD (amounts are never converted)"),
        ("annual_revenue", "3m EUR", "in EUR, not USD (amounts are never converted)"),
        ("annual_revenue", "£250k", "in GBP, not USD (amounts are never converted)"),
        ("annual_revenue", "20%", "a percentage, not an amount in USD"),
        ("employees", "20%", "a percentage, which employees is not counted in"),
        ("growth_rate", "$5", "in USD, not percent"),
        ("employees", "$50", "in USD, which employees is not counted in"),
    ],
)
def test_an_amount_in_a_unit_the_field_does_not_take_says_so(
    field: str, text: str, why: str
) -> None:
    """'€3m' in a USD field is unknown, never converted; the warning said only "cannot read
    '€3m'" (icp explain --set, icp explain FILE --row and icp score's summary read the reason
    from one place)."""
    from icpkit.sql.companies import read_values

    read = read_values(HANDBOOK, {field: text})
    assert read.company == {} and read.unreadable == [field]
    assert [c.why for c in read.cells] == [why]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.sampled_from([".5", "-.5", "+.5", "1e3", "1.5E+3", "-2e-1", "12", "-7", "5.", "12.50"]),
        st.from_regex(r"\A[-+]?[0-9]{0,4}(\.[0-9]{1,4})?([eE][-+]?[0-9]{1,2})?\Z"),
    ),
    st.sampled_from(sorted(FIELDS)),
    st.sampled_from([" ", "\u00a0", "\t", "\u200b"]),
    st.sampled_from([None, DOT]),
)
@example(".5", "annual_revenue", " ", None)
@example("1e3", "growth_rate", " ", None)
def test_blanks_around_a_number_are_no_part_of_it(
    text: str, field: str, blank: str, decimal: str | None
) -> None:
    """Blanks around a cell are trimmed by every reader: ' .5' and '1e3 ' were unreadable in
    `icp score` and `icp explain` (the plain-number path read the cell untrimmed, the other
    path has no exponent and no bare fraction) while '.5' and '1e3' were read, and the Qualify
    page, which trims first, read all four."""
    bare = from_values(HANDBOOK, {field: text}, decimal=decimal)
    for padded in (blank + text, text + blank, blank + text + blank):
        assert from_values(HANDBOOK, {field: padded}, decimal=decimal) == bare, repr(padded)


def _validated(root: Path, rel: str, old: str, new: str) -> list[str]:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return [str(p) for p in validate(root, today=TODAY).errors]


PROFILE = "profiles/icp/na-saas-scaleups.yaml"


@pytest.mark.parametrize(
    ("written", "how"),
    [
        ("0x19", "in hexadecimal"),
        ("0o31", "in octal"),
        ("031", "with a leading zero, which YAML 1.1 editors read as octal"),
        ("2_5", "with underscores, which YAML 1.2 editors read as text"),
        ("2.5e+1", "with an exponent"),
        ("25e0", "with an exponent, which YAML 1.1 editors read as text"),
        ("+25", "with a plus sign"),
    ],
)
def test_points_in_a_form_no_one_means_are_one_error_with_the_plain_number(
    handbook_copy: Path, written: str, how: str
) -> None:
    """`points: 0x19` loaded as 25 and `1_000` as 1000 (text to a YAML 1.2 editor), in
    silence: one error at the value, saying the plain number to write."""
    got = _validated(handbook_copy, PROFILE, "points: 25\n", f"points: {written}\n")
    meant = "31" if written == "031" else "25"
    assert got == [
        f"{PROFILE}:118:15: error found the number '{written}', written {how}; expected a "
        f"plain number: write {meant}, the number alone (number-form)"
    ]


def test_an_operand_threshold_and_a_fixture_value_are_checked_alike(handbook_copy: Path) -> None:
    got = _validated(
        handbook_copy, PROFILE, "growth_rate, at_least: 30}", "growth_rate, at_least: 3e1}"
    )
    assert got == [
        f"{PROFILE}:117:44: error found the number '3e1', written with an exponent, which YAML "
        "1.1 editors read as text; expected a plain number: write 30, the number alone "
        "(number-form)"
    ]
    policy = "rules/tier-policy.yaml"
    got = _validated(handbook_copy, PROFILE, "at_least: 3e1}", "at_least: 30}")
    assert got == []
    got = _validated(handbook_copy, policy, "  A: 80\n", "  A: +80\n")
    assert got == [
        f"{policy}:6:6: error found the number '+80', written with a plus sign; expected a plain "
        "number: write 80, the number alone (number-form)"
    ]
    _validated(handbook_copy, policy, "  A: +80\n", "  A: 80\n")
    fixture = "tests/fixtures/companies/atlas-cloud.yaml"
    got = _validated(handbook_copy, fixture, "employees: 1500\n", "employees: 1_500\n")
    assert got == [
        f"{fixture}:10:14: error found the number '1_500', written with underscores, which YAML "
        "1.2 editors read as text; expected a plain number: write 1500, the number alone "
        "(number-form)"
    ]


def test_a_number_where_text_is_expected_is_said_as_written_and_once(handbook_copy: Path) -> None:
    """On a text field the spelling is not the mistake: one error, the number as written."""
    got = _validated(
        handbook_copy,
        PROFILE,
        "funding_stage, one_of: [series_b, series_c]",
        "funding_stage, one_of: [series_b, 0x10]",
    )
    assert len(got) == 1 and "found a number '0x10'; expected text for funding_stage" in got[0]


@pytest.mark.parametrize(
    ("text", "growth", "revenue_why"),
    [
        ("\u22125", -5, "below the least value 0"),
        ("\u2212 5", -5, "below the least value 0"),
        ("$\u22125", None, "below the least value 0"),
        ("(5)", -5, "below the least value 0"),
        ("(5.2)", -5.2, "below the least value 0"),
        ("( 5 )", -5, "below the least value 0"),
        ("(5%)", -5, "a percentage, not an amount in USD"),
        ("($1,200)", None, "below the least value 0"),
        ("(1,200.5)", -1200.5, "below the least value 0"),
    ],
)
def test_a_minus_sign_and_an_accounting_negative_read_as_negatives(
    text: str, growth: float | None, revenue_why: str
) -> None:
    """Session 12: `−5` (U+2212 MINUS SIGN) and an accounting negative `(1,200)` were "cannot
    read" with no reason in every reader; they are the negative value, and where the field's
    bounds forbid one (revenue >= 0), the bounds' reason is given."""
    from icpkit.sql.companies import read_values

    read = read_values(HANDBOOK, {"growth_rate": text, "annual_revenue": text})
    assert read.company.get("growth_rate") == growth, text
    assert read.company.get("annual_revenue") is None
    whys = {c.field: c.why for c in read.cells}
    assert whys["annual_revenue"] == revenue_why, text
    employees = read_values(HANDBOOK, {"employees": "(1,200)"})
    assert [c.why for c in employees.cells] == ["below the least value 1"]


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("~500", "an approximate value"),
        ("\u2248 500", "an approximate value"),
        ("approx. $5M", "an approximate value"),
        (">1000", "a bound, not a value"),
        ("<= 50", "a bound, not a value"),
        ("at least 200", "a bound, not a value"),
        ("1,00,00,000", "digit groups of 2"),
        ("12,34,567.5", "digit groups of 2"),
        ("\u20135", "a dash before the number is no minus sign"),
        ("\u20145", "a dash before the number is no minus sign"),
        ("51\u2212200", "a band is written with a hyphen or an en dash"),
        ("(-5)", "two signs"),
        ("--5", "two signs"),
        ("(51-200)", "a band after a sign"),
    ],
)
def test_an_unreadable_number_of_a_known_shape_says_why(text: str, why: str) -> None:
    """Session 12: '~500', '>1000', '1,00,00,000' (Indian grouping), '–5' (an en dash) were
    only "cannot read 'X'"; the reason says what the cell is (icp explain --set, --row and
    icp score's summary read it from one place, the page from `numbers.WHYS`)."""
    from icpkit.sql.companies import read_values

    for field in ("growth_rate", "employees"):
        read = read_values(HANDBOOK, {field: text})
        assert read.company == {} and read.unreadable == [field], (field, text)
        assert read.cells[0].why.startswith(why), (field, text, read.cells[0].why)


def test_score_says_why_an_accounting_negative_or_an_approximate_value_is_unknown(
    tmp_path,  # type: ignore[no-untyped-def]
) -> None:
    """The score summary's examples give the same reasons as `icp explain --set`."""
    path = tmp_path / "accounts.csv"
    path.write_text(
        "account_id,growth_rate,employees\n1,(12.5),~500\n2,\u22123,(40)\n3,>1000,120\n",
        encoding="utf-8",
    )
    out = tmp_path / "scores.csv"
    summary = score(HANDBOOK, ScoreOptions(path, out, AS_OF))
    whys = {(row, text): why for row, _col, text, why in summary.examples}
    assert whys == {
        (1, "~500"): "an approximate value: write the number, or a band such as 400-600",
        (2, "(40)"): "below the least value 1",
        (3, ">1000"): "a bound, not a value: write the value, or a band such as 51-200 or 1,001+",
    }
    assert summary.unreadable.get("growth_rate", 0) == 1
