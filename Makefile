# sotto: build, test, install. `make test` works on a fresh Debian machine.
PREFIX ?= /usr/local
DESTDIR ?=
SWIFT ?= swift
COMMANDS := sotto sotto-keygen sotto-seal sotto-open sotto-send sotto-recv sotto-expire sotto-export sotto-erase
DEB_PACKAGES := libsodium-dev libssl-dev libargon2-dev libsqlite3-dev zlib1g-dev pkg-config age sqlite3 faketime \
  postgresql postgresql-common strace man-db groff-base keyutils zsh python3 python3-venv
RELEASE := .build/release
# Release builds link the Swift runtime statically: the commands start in a few
# milliseconds and run where no Swift toolchain is installed. libsodium, libargon2 and SQLite
# are linked statically too (scripts/static-c-libs.sh): rebuild after their security updates.
STATIC_C := $(CURDIR)/.build/static-c
RELEASE_BUILD := PKG_CONFIG_PATH=$(STATIC_C)/pkgconfig $(SWIFT) build -c release --static-swift-stdlib
MAN_DATE := 2026-11-25

.PHONY: all build test deps python-env demo install man check-man completions memory bench bench-postgres vectors corpus fuzz crash faults \
  test-sanitize clean

all: build

build:
	./scripts/static-c-libs.sh $(STATIC_C)
	$(RELEASE_BUILD)
	@# SwiftPM does not relink when only pkg-config's answer changed: a command linked
	@# before against the shared libraries stays so, and starts about 1 ms slower.
	@for c in $(COMMANDS) sotto-bench-crypto; do \
	  if readelf -d $(RELEASE)/$$c | grep -q -E 'NEEDED.*lib(sodium|argon2|sqlite3)'; then \
	    echo "$$c was linked against shared libraries: delete the programs in $(RELEASE) and run make again" >&2; exit 1; fi; \
	done

# Installs the Debian packages the build and the tests need, if any is missing.
deps:
	@missing=""; for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" -ne 0 ]; then SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

# The second implementation of age's post-quantum stanza (Tests/interop/age_pq.py, which
# PostQuantumInteropTests runs) needs these packages: a virtualenv, made or remade when missing.
PYTHON ?= python3
PYTHON_ENV := $(CURDIR)/.build/python
PYTHON_PACKAGES := kyber-py==1.2.0 cryptography==48.0.0
PYTHON_TEST_ENV := SOTTO_PYTHON=$(PYTHON_ENV)/bin/python3
python-env: deps
	@if [ "$$(cat $(PYTHON_ENV)/packages.txt 2>/dev/null)" != "$(PYTHON_PACKAGES)" ] || \
	  ! $(PYTHON_ENV)/bin/python3 -c 'import kyber_py, cryptography' 2>/dev/null; then \
	  echo "installing in $(PYTHON_ENV): $(PYTHON_PACKAGES)"; \
	  rm -rf $(PYTHON_ENV) && $(PYTHON) -m venv $(PYTHON_ENV) && \
	  $(PYTHON_ENV)/bin/pip install -q --disable-pip-version-check $(PYTHON_PACKAGES) && \
	  echo "$(PYTHON_PACKAGES)" > $(PYTHON_ENV)/packages.txt; \
	fi

# The suite runs against a throwaway PostgreSQL server on loopback too:
# pg_virtualenv creates it, exports PG*, and drops it afterwards. If it cannot
# start one, the target fails. Then every fuzz target runs for FUZZ_SHORT
# seconds (docs/TESTING.md lists the suites and their figures).
FUZZ_SHORT ?= 20
test: deps python-env
	$(SWIFT) build --build-tests
	$(PYTHON_TEST_ENV) SOTTO_BIN=$$($(SWIFT) build --show-bin-path) pg_virtualenv sh -c '$(POSTGRES_TEST_ENV) $(SWIFT) test --skip-build'
	./scripts/fuzz.sh $(FUZZ_SHORT)
	$(MAKE) check-man

