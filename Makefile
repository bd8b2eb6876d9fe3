# Conveniences over the README's two commands. Everything runs from .venv.
.PHONY: setup generate test snapshots check bench

setup:
	python3 -m venv .venv && .venv/bin/pip install -e '.[test]'

generate:
	python3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/apiforge generate

test:
	python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && .venv/bin/pytest

# Rewrite generated/ and tests/snapshots/ from the current generator (review the diff!).
snapshots:
	APIFORGE_UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/golden -q

check:
	.venv/bin/apiforge check

bench:
	.venv/bin/python benchmarks/run.py
