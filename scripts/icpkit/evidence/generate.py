"""A seeded CRM history for the example handbook, with outcomes drawn from a known model.

The model (`TRUTH`) is the world, not the handbook: it reads the companies' attributes,
never the rules. In it some of the example's criteria truly predict winning, one
criterion is noise (`NOISE`), and one disqualifier throws away good customers
(`WRONG_DISQUALIFIER`: big tender buyers win more often, and their deals are about three
times the median). The back-test's tests check that it recovers exactly that.

Each row is one opportunity with its company's attributes, shaped like a HubSpot deal
export joined to its company: `Deal Stage` (closedwon, closedlost, open stages, and a
custom stage the mapping does not know), `Create Date`, `Close Date`, `Amount`,
`Churned`, `Churn Date`, `NPS` and `Tenure (months)` (from the close date to the churn
date, or to the export date for a customer who stayed). A few rows have no date; some
funding rounds come after the deal (they must not explain it).

    python -m icpkit.evidence.generate tests/examples/history.csv --rows 40000 --seed 15
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import math
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .outcomes import DAYS_PER_MONTH

#: the criteria whose truth effect on winning is strong, per ICP (log-odds >= 0.8)
PREDICTIVE = {
    "western-software-teams": ("fast-growth", "budget", "wants-dedicated-team"),
    "na-saas-scaleups": ("hypergrowth", "recent-round"),
    "uk-eu-manufacturers-docs": ("document-needs", "erp-we-integrate"),
}
#: a criterion with no effect at all on winning or churn
NOISE = ("western-software-teams", "cloud-we-know")
#: a disqualifier whose accounts in truth win more often and bring bigger deals
WRONG_DISQUALIFIER = ("enterprise-tenders", "tender-buyer")

#: log-odds of winning, by attribute test (the world's model, read by `_win_logit`)
TRUTH = {
    "base": -3.7,
    "fits_an_icp": 1.0,
    "growth_20": 1.0,
    "growth_30": 0.7,
    "budget_500k": 0.9,
    "dedicated_team": 0.9,
    "venture": 0.2,
    "size_100_500": 0.2,
    "profit_momentum": 0.2,
    "cloud_aws_azure": 0.0,
    "round_in_year_before_deal": 1.5,
    "gong_zoominfo": 0.3,
    "revenue_5m_100m": 0.3,
    "document_needs": 1.5,
    "sap_dynamics": 1.2,
    "growth_5": 0.3,
    "tiny_unfunded": -2.0,
    "public_sector": -1.5,
    "listed_regulated": -1.0,
    "tender_buyer": 0.9,
    "loss_making": -0.4,
    "declining": -0.8,
    "state_owned": -0.7,
}

COLUMNS = (
    "Record ID",
    "Company name",
    "Country/Region",
    "Number of Employees",
    "Annual Revenue",
    "Profitability Trend",
    "Industry",
    "Business Model",
    "Web Technologies",
    "Services Needed",
    "Funding Stage",
    "Last Funding Date",
    "Growth Rate",
    "IT Budget",
    "ERP Deployed",
    "Year Founded",
    "Buys Through Tenders",
    "Ownership",
    "Deal Stage",
    "Create Date",
    "Close Date",
    "Amount",
    "Churned",
    "Churn Date",
    "NPS",
    "Tenure (months)",
)

OPEN_STAGES = ("appointmentscheduled", "qualifiedtobuy", "presentationscheduled", "contractsent")
CUSTOM_STAGE = "Paused - legal review"
START = dt.date(2023, 1, 1)
SPAN_DAYS = 1370  # opportunities created until late September 2026
#: the day the history was exported: a customer who stayed has been one until then
EXPORTED = dt.date(2026, 11, 1)

_WESTERN = ("US", "US", "US", "GB", "DE", "NL", "SE", "FR", "AU", "CA", "IE", "DK", "CH")
_NOT_WESTERN = ("PL", "IN", "BR", "RO", "UA", "ES", "IT")
_EU = ("GB", "DE", "FR", "IT", "ES", "NL", "PL", "SE", "AT", "BE", "CZ", "IE")
_SOFTWARE = ("software", "saas", "fintech", "healthtech", "edtech", "martech", "security")
_SAAS = ("saas", "software", "martech", "hrtech", "fintech", "security")
_MAKERS = ("manufacturing", "automotive", "industrial_machinery", "chemicals", "electronics")
_OTHER = ("government", "education", "non_profit", "retail", "banking", "utilities", "telecom")
_REGULATED = {"utilities", "energy", "telecom", "banking", "insurance", "aerospace"}
_MAKER_EXTRA = ("food_production", "apparel", "furniture")


def _employees(rng: random.Random, median: float, sigma: float) -> int:
    return max(2, round(math.exp(rng.gauss(math.log(median), sigma))))


def _place(rng: random.Random, kind: str) -> dict[str, Any]:
    """Country, industry and size for a kind of company."""
    if kind == "software":
        country = rng.choice(_WESTERN if rng.random() < 0.8 else _NOT_WESTERN)
        industry, employees = rng.choice(_SOFTWARE), _employees(rng, 200, 1.0)
    elif kind == "saas":
        country = rng.choice(("US", "US", "US", "CA")) if rng.random() < 0.85 else "GB"
        industry, employees = rng.choice(_SAAS), _employees(rng, 300, 0.9)
    elif kind == "maker":
        country = rng.choice(_EU) if rng.random() < 0.85 else rng.choice(("US", "IN"))
        industry, employees = rng.choice(_MAKERS + _MAKER_EXTRA), _employees(rng, 900, 1.0)
    else:
        country = rng.choice(_WESTERN + _EU)
        industry, employees = rng.choice(_OTHER), _employees(rng, 600, 1.3)
    if rng.random() < 0.06:
        employees = rng.randint(2, 9)  # a few tiny companies everywhere
    return {"kind": kind, "country": country, "industry": industry, "employees": employees}


def _stack(rng: random.Random, kind: str) -> set[str]:
    stack = set()
    if rng.random() < 0.45:
        stack.add(rng.choice(("aws", "azure")))  # independent of everything: the noise
    if kind == "software" and rng.random() < 0.75:
        stack.add(rng.choice(("dotnet", "python")))
    elif rng.random() < 0.2:
        stack.add(rng.choice(("java", "javascript", "php", "go")))
    if kind == "saas":
        if rng.random() < 0.7:
            stack |= {"salesforce", "outreach"}
        elif rng.random() < 0.5:
            stack.add("salesforce")
        if rng.random() < 0.45:
            stack.add(rng.choice(("gong", "zoominfo")))
    if kind == "maker" and rng.random() < 0.5:
        stack.add(rng.choice(("sap_erp", "dynamics365", "oracle_erp")))
    if rng.random() < 0.4:
        stack.add(rng.choice(("microsoft365", "sharepoint", "google_workspace")))
    return stack


def _services(rng: random.Random, kind: str) -> set[str]:
    services = set()
    if rng.random() < 0.35:
        services.add(rng.choice(("dedicated_team", "staff_augmentation")))
    if kind == "maker" and rng.random() < 0.4:
        services.add(rng.choice(("document_automation", "distributor_portal", "training_platform")))
    if rng.random() < 0.3:
        services.add(rng.choice(("data_engineering", "qa_testing", "devops", "crm_integration")))
    return services


_OWNERSHIP = {
    "series_a": "venture_backed",
    "series_b": "venture_backed",
    "series_c": "venture_backed",
    "seed": "founder_owned",
    "bootstrapped": "founder_owned",
    "private_equity": "private_equity",
    "public": "public_listed",
}


def _company(rng: random.Random) -> dict[str, Any]:
    kind = rng.choices(("software", "saas", "maker", "other"), (0.36, 0.26, 0.24, 0.14))[0]
    c = _place(rng, kind)
    emp = c["employees"]
    c["annual_revenue"] = round(emp * math.exp(rng.gauss(math.log(150_000), 0.5)), -3)
    c["erp_deployed"] = rng.random() < (0.75 if kind == "maker" else 0.25)
    c["tech_stack"] = _stack(rng, kind)
    c["services_needed"] = _services(rng, kind)
    if kind in ("software", "saas"):
        c["funding_stage"] = rng.choices(
            ("bootstrapped", "seed", "series_a", "series_b", "series_c", "private_equity"),
            (0.18, 0.14, 0.2, 0.2, 0.14, 0.14),
        )[0]
    else:
        c["funding_stage"] = rng.choices(
            ("bootstrapped", "private_equity", "public"), (0.55, 0.25, 0.2)
        )[0]
    c["ownership"] = _OWNERSHIP[c["funding_stage"]]
    if rng.random() < 0.04:
        c["ownership"] = "state_owned"
    c["growth_rate"] = round(rng.gauss(18 if kind in ("software", "saas") else 5, 14), 1)
    c["it_budget"] = round(emp * math.exp(rng.gauss(math.log(2_000), 0.6)), -3)
    c["profitability"] = rng.choices(
        (
            "profitable_growing",
            "profitable_stable",
            "returning_to_profit",
            "loss_making",
            "declining",
        ),
        (0.3, 0.3, 0.1, 0.2, 0.1),
    )[0]
    c["founded_year"] = (
        rng.randint(1950, 2022) if kind in ("maker", "other") else rng.randint(1995, 2023)
    )
    c["buys_through_tenders"] = rng.random() < (0.5 if emp > 1000 else 0.1)
    return c


def _flags(c: dict[str, Any], created: dt.date) -> dict[str, bool]:
    """The attribute tests the world's model reads (true = the effect applies)."""
    emp, stack, services = c["employees"], c["tech_stack"], c["services_needed"]
    growth, budget = c["growth_rate"], c["it_budget"]
    venture = c["funding_stage"] in ("series_a", "series_b", "series_c")
    funded = c.get("last_funding_date")
    western = c["country"] in _WESTERN
    fits = (
        (western and c["industry"] in _SOFTWARE and 50 <= emp <= 1000
            and bool(stack & {"dotnet", "python"}))
        or (c["country"] in ("US", "CA") and c["industry"] in _SAAS and 50 <= emp <= 2000
            and {"salesforce", "outreach"} <= stack and venture)
        or (c["country"] in _EU and c["industry"] in _MAKERS + _MAKER_EXTRA and 200 <= emp <= 5000
            and c["annual_revenue"] >= 20_000_000 and c["erp_deployed"])
    )  # fmt: skip
    return {
        "fits_an_icp": bool(fits),
        "growth_20": growth >= 20,
        "growth_30": growth >= 30,
        "budget_500k": budget >= 500_000,
        "dedicated_team": bool(services & {"dedicated_team", "staff_augmentation"}),
        "venture": venture,
        "size_100_500": 100 <= emp <= 500,
        "profit_momentum": c["profitability"] in ("profitable_growing", "returning_to_profit"),
        "cloud_aws_azure": bool(stack & {"aws", "azure"}),
        "round_in_year_before_deal": funded is not None
        and created - dt.timedelta(days=365) <= funded <= created,
        "gong_zoominfo": bool(stack & {"gong", "zoominfo"}),
        "revenue_5m_100m": 5e6 <= c["annual_revenue"] <= 1e8,
        "document_needs": bool(
            services & {"document_automation", "distributor_portal", "training_platform"}
        ),
        "sap_dynamics": bool(stack & {"sap_erp", "dynamics365"}),
        "growth_5": growth >= 5,
        "tiny_unfunded": emp < 10 and c["funding_stage"] in ("bootstrapped", "seed"),
        "public_sector": c["industry"] in ("government", "education", "non_profit"),
        "listed_regulated": emp > 1000
        and c["funding_stage"] == "public"
        and c["industry"] in _REGULATED | {"automotive"},
        "tender_buyer": emp > 1000 and c["buys_through_tenders"],
        "loss_making": c["profitability"] == "loss_making",
        "declining": c["profitability"] == "declining",
        "state_owned": c["ownership"] == "state_owned",
    }


