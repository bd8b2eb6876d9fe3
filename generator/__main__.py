"""`python -m generator` runs the apiforge CLI."""

from generator.cli import main

main()
