"""The kinds of YAML document a handbook holds, and the schema file of each."""

from __future__ import annotations

KINDS = {
    "icp": "icp.schema.json",
    "negative": "negative.schema.json",
    "vocabulary": "vocabulary.schema.json",
    "regions": "regions.schema.json",
    "segments": "segments.schema.json",
    "tier_policy": "tier_policy.schema.json",
    "routing": "routing.schema.json",
    "fixture": "fixture.schema.json",
}
SCHEMA_FILES = ("common.schema.json", *KINDS.values())
