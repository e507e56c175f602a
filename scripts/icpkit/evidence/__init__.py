"""Evidence: the handbook's rules back-tested against what happened in the CRM.

- `outcomes`: which history columns carry the outcome, date, value and churn, and what each
  deal-stage spelling means (a plain table, documented on the handbook's reference page);
- `stats`: intervals and tests (scipy), suggested points from log-odds;
- `report`: the back-test's result as plain data, built from the SQL wing's counts;
- `checks`: the claims the tier policy makes, checked against that result;
- `generate`: a seeded history with a known truth, for tests, benchmarks and the example.

The counting itself is one DuckDB scan in `icpkit.sql.backtest`.
"""
