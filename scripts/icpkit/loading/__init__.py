"""The loading wing: YAML (ruamel.yaml) and JSON Schema in, a checked `Handbook` out.

`open_handbook` in `icpkit.loading.validate` is the one way in."""
