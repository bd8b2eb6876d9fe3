# Conveniences over the README's two commands. Everything runs from .venv.
.PHONY: setup generate test test-latest snapshots check bench

setup:
	python3 -m venv .venv && .venv/bin/pip install -c constraints/test.txt -e '.[test]'

generate:
	python3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/apiforge generate

test:
	python3 -m venv .venv && .venv/bin/pip install -c constraints/test.txt -e '.[test]' && .venv/bin/pytest

# Rewrite generated/ and tests/snapshots/ from the current generator (review the diff!).
snapshots:
	APIFORGE_UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/golden -q

check:
	.venv/bin/apiforge check

bench:
	.venv/bin/python benchmarks/run.py

# The suite against the newest release of every dependency (for whoever bumps constraints/test.txt).
test-latest:
	python3 -m venv .venv-latest && .venv-latest/bin/pip install --upgrade -e '.[test]' && .venv-latest/bin/pytest
