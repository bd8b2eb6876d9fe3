"""`python -m apiforge` runs the apiforge CLI."""

from apiforge.cli.main import run

run()
