"""icpkit: Ideal Customer Profiles as code.

The library never prints and never imports the CLI framework; `icpkit.cli` is
the only place that talks to a terminal.
"""

__version__ = "0.1.0"
