"""The site wing: handbook pages (jinja2), the Pond Map SVG, badges and the mkdocs build."""