POSTGRES_TEST_ENV := SOTTO_TEST_POSTGRES="postgres://$$PGUSER:$$PGPASSWORD@$$PGHOST:$$PGPORT/postgres" \
  SOTTO_TEST_POSTGRES_RESTART="pg_ctlcluster $$PGVERSION regress restart -m fast"

# Each libFuzzer target for FUZZ_SECONDS (10 minutes), two at a time: about 40 minutes.
FUZZ_SECONDS ?= 600
fuzz: deps
	./scripts/fuzz.sh $(FUZZ_SECONDS)

# The SIGKILL loops with CRASH_KILLS kills per command: send and recv (SQLite and
# PostgreSQL), expire and erase. About an hour at 1,000.
CRASH_KILLS ?= 1000
crash: deps
	$(SWIFT) build --build-tests
	SOTTO_CRASH_KILLS=$(CRASH_KILLS) SOTTO_BIN=$$($(SWIFT) build --show-bin-path) pg_virtualenv sh -c \
	  '$(POSTGRES_TEST_ENV) $(SWIFT) test --skip-build --filter "CrashTests|KilledAtRandomMoments"'

# Fault injection (strace) at every call of each system call, EIO and ENOSPC.
faults: deps
	$(SWIFT) build --build-tests
	SOTTO_FAULT_LIMIT=1000 SOTTO_FAULT_ERRORS=EIO,ENOSPC SOTTO_BIN=$$($(SWIFT) build --show-bin-path) \
	  $(SWIFT) test --skip-build --filter FaultTests

# The whole suite under AddressSanitizer, then ThreadSanitizer, each in its own build directory.
# The commands run several times slower there, so the send/recv kill loop asks for 3 kills
# landing mid-output (10 otherwise).
SANITIZERS ?= address thread
test-sanitize: deps python-env
	for s in $(SANITIZERS); do \
	  $(SWIFT) build --build-tests --sanitize=$$s --scratch-path .build/$$s && \
	  $(PYTHON_TEST_ENV) SOTTO_BIN=.build/$$s/debug SOTTO_CRASH_MID_OUTPUT=3 LSAN_OPTIONS=suppressions=$(CURDIR)/scripts/lsan.supp pg_virtualenv sh -c \
	    '$(POSTGRES_TEST_ENV) $(SWIFT) test --skip-build --sanitize='$$s' --scratch-path .build/'$$s || exit 1; \
	done

demo: deps build
	@SOTTO_BIN=$(RELEASE) ./scripts/demo.sh

