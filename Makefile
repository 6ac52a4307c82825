# jupyterfleet.hub developer entry points. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := $(CURDIR)/.venv
BIN := $(VENV)/bin
COLLECTIONS := $(CURDIR)/.cache/collections
export PATH := $(BIN):$(PATH)
export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS)
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg
export PYTHONPATH := $(COLLECTIONS)

SCENARIO ?=
SCENARIOS := $(notdir $(patsubst %/molecule.yml,%,$(wildcard molecule/*/molecule.yml)))

.PHONY: help setup docker lab lab-swarm lab-destroy test lint readmes unit badinput e2e build clean bench-login

help: ## Show this help
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

$(BIN)/ansible: requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	@touch $@

$(COLLECTIONS)/ansible_collections/jupyterfleet/hub:
	mkdir -p $(COLLECTIONS)/ansible_collections/jupyterfleet
	ln -sfn $(CURDIR) $@

setup: $(BIN)/ansible $(COLLECTIONS)/ansible_collections/jupyterfleet/hub ## Make the virtualenv in .venv and link the collection

docker: ## Make sure a Docker daemon runs on this machine (installs Debian's docker.io if needed)
	bash tests/lab/ensure-docker.sh

lab: setup docker ## Build the lab workstation and serve the hub on it
	ansible-playbook tests/lab/create.yml -i inventories/lab
	ansible-playbook playbooks/site.yml -i inventories/lab

lab-destroy: setup ## Remove the labs' node containers and volumes
	ansible-playbook tests/lab/destroy.yml -i inventories/lab
	ansible-playbook tests/lab/destroy.yml -i inventories/lab-swarm

lint: setup ## yamllint, ansible-lint (production profile), ruff, shellcheck, ansible-doc, role READMEs, changelog fragments
	yamllint -s .
	ansible-lint
	ruff check .
	ruff format --check .
	shellcheck $$(git ls-files --cached --others --exclude-standard '*.sh') .ci/run
	bash tests/lint/ansible-doc.sh
	python3 tests/lint/role_readmes.py --check
	antsibull-changelog lint

readmes: setup ## Write each role README's inputs section from its meta/argument_specs.yml
	python3 tests/lint/role_readmes.py

unit: setup ## Unit tests of the plugins
	pytest -q tests/unit

e2e: setup docker ## Molecule scenarios (all, or SCENARIO=name)
	set -e; for s in $(or $(SCENARIO),$(SCENARIOS)); do molecule test -s $$s; done

build: setup ## Build the collection tarball
	ansible-galaxy collection build --force --output-path .cache/dist

test: lint unit build badinput e2e ## Everything CI runs

NODE ?= jf-default-ws1
bench-login: setup ## Login figures of a converged lab hub (NODE=its node) into bench/results/login.json; not in `make test`
	python3 bench/login.py --node $(NODE) $(if $(LABEL),--label "$(LABEL)")

clean: ## Remove the virtualenv and caches
	rm -rf $(VENV) .cache

badinput: setup docker ## The bad-inventory suite: each case must fail before touching a host
	pytest -q -p no:cacheprovider tests/badinput

lab-swarm: setup docker ## Build a three-node swarm lab (manager, GPU worker, CPU worker) and serve the hub
	ansible-playbook tests/lab/create.yml -i inventories/lab-swarm
	ansible-playbook playbooks/site.yml -i inventories/lab-swarm
