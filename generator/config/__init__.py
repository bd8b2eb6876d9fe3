"""Targets: `[tool.apiforge]` / command-line flags resolved into frozen `Target` values."""
