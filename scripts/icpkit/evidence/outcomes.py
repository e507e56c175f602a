"""What a history export's columns and deal stages mean: a plain table, read by the SQL wing
and printed on the handbook's reference page.

Columns are found the way `score` finds a field's columns: by name, without regard to
case, spaces or punctuation (`Deal Stage`, `dealstage` and `DEAL_STAGE` are one name);
the first name of each list that the export has is used; `--map` names others
(`outcome: My Stage`, `as_of: Opportunity Created`, ...).

- outcome: Deal Stage, dealstage, Stage, StageName, Opportunity Stage, outcome. The
  stage: won, lost, still open, or unknown (see STAGES).
- is_won: IsWon, Won (Salesforce; used when there is no stage): true is won, false is
  lost, unless is_closed says the opportunity is still open.
- is_closed: IsClosed, Closed (Salesforce): false is still open.
- as_of: Create Date, createdate, CreatedDate, Close Date, closedate, CloseDate, as_of.
  The row's own date: time-relative rules are evaluated as of it.
- value: Amount, amount, ACV, ARR, value. The deal's value ($ and thousands commas read).
- churned: Churned, churned, Churned__c, is_churned (yes/no); empty is unknown churn.
- churn_date: Churn Date, churn_date, Churn_Date__c: a date here also means churned.
- satisfaction: NPS, CSAT, Satisfaction: a number; its mean among customers per tier.
- tenure: Tenure (months), Tenure, tenure_months, Months as Customer, Customer Tenure: how
  long a customer has stayed, in months (a plain number, or with a unit: "14 months",
  "2 years"); its median among customers per tier. Anything else (empty, "n/a", a
  negative number) is unknown, never 0.
- customer_since: Became a Customer Date, Customer Since, customer_since: the date the
  account became a customer. Used only when there is no tenure column: the tenure is the
  months from it to the churn date, or, for a customer who has not churned, to the
  back-test's date (`--today`, default today). A start after that end is unknown.

A stage the table does not know (a custom HubSpot pipeline stage) is neither won nor lost:
it is counted, listed with its count, and the row is undecided. It is never read as lost.
The --map file says what a custom stage means, before the table:

    outcome:
      column: Opp Result          # optional
      values: {Signed: won, Dead: lost, On hold: open}
"""

from __future__ import annotations

import re

ROLES: dict[str, tuple[str, ...]] = {
    "outcome": ("Deal Stage", "dealstage", "Stage", "StageName", "Opportunity Stage", "outcome"),
    "is_won": ("IsWon", "Won"),
    "is_closed": ("IsClosed", "Closed"),
    "as_of": (
        "Create Date",
        "createdate",
        "CreatedDate",
        "Close Date",
        "closedate",
        "CloseDate",
        "as_of",
    ),
    "value": ("Amount", "amount", "ACV", "ARR", "value"),
    "churned": ("Churned", "churned", "Churned__c", "is_churned"),
    "churn_date": ("Churn Date", "churn_date", "Churn_Date__c"),
    "satisfaction": ("NPS", "CSAT", "Satisfaction"),
    "tenure": (
        "Tenure (months)",
        "Tenure",
        "tenure_months",
        "Months as Customer",
        "Customer Tenure",
    ),
    "customer_since": ("Became a Customer Date", "Customer Since", "customer_since"),
}

#: days in a month, on average: a tenure read from dates is days / this
DAYS_PER_MONTH = 365.25 / 12

#: stage spellings, compared by `stage_key`, -> 'won' | 'lost' | 'open'
STAGES: dict[str, str] = {
    # HubSpot's default sales pipeline (internal values and labels)
    "closedwon": "won",
    "closedlost": "lost",
    "appointmentscheduled": "open",
    "qualifiedtobuy": "open",
    "presentationscheduled": "open",
    "decisionmakerboughtin": "open",
    "contractsent": "open",
    # Salesforce's default opportunity stages ("Closed Won" is closedwon once compared)
    "prospecting": "open",
    "qualification": "open",
    "needsanalysis": "open",
    "valueproposition": "open",
    "iddecisionmakers": "open",
    "perceptionanalysis": "open",
    "proposalpricequote": "open",
    "negotiationreview": "open",
    # plain words
    "won": "won",
    "lost": "lost",
    "open": "open",
}


#: what each role means, for the handbook's reference table
ROLE_MEANINGS: dict[str, str] = {
    "outcome": "the deal stage: won, lost, still open, or a stage the table does not know",
    "is_won": "Salesforce, when there is no stage: true is won, false is lost",
    "is_closed": "Salesforce: false means still open (neither won nor lost)",
    "as_of": "the row's own date: time-relative rules are evaluated as of it",
    "value": "the deal's value (ACV or ARR)",
    "churned": "yes or no; empty is unknown",
    "churn_date": "a date here also means the customer churned",
    "satisfaction": "the customer's NPS or CSAT (a number): its mean is shown per tier",
    "tenure": (
        "months as a customer (a number, or with a unit: 14 months, 2 years): its median "
        "is shown per tier; anything else is unknown, never 0"
    ),
    "customer_since": (
        "the date the account became a customer, when there is no tenure column: tenure "
        "is the months from it to the churn date, or to the back-test's date"
    ),
}


def stage_key(text: str) -> str:
    """A stage compared without case, spaces or punctuation: 'Closed Won' -> 'closedwon'."""
    return re.sub(r"[^a-z0-9]", "", text.lower())


#: what a stage may mean
OUTCOMES = ("won", "lost", "open")


def outcome_values(spellings: dict[str, str]) -> dict[str, str]:
    """The --map file's `outcome: {values: {Signed: won, Dead: lost, On hold: open}}`,
    checked: UsageError for a meaning that is not won, lost or open (with the closest) or a
    spelling with no letter or digit to compare by."""
    from ..errors import UsageError
    from ..wording import suggest

    out = {}
    for spelling, meaning in spellings.items():
        if meaning.lower() not in OUTCOMES:
            raise UsageError(
                f"--map: outcome: found '{spelling}: {meaning}'; expected won, lost or open"
                + suggest(meaning, list(OUTCOMES))
            )
        if not stage_key(spelling):
            raise UsageError(
                f"--map: outcome: found the stage '{spelling}'; expected a stage with a letter "
                "or digit (stages are compared without case, spaces or punctuation)"
            )
        out[spelling] = meaning.lower()
    return out
