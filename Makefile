# Flowloom's two commands. Both set up what they need on Debian (only what is missing) and
# are safe to re-run:
#   make run    build and open the desktop app on the default workspace
#   make test   run every check and test, including the real-window end-to-end test
.DEFAULT_GOAL := help
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

# Builds live outside the work tree so they survive between sessions and fresh clones.
export CARGO_TARGET_DIR ?= $(HOME)/.cache/flowloom/target
export PATH := $(HOME)/.cargo/bin:$(PATH)

APP_PACKAGES := build-essential pkg-config libssl-dev libwebkit2gtk-4.1-dev libsoup-3.0-dev \
                librsvg2-dev libayatana-appindicator3-dev libxdo-dev libdbus-1-dev
TEST_PACKAGES := xvfb webkit2gtk-driver xdotool postgresql
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help run test bindings app-deps test-deps ui fmt lint rust-test ui-check

help:
	@echo "make run   - build and open Flowloom on the default workspace"
	@echo "make test  - fmt, clippy, Rust tests, UI type check/lint/tests and the end-to-end test"

run: app-deps ui
	@if [ -z "$${DISPLAY:-}$${WAYLAND_DISPLAY:-}" ]; then \
	  echo "make run: no display (DISPLAY and WAYLAND_DISPLAY are unset): run it in a desktop session." >&2; \
	  echo "          Without a display, use the headless command: cargo run -p flowloom-cli -- --help" >&2; \
	  exit 1; fi
	cargo run --bin flowloom-desktop

test: app-deps test-deps ui fmt lint ui-check rust-test

# Regenerate ui/src/bindings.ts from the Rust commands (commit the result).
bindings: ui
	UPDATE_BINDINGS=1 cargo test --workspace --locked --test tests bindings

app-deps:
	@missing=$$(for p in $(APP_PACKAGES) $(if $(shell command -v node),,nodejs npm); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages: $$missing"; \
	  $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q $$missing; fi
	@command -v cargo >/dev/null || { echo "Rust is missing: install it with rustup (https://rustup.rs)" >&2; exit 1; }

test-deps:
	@missing=$$(for p in $(TEST_PACKAGES); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages: $$missing"; \
	  $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q $$missing; fi
	@command -v tauri-driver >/dev/null || cargo install tauri-driver --locked

ui/node_modules/.package-lock.json: ui/package-lock.json ui/package.json
	cd ui && npm ci --no-audit --no-fund
	@touch $@

# The Rust build embeds ui/dist, so the UI is built first.
ui: ui/node_modules/.package-lock.json
	cd ui && npm run build

fmt:
	cargo fmt --all --check

lint: ui
	cargo clippy --workspace --all-targets --locked -- -D warnings

# Ends with one plain "tests: N passed, N failed" line summing every Rust test binary.
rust-test: ui
	@mkdir -p $(CARGO_TARGET_DIR)
	cargo test --workspace --locked 2>&1 | tee $(CARGO_TARGET_DIR)/cargo-test.log
	@awk '/^test result:/ { passed += $$4; failed += $$6 } \
	  END { printf "tests: %d passed, %d failed\n", passed, failed }' $(CARGO_TARGET_DIR)/cargo-test.log

ui-check: ui/node_modules/.package-lock.json
	cd ui && npm run typecheck && npm run lint && npm test