def _win_logit(flags: dict[str, bool]) -> float:
    return TRUTH["base"] + sum(TRUTH[name] for name, on in flags.items() if on)


def _churn_logit(flags: dict[str, bool]) -> float:
    # churn does not read the noise criterion either
    return (
        -1.3
        + 1.2 * flags["tiny_unfunded"]
        + 0.9 * flags["declining"]
        + 0.5 * flags["loss_making"]
        - 0.5 * flags["growth_20"]
        - 0.4 * flags["budget_500k"]
        - 0.6 * flags["fits_an_icp"]
    )


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def history(rows: int, seed: int = 15) -> Iterator[dict[str, str]]:
    """`rows` opportunities as export cells (column name -> text), the same for a seed."""
    rng = random.Random(seed)
    for i in range(rows):
        c = _company(rng)
        created = START + dt.timedelta(days=rng.randrange(SPAN_DAYS))
        if c["funding_stage"] in ("seed", "series_a", "series_b", "series_c"):
            # most rounds came before the deal; some after it (they cannot explain it)
            offset = rng.randint(-200, 900) if rng.random() < 0.85 else -rng.randint(1, 400)
            c["last_funding_date"] = created - dt.timedelta(days=offset)
        flags = _flags(c, created)
        p_win = _sigmoid(_win_logit(flags))
        draw = rng.random()
        close: dt.date | None = created + dt.timedelta(days=rng.randint(15, 150))
        churned = churn_date = ""
        if draw < 0.11:
            stage, close = rng.choice(OPEN_STAGES), None
        elif draw < 0.125:
            stage = CUSTOM_STAGE
        elif rng.random() < p_win:
            stage = "closedwon"
            is_churned = rng.random() < _sigmoid(_churn_logit(flags))
            churned = "true" if is_churned else "false"
            if is_churned and close is not None:
                churn_date = (close + dt.timedelta(days=rng.randint(60, 500))).isoformat()
        else:
            stage = "closedlost"
        amount = math.exp(rng.gauss(math.log(40_000 * (c["employees"] / 200) ** 0.2), 0.6))
        if flags["tender_buyer"]:
            amount *= 3
        no_date = rng.random() < 0.03
        yield _row(i, c, stage, created, close, no_date, amount, churned, churn_date, seed, rng)


