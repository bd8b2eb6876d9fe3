"""Targets: `[tool.apiforge]` / command-line flags resolved into frozen `Target` values."""

DEFAULT_OUTPUT = "generated"
"""Where a SPEC given alone is generated (relative to the working directory)."""