install: build
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	  $(DESTDIR)$(PREFIX)/share/bash-completion/completions \
	  $(DESTDIR)$(PREFIX)/share/zsh/site-functions $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
	for c in $(COMMANDS); do install -s -m 0755 $(RELEASE)/$$c $(DESTDIR)$(PREFIX)/bin/$$c; done
	install -m 0644 man/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 0644 completions/bash/* $(DESTDIR)$(PREFIX)/share/bash-completion/completions/
	install -m 0644 completions/zsh/_* $(DESTDIR)$(PREFIX)/share/zsh/site-functions/
	install -m 0644 completions/fish/*.fish $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/

# Regenerates man/ with swift-argument-parser's generate-manual plugin (fixed date: reproducible).
man:
	$(SWIFT) package --allow-writing-to-package-directory generate-manual --multi-page --date $(MAN_DATE)
	rm -f man/*.1
	for c in $(filter-out sotto,$(COMMANDS)); do \
	  cp .build/plugins/GenerateManual/outputs/$$c/*.1 man/; \
	done
	rm -f man/*.help.1
	awk '/^EXIT STATUS$$/ { f = 1; next } f && (/^$$/ || /^\./) { exit } f' man/sotto-send.1 > .build/exit-status.txt
	for page in man/*.1; do \
	  name=$$(basename $$page .1); \
	  case $$name in \
	    *.*) see="$${name%%.*} 1"; subcommands=0 ;; \
	    *) see="sotto 1$$(for c in $(filter-out sotto,$(COMMANDS)); do [ $$c = $$name ] || printf ',%s 1' $$c; done)"; \
	       subcommands=$$([ $$name = sotto-keygen ] && echo 1 || echo 0) ;; \
	  esac; \
	  awk -v subcommands=$$subcommands -v exits=.build/exit-status.txt -v see="$$see" -f scripts/tidy-man.awk $$page > $$page.tidy && \
	  mv $$page.tidy $$page || exit 1; \
	done
	@# A subcommand's page is sotto-keygen-new(1), as git-commit(1) is git's.
	for page in man/*.*.1; do mv $$page $$(echo $$page | sed 's/\.\([a-z-]*\)\.1$$/-\1.1/'); done
	sed -i -e 's/^\.Dt SOTTO-KEYGEN\./.Dt SOTTO-KEYGEN-/' -e 's/^\.Xr sotto-keygen\./.Xr sotto-keygen-/' man/*.1
	$(SWIFT) build --product sotto
	./scripts/dispatcher-docs.sh man $$($(SWIFT) build --show-bin-path)/sotto > man/sotto.1

# Every page renders with man's warnings on, and says nothing.
check-man:
	@status=0; for page in man/*.1; do \
	  warnings=$$(MANWIDTH=80 man --warnings -E UTF-8 -l $$page 2>&1 >/dev/null); \
	  if [ -n "$$warnings" ]; then echo "$$page: $$warnings" >&2; status=1; fi; \
	done; exit $$status

# Regenerates completions/ from the commands' own definitions.
completions:
	$(SWIFT) build
	bin=$$($(SWIFT) build --show-bin-path); \
	for c in $(filter-out sotto,$(COMMANDS)); do \
	  $$bin/$$c --generate-completion-script bash > completions/bash/$$c; \
	  $$bin/$$c --generate-completion-script zsh > completions/zsh/_$$c; \
	  $$bin/$$c --generate-completion-script fish > completions/fish/$$c.fish; \
	done
	bin=$$($(SWIFT) build --show-bin-path); \
	./scripts/dispatcher-docs.sh bash $$bin/sotto > completions/bash/sotto && \
	./scripts/dispatcher-docs.sh zsh $$bin/sotto > completions/zsh/_sotto && \
	./scripts/dispatcher-docs.sh fish $$bin/sotto > completions/fish/sotto.fish

# Seals and opens a 1 GiB file and reports peak memory (GNU time).
memory: deps build
	@command -v /usr/bin/time >/dev/null || apt-get install -y -qq time
	SOTTO_BIN=$(RELEASE) ./scripts/memory.sh

# Benchmarks release builds against age, raw libsodium and raw SQLite and prints one table
# (docs/PERFORMANCE.md); about 7 minutes. Not part of `make test`. BENCH_SIZE_MB, BENCH_MANY,
# BENCH_MESSAGES and BENCH_ROUNDS shrink it (see scripts/bench.sh).
BENCH_PACKAGES := hyperfine time age sqlite3 faketime
bench: deps build
	@missing=""; for p in $(BENCH_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" -ne 0 ]; then SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi
	SOTTO_BIN=$(RELEASE) ./scripts/bench.sh

# send and recv of BENCH_MESSAGES (100,000) envelopes through PostgreSQL next to
# SQLite, on a throwaway server (docs/PERFORMANCE.md); a few minutes.
bench-postgres: deps build
	SOTTO_BIN=$(RELEASE) pg_virtualenv ./scripts/bench-postgres.sh

# Regenerates Tests/Corpus/, the bad-input corpus, and its fixture keys (make test runs it).
corpus:
	$(SWIFT) build --build-tests
	SOTTO_WRITE_CORPUS=1 SOTTO_BIN=$$($(SWIFT) build --show-bin-path) $(SWIFT) test --skip-build --filter CorpusTests

# Regenerates docs/vectors/ (the test suite checks them).
vectors:
	SOTTO_WRITE_VECTORS=1 $(SWIFT) test --filter FormatVectorTests

clean:
	rm -rf .build
