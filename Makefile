# Two commands set everything up on a fresh machine with Python 3.11+: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: run demo test lint types unit schema clean-data bench soak

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)  ## the portal and a worker on embedded PostgreSQL and Redis under .data/
	$(BIN)/portal run

demo: $(STAMP)  ## a sandbox with every program in every status, in the database `make run` uses
	$(BIN)/portal demo

test: lint types unit  ## lint, types and the whole suite against real PostgreSQL and Redis

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest

schema: $(STAMP)  ## rewrite sql/schema.sql from the migrations
	PORTAL_DATA_DIR=.data/test $(BIN)/python -m sql.schema

bench: $(STAMP)  ## the benchmark suite: portal vs a bare floor on the same stack (not part of test)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev,bench]'
	$(BIN)/python -m bench

soak: $(STAMP)  ## long reliability runs: schemathesis with many examples
	FUZZ_EXAMPLES=200 $(BIN)/pytest -p no:warnings tests/reliability

clean-data:  ## forget the embedded servers' data
	rm -rf .data
