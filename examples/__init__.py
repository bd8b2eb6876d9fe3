"""Runnable examples built on apiforge's generated packages (see each subpackage's README)."""
