# Developer shortcuts; CI runs the same commands through .ci/run.
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: setup check lint format types imports test goldens demo bench

setup:
	python3 -m venv $(VENV) && $(BIN)/pip install -q --upgrade pip && $(BIN)/pip install -q -e '.[dev]'

check: lint types imports test

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format:
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

types:
	$(BIN)/mypy

imports:
	$(BIN)/lint-imports

test:
	$(BIN)/python -m pytest --cov --cov-report=term

goldens:
	$(BIN)/python -m pytest --update-goldens
	git diff --stat fixtures/golden

demo:
	$(BIN)/newsnorm run fixtures/demo -o demo.atom
