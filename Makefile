# Two commands for a new user: `make demo` runs the service with an example team;
# `make test` runs every check. Both set up the virtualenv themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_DB ?= sqlite:///dutydesk-demo.sqlite3
# The demo's sign-in password: the demo listens on 127.0.0.1 only.
DEMO_PASSWORD ?= dutydesk-demo
export DUTYDESK_DATABASE_URL ?= $(DEMO_DB)

.PHONY: demo test test-fast lint bench clean install install-demo screenshots test-packages

# Two install stamps: the demo needs only the service (and its `demo` extra, the local mailbox);
# the tests need the test extras too. A venv made by either target is topped up by the other.
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed-demo: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[demo]'
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[demo,test]'
	touch $@ $(VENV)/.installed-demo

install: $(VENV)/.installed-test

install-demo: $(VENV)/.installed-demo

# Where the demo listens, and so the address to open: DUTYDESK_HOST and DUTYDESK_PORT if set.
DEMO_ADDRESS = http://$(or $(DUTYDESK_HOST),127.0.0.1):$(or $(DUTYDESK_PORT),8000)
# The demo's mailbox (a Maildir in the checkout): `dutydesk serve` receives the e-mail Dutydesk
# sends and lists it at /mailbox. Only for the demo; the tests start mailboxes of their own.
demo: export DUTYDESK_DEMO_MAILBOX ?= demo-mailbox

demo: install-demo
	$(BIN)/dutydesk db upgrade
	$(BIN)/dutydesk apply examples/team.yaml
	$(BIN)/dutydesk user list --json | grep -q '"demo"' || $(BIN)/dutydesk user add demo --role admin --person alice
	@echo "$(DEMO_PASSWORD)" | $(BIN)/dutydesk user password demo
	@echo "API token for the demo admin (use as: Authorization: Bearer <token>):"
	@$(BIN)/dutydesk token create demo --name demo --replace
	@echo "Open $(DEMO_ADDRESS) and sign in as demo with the password $(DEMO_PASSWORD)"
	@echo "E-mail Dutydesk sends arrives in the demo mailbox: $(DEMO_ADDRESS)/mailbox"
	$(BIN)/dutydesk serve

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

# The development loop, in under a minute and a half: ruff, and the tests that start no
# process, fuzz nothing and read no message of tens of megabytes, on SQLite only. `make test`
# runs everything, on PostgreSQL too. Python keeps its compiled modules (and pytest its
# rewritten tests) even where the environment says not to: each test process imports every
# test module, and compiling them again takes each one about five seconds.
test-fast: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports
	PYTHONDONTWRITEBYTECODE= DUTYDESK_TEST_DATABASE_URL= $(BIN)/pytest -n auto --dist loadfile -q -m "not slow"

# Test files are spread over one pytest process per core; a file's tests stay in one process,
# so a module's server or browser is started once.
test: lint test-packages
	PYTHONDONTWRITEBYTECODE= $(BIN)/pytest -n auto --dist loadfile

# Programs the tests drive, from the distribution when missing: Chromium (browser tests),
# Prometheus Alertmanager with amtool (alerts from real monitoring), Prometheus' promtool
# (the alerting rules in docs/prometheus) and Dovecot (tenant mail fetched over IMAP). The tests
# start Dovecot themselves on loopback; the system service the package starts is stopped and
# disabled, so that installing it does not leave a mail server listening on the machine.
test-packages:
	@missing=""; \
	if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/prometheus-alertmanager ] || [ ! -x /usr/bin/promtool ]; then \
	  missing="chromium prometheus-alertmanager prometheus"; \
	fi; \
	[ -x /usr/sbin/dovecot ] || missing="$$missing dovecot-imapd"; \
	if [ -n "$$missing" ]; then \
	  as_root=""; [ "$$(id -u)" -eq 0 ] || as_root="sudo"; \
	  $$as_root env DEBIAN_FRONTEND=noninteractive apt-get update && \
	  $$as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y $$missing && \
	  case "$$missing" in *dovecot-imapd*) \
	    if [ -d /run/systemd/system ]; then $$as_root systemctl disable --now dovecot.socket dovecot.service || true; fi;; \
	  esac; \
	fi

# The README's screenshots: the pages in a real Chromium at desktop and phone widths.
screenshots: install test-packages
	rm -rf build/screenshots
	$(BIN)/pytest tests/browser/test_screenshots.py -q
	mkdir -p docs/screenshots
	cp build/screenshots/*.png docs/screenshots/

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) dutydesk-demo.sqlite3* demo-mailbox .pytest_cache .mypy_cache .ruff_cache build
