"""`python -m apiforge` runs the apiforge CLI."""

from apiforge.cli.start import run

run()