def _nps(i: int, seed: int, churned: str) -> str:
    """A customer's NPS answer (0-10), from its own generator so that adding it changed no
    other cell: lower for customers who churned; a third never answer."""
    r = random.Random(seed * 1_000_003 + i)
    if r.random() < 0.33:
        return ""
    return str(max(0, min(10, round(r.gauss(5.5 if churned == "true" else 8.2, 1.6)))))


def _tenure(i: int, seed: int, close: dt.date | None, churn_date: str) -> str:
    """A customer's tenure in whole months, from its own generator so that adding it changed
    no other cell: from the close date to the churn date, or to the export date for a
    customer who stayed (0 for a deal closed after the export); one in twelve is not
    filled in."""
    r = random.Random(seed * 1_000_033 + i)
    if close is None or r.random() < 1 / 12:
        return ""
    end = dt.date.fromisoformat(churn_date) if churn_date else EXPORTED
    return str(max(0, round((end - close).days / DAYS_PER_MONTH)))


def _row(
    i: int,
    c: dict[str, Any],
    stage: str,
    created: dt.date,
    close: dt.date | None,
    no_date: bool,
    amount: float,
    churned: str,
    churn_date: str,
    seed: int,
    rng: random.Random,
) -> dict[str, str]:
    return {
        "Record ID": str(100_000 + i),
        "Company name": f"Company {i:06d}",
        "Country/Region": c["country"],
        "Number of Employees": str(c["employees"]),
        "Annual Revenue": f"{c['annual_revenue']:.0f}",
        "Profitability Trend": _cell(rng, 0.12, c["profitability"]),
        "Industry": c["industry"],
        "Business Model": "",
        "Web Technologies": ";".join(sorted(c["tech_stack"])),
        "Services Needed": _cell(rng, 0.2, ";".join(sorted(c["services_needed"]))),
        "Funding Stage": c["funding_stage"],
        "Last Funding Date": str(c.get("last_funding_date") or ""),
        "Growth Rate": _cell(rng, 0.12, str(c["growth_rate"])),
        "IT Budget": _cell(rng, 0.15, f"{c['it_budget']:.0f}"),
        "ERP Deployed": "Yes" if c["erp_deployed"] else "No",
        "Year Founded": _cell(rng, 0.08, str(c["founded_year"])),
        "Buys Through Tenders": "Yes" if c["buys_through_tenders"] else "No",
        "Ownership": c["ownership"],
        "Deal Stage": stage,
        "Create Date": "" if no_date else created.isoformat(),
        "Close Date": "" if no_date or close is None else close.isoformat(),
        "Amount": f"{amount:.0f}",
        "Churned": churned,
        "Churn Date": churn_date,
        "NPS": _nps(i, seed, churned) if stage == "closedwon" else "",
        "Tenure (months)": _tenure(i, seed, close, churn_date) if stage == "closedwon" else "",
    }


def _cell(rng: random.Random, p_missing: float, text: str) -> str:
    return "" if rng.random() < p_missing else text


def write_csv(path: Path, rows: int, seed: int = 15) -> int:
    """Write the history as CSV (gzip when the name ends in .gz is not supported: use
    Parquet for a compact file). Returns the number of rows written."""
    n = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        for row in history(rows, seed):
            writer.writerow(row)
            n += 1
    return n


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("output", type=Path, help="a .csv file (or .parquet)")
    parser.add_argument("--rows", type=int, default=40_000)
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args(argv)
    if args.output.suffix == ".parquet":
        from ..sql.backtest import csv_to_parquet

        tmp = args.output.with_suffix(".csv.tmp")
        write_csv(tmp, args.rows, args.seed)
        csv_to_parquet(tmp, args.output)
        tmp.unlink()
    else:
        write_csv(args.output, args.rows, args.seed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
