"""Rule-test results, coverage and mutations as text, JSON, JUnit XML or GitHub annotations."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from ..engine.coverage import Coverage
from ..engine.model import Handbook
from ..engine.mutation import MutationResult
from ..engine.ruletests import CheckResult, TestRun
from ..textsafety import one_line, visible
from ..wording import counted
from . import FORMATS as ALL_FORMATS
from . import envelope
from .problems import Annotation, capped
from .verdict import text as verdict_text

FORMATS = ALL_FORMATS["test"]


def failure_detail(handbook: Handbook, result: CheckResult) -> str:
    check = result.check
    return (
        f"{one_line(check.fixture.path)}:{check.line}: {one_line(check.fixture.name)}: "
        f"{result.message}\n" + verdict_text(handbook, result.verdict, all_profiles=False)
    )


def render(
    handbook: Handbook,
    run: TestRun,
    fmt: str,
    *,
    verbose: bool = False,
    cov: Coverage | None = None,
    threshold: float | None = None,
    mutations: tuple[MutationResult, ...] | None = None,
    ok: bool = True,
) -> str:
    if fmt == "json":
        return _json(run, cov, threshold, mutations, ok)
    if fmt == "junit":
        return _junit(handbook, run)
    lines: list[str] = []
    if fmt == "github":
        lines += capped(
            [
                Annotation(
                    "error",
                    r.check.fixture.path,
                    r.check.line,
                    1,
                    f"rule test {r.check.name}",
                    r.message,
                )
                for r in run.failed
            ],
            where="the log of this step (every failing test is listed below) and the JUnit report",
        )
    lines += _results(handbook, run, verbose=verbose)
    for fixture in run.broken:
        lines.append(
            f"SKIP {fixture.path}: a company value does not fit its field (run icp validate)"
        )
    if run.failed:
        lines.append(f"failing tests ({len(run.failed)}):")
        lines += [f"  {r.check.name} ({r.check.fixture.path}:{r.check.line})" for r in run.failed]
    passed = len(run.results) - len(run.failed)
    lines.append(
        f"{counted(len(run.results), 'rule test')}: {passed} passed, {len(run.failed)} failed"
        + (f", {counted(len(run.broken), 'fixture')} not run" if run.broken else "")
    )
    if run.failed:
        lines.append(
            "if the change is intended: icp test --update writes the new outcomes into the "
            "fixtures (on a pull request, comment /accept)"
        )
    if not run.results:
        lines.append("no rule test ran (no fixtures, or none matched the filter)")
    if cov is not None:
        lines += coverage_lines(cov, threshold, verbose=verbose)
    if mutations is not None:
        lines += mutation_lines(mutations)
    return "\n".join(lines)


def _results(handbook: Handbook, run: TestRun, *, verbose: bool) -> list[str]:
    """Each failing test (each test, `verbose`) with why; a company's verdict is printed
    with its first failing expectation only."""
    lines: list[str] = []
    explained: set[str] = set()  # fixtures whose verdict was printed with a failure
    for result in run.results:
        check = result.check
        if verbose or not result.passed:
            status = "PASS" if result.passed else "FAIL"
            lines.append(f"{status} {check.name}")
            if not result.passed and check.fixture.path in explained:
                # another expectation of a company whose verdict is printed above: once
                where = f"{one_line(check.fixture.path)}:{check.line}"
                lines.append(_indent(visible(f"{where}: {result.message} (its verdict is above)")))
            elif not result.passed:
                explained.add(check.fixture.path)
                lines.append(_indent(visible(failure_detail(handbook, result))))
    return lines


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())


def coverage_lines(cov: Coverage, threshold: float | None, *, verbose: bool) -> list[str]:
    lines = ["", "Criterion coverage (met / unmet / unknown seen in some fixture):"]
    for rc in cov.rules:
        if verbose or not rc.covered:
            seen = ", ".join(rc.seen) or "nothing"
            need = f"; missing {', '.join(rc.missing)}" if rc.missing else ""
            lines.append(f"  {'✔' if rc.covered else '✘'} {rc.key}: {seen}{need}")
    covered = sum(r.covered for r in cov.rules)
    limit = f" (threshold {threshold:g}%)" if threshold is not None else ""
    lines.append(
        f"coverage {cov.percent:.1f}%: {covered} of {counted(len(cov.rules), 'rule')} fully "
        f"exercised{limit}"
    )
    return lines


def mutation_lines(mutations: tuple[MutationResult, ...]) -> list[str]:
    survivors = [m for m in mutations if m.survived]
    lines = ["", "Mutation check (each rule removed or negated, each threshold moved):"]
    lines += [f"  survived: {m.description} (no fixture notices)" for m in survivors]
    lines.append(
        f"{counted(len(mutations), 'mutation')}: {len(mutations) - len(survivors)} caught, "
        f"{len(survivors)} survived"
    )
    return lines


def _json(
    run: TestRun,
    cov: Coverage | None,
    threshold: float | None,
    mutations: tuple[MutationResult, ...] | None,
    ok: bool,
) -> str:
    payload: dict[str, object] = {
        "summary": {
            "tests": len(run.results),
            "passed": len(run.results) - len(run.failed),
            "failed": len(run.failed),
            "fixtures_not_run": len(run.broken),
        },
        "results": [
            {
                "name": r.check.name,
                "fixture": r.check.fixture.name,
                "path": r.check.fixture.path,
                "line": r.check.line,
                "expectation": r.check.key.split("[")[0],
                "expected": r.check.expected,
                "actual": r.actual,
                "passed": r.passed,
            }
            for r in run.results
        ],
    }
    if cov is not None:
        payload["coverage"] = {
            "percent": round(cov.percent, 2),
            "threshold": threshold,
            "rules": [
                {
                    "rule": r.key,
                    "needed": list(r.needed),
                    "seen": list(r.seen),
                    "covered": r.covered,
                }
                for r in cov.rules
            ],
        }
    if mutations is not None:
        payload["mutations"] = [
            {"mutation": m.description, "caught_by": m.caught_by} for m in mutations
        ]
    return envelope("test", ok, **payload)


def _junit(handbook: Handbook, run: TestRun) -> str:
    suite = ET.Element(
        "testsuite",
        name="icp rule tests",
        tests=str(len(run.results)),
        failures=str(len(run.failed)),
        errors="0",
        skipped=str(len(run.broken)),
    )
    for r in run.results:
        case = ET.SubElement(
            suite,
            "testcase",
            classname=r.check.fixture.id,
            name=r.check.key,
            file=r.check.fixture.path,
            line=str(r.check.line),
        )
        if not r.passed:
            failure = ET.SubElement(case, "failure", message=r.message)
            failure.text = failure_detail(handbook, r)
    for f in run.broken:
        case = ET.SubElement(suite, "testcase", classname=f.id, name="company", file=f.path)
        ET.SubElement(case, "skipped", message="a company value does not fit its field")
    ET.indent(suite)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suite, encoding="unicode")
