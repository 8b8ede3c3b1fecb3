# mtpsessiond — every target installs what it needs first, so a fresh Debian machine with Swift needs only `make`.
SHELL        := /bin/bash
SWIFT        ?= swift
SUDO         := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# libmtp and libusb are the real stack; umockdev emulates the USB device below libusb; mtp-tools is the
# independent client the virtual player is checked against.
# libgphoto2-6: its udev rule gives still-image devices to plugdev, as on any desktop; the udev test runs against it.
# groff-base, man-db: the manual-page tests render the pages as man does.
# libtag1-dev: TagLib, which AudioTags reads and writes audio files' tags with (its C++ API; see docs/Modules.md).
DEB_PACKAGES := pkg-config libmtp-dev libmtp-runtime libusb-1.0-0-dev umockdev libumockdev-dev libglib2.0-dev mtp-tools \
                python3 python3-pip systemd udev libgphoto2-6 groff-base man-db libtag1-dev
# For the tests only: ffmpeg encodes the tiny silent MP3, FLAC, Ogg Vorbis, Opus, M4A and WMA files (and the JPEG
# cover) that the AudioTags tests and the test music library are made of. Debian has no lighter AAC encoder, and
# ffmpeg covers the other formats too, so it is the one encoder.
TEST_DEB_PACKAGES := ffmpeg
# Python's reference varlink client (PyPI), which the integration tests drive the daemon with.
PYLIB        := $(CURDIR)/.build/pylib
PY_VARLINK   := varlink==31.0.0
# matplotlib, for the benchmark chart only.
BENCHLIB     := $(CURDIR)/.build/benchlib
BIN          := $(CURDIR)/.build/debug
# Each fuzz target runs this long in `make fuzz` and `make test` (the issue asks CI for 60 s each).
FUZZ_SECONDS ?= 60
# libFuzzer targets: Sources/<name>Fuzzer, seeds in Tests/FuzzCorpus/<name>, each one test in `make test`.
FUZZ_TARGETS := PTPContainer Varlink DeviceData
FUZZ_LIMIT   ?= -max_total_time=$(FUZZ_SECONDS)
FUZZ_MAX_LEN ?= 4096
# Swift's crash backtracer trips ASan after a trap and can keep the output open; libFuzzer reports crashes
# itself. LeakSanitizer cannot see some pointers Swift keeps (see the suppressions file).
FUZZ_ENV     := SWIFT_BACKTRACE=enable=no LSAN_OPTIONS=suppressions=$(CURDIR)/Tests/Sanitizers/lsan-suppressions.txt
# What makes a sanitizer's report file a failure (reports go to files; see sanitize-address).
SAN_REPORT   := ERROR: [A-Za-z]+Sanitizer|WARNING: ThreadSanitizer|Sanitizer: CHECK failed

.PHONY: all deps testdeps pydeps build test install uninstall fuzz sanitize-address sanitize-thread soak soak-fuzz soak-trials soak-load run bench deb clean help format lint

all: build

help:
	@echo "make run    - mtpsessiond on the virtual player with a bundled transfer demo"
	@echo "make test   - install what is missing, build, run the whole suite (what CI runs)"
	@echo "make bench  - measure the virtual player (see README)"
	@echo "make deb    - the Debian package, checked by lintian: .build/deb/mtpsessiond_<version>_<arch>.deb"
	@echo "make format - apply .swift-format to Sources, Tests and Package.swift; make lint - report only"
	@echo "make fuzz   - run each fuzz target ($(FUZZ_TARGETS)) for FUZZ_SECONDS (default $(FUZZ_SECONDS))"
	@echo "make sanitize-address, make sanitize-thread - the suite, daemon and player built with ASan or TSan"
	@echo "make soak   - long runs (hours): fuzzing to ten million executions a target, the fault trials"
	@echo "              at full counts, and 64 clients against a 1 GiB transfer (soak-fuzz, soak-trials, soak-load)"

deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

# What only the tests need, installed by the test rules, so that `make build` stays lean.
testdeps: deps
	@$(MAKE) --no-print-directory deps DEB_PACKAGES="$(TEST_DEB_PACKAGES)"

pydeps: deps
	@PYTHONPATH=$(PYLIB) python3 -c 'import varlink' 2>/dev/null || \
	  python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --target $(PYLIB) $(PY_VARLINK)

build: deps
	$(SWIFT) build --build-tests

# The suite is XCTest, run three times (plain, under ASan, under TSan), plus one test per fuzz target, one for
# the Debian package (`make deb`: it builds, lintian reports no error, it holds the expected files) and each check
# of `make test-system` in its two installs (make install, the package); the closing
# line counts them all, so CI reads one total. A fuzz target that did not report "passed" (a crash, or a build
# that failed) counts as failed, as does a run with no XCTest summary (a build that failed, a test process that
# died) and each sanitizer report file.
# Failures are repeated last, just above the closing line, so that the tail of a CI log names them.
TEST_LOGS := .build/test.log .build-asan/test.log .build-tsan/test.log
SAN_REPORT_DIRS := .build-asan/sanitizer-reports .build-tsan/sanitizer-reports
test: build pydeps testdeps
	@set -o pipefail; status=0; \
	MTPSIM_BIN_DIR=$(BIN) MTPSESSIOND_PYTHONPATH=$(PYLIB) $(SWIFT) test --skip-build --disable-swift-testing 2>&1 \
	  | tee .build/test.log || status=1; \
	$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=$(FUZZ_SECONDS) || status=1; \
	$(MAKE) --no-print-directory sanitize-address || status=1; \
	$(MAKE) --no-print-directory sanitize-thread || status=1; \
	debfail=0; $(MAKE) --no-print-directory deb 2>&1 | tee .build/deb.log || { status=1; debfail=1; }; \
	$(MAKE) --no-print-directory test-system 2>&1 | tee .build/system-make.log || status=1; \
	$(MAKE) --no-print-directory test-system SYSTEM_INSTALL=deb 2>&1 | tee .build/system-deb.log || status=1; \
	sysp=0; sysf=0; for l in .build/system-make.log .build/system-deb.log; do \
	  c=$$(grep -E '^[0-9]+ passed, [0-9]+ failed$$' $$l | tail -1); \
	  if [ -n "$$c" ]; then sysp=$$((sysp + $${c%% *})); f=$${c#*, }; sysf=$$((sysf + $${f%% *})); else sysf=$$((sysf + 1)); fi; done; \
	fuzzpass=$$(grep -c ' passed$$' .build-fuzz/results 2>/dev/null); fuzzfail=$$(( $(words $(FUZZ_TARGETS)) - $${fuzzpass:-0} )); \
	reports=$$(grep -l -E '$(SAN_REPORT)' $(addsuffix /*,$(SAN_REPORT_DIRS)) 2>/dev/null); \
	if grep -q -E ': error: |Fatal error|crashed' $(TEST_LOGS) || [ -n "$$reports" ] || [ $$debfail = 1 ] || [ $$sysf != 0 ]; then echo "---- failures ----"; \
	  [ $$sysf = 0 ] || { echo "make test-system failed (.build/system-*.log; console in .build/system/):"; grep -h -E '^FAIL|^not ok|failed:' .build/system-make.log .build/system-deb.log | head -20; }; \
	  [ $$debfail = 0 ] || { echo "make deb failed (.build/deb.log):"; grep -E '^E: |error|lacks|holds the test tool|Sources/ProductVersion says' .build/deb.log | head -20; }; \
	  grep -E ': error: |Fatal error|crashed' $(TEST_LOGS) | cut -c1-400 | head -40; \
	  for r in $$reports; do echo "$$r: $$(grep -m1 -E 'SUMMARY|$(SAN_REPORT)' $$r | cut -c1-300)"; done; fi; \
	awk -v fz=$$fuzzfail -v nf=$(words $(FUZZ_TARGETS)) -v sr=$$(echo $$reports | wc -w) -v df=$$debfail -v sp=$$sysp -v sf=$$sysf \
	  '/^Test Suite .All tests. (passed|failed)/ {getline; n[FILENAME] = $$2; f[FILENAME] = $$5} \
	   END {for (i = 1; i < ARGC; i++) {if (!(ARGV[i] in n)) {n[ARGV[i]] = 0; f[ARGV[i]] = 1} tn += n[ARGV[i]]; tf += f[ARGV[i]]} \
	        print tn+nf+1-tf-fz-df+sp " passed, " tf+fz+sr+df+sf " failed"}' $(TEST_LOGS); \
	exit $$status

# The whole suite again, built with AddressSanitizer (LeakSanitizer included) or ThreadSanitizer in a scratch
# path of its own, with MTPSIM_BIN_DIR at that build: the integration tests run the sanitized mtpsessiond,
# mtpsim and mtpctl, so the daemon and the virtual player are checked in their own processes, not only the
# test process. All of it fits CI: from a clean clone on this project's 2-core machine, 4.5 minutes under ASan
# and 7 under TSan, builds included (`make test` took 20 minutes in all, beside other work).
# SAN_TESTS=REGEX runs only the matching tests.
# - Every sanitized process writes its reports to files in <scratch>/sanitizer-reports, named after the
#   executable and pid, not to stderr: a daemon's stderr is a pipe the tests read and may never show. The rule
#   fails if any file there holds a report, and prints them. halt_on_error: a process stops at its first report,
#   so the test that caused it fails too; handle_sigill: a Swift trap in any process is reported with its stack.
# - Swift's crash backtracer is off: after a trap it forks from the signal handler, where TSan fails a CHECK
#   (tsan_rtl.cpp:261) instead of reporting, and ASan reports its memory server's reads as a heap overflow.
# - umockdev: mtpsim runs its command with libumockdev-preload in LD_PRELOAD. The sanitizer runtimes are linked
#   statically into each executable, whose symbols come before any preloaded library's, so their interceptors
#   stay first and call through to umockdev's; no link-order check needs silencing.
# - Suppressions, each with its proof: Tests/Sanitizers/lsan-suppressions.txt, tsan-suppressions.txt.
sanitize-address: SAN := address
sanitize-address: SCRATCH := .build-asan
sanitize-address: SAN_ENV = ASAN_OPTIONS=log_path=$(CURDIR)/.build-asan/sanitizer-reports/asan:log_exe_name=1:handle_sigill=1 \
  LSAN_OPTIONS=suppressions=$(CURDIR)/Tests/Sanitizers/lsan-suppressions.txt:print_suppressions=0
sanitize-thread: SAN := thread
sanitize-thread: SCRATCH := .build-tsan
sanitize-thread: SAN_ENV = TSAN_OPTIONS=log_path=$(CURDIR)/.build-tsan/sanitizer-reports/tsan:log_exe_name=1:handle_sigill=1:halt_on_error=1:exitcode=66:suppressions=$(CURDIR)/Tests/Sanitizers/tsan-suppressions.txt:print_suppressions=0
sanitize-address sanitize-thread: deps pydeps testdeps
	@mkdir -p $(SCRATCH) && : > $(SCRATCH)/test.log && rm -rf $(SCRATCH)/sanitizer-reports && mkdir $(SCRATCH)/sanitizer-reports
	$(SWIFT) build --build-tests --sanitize=$(SAN) --scratch-path $(SCRATCH)
	@set -o pipefail; status=0; \
	SWIFT_BACKTRACE=enable=no $(SAN_ENV) MTPSIM_BIN_DIR=$(CURDIR)/$(SCRATCH)/debug MTPSESSIOND_PYTHONPATH=$(PYLIB) \
	  $(SWIFT) test --skip-build --sanitize=$(SAN) --scratch-path $(SCRATCH) --disable-swift-testing \
	  $(if $(SAN_TESTS),--filter '$(SAN_TESTS)') 2>&1 | tee $(SCRATCH)/test.log || status=1; \
	for r in $$(grep -l -E '$(SAN_REPORT)' $(SCRATCH)/sanitizer-reports/* 2>/dev/null); do \
	  status=1; echo "---- $$r ----"; grep -v -E '^ *$$' $$r | cut -c1-300 | head -60; done; \
	exit $$status

# Builds every target with libFuzzer and ASan, then runs each from its committed seeds plus what earlier runs
# found (.build-fuzz/corpus/<name>); crashes land in .build-fuzz/crashes. One line per target in
# .build-fuzz/results says whether it passed. The targets run side by side (each is one thread) so that they
# share the machine's cores; each log line is prefixed with its target. Release: the same preconditions at
# about twice the executions.
fuzz: deps
	@rm -f .build-fuzz/results
	for t in $(FUZZ_TARGETS); do \
	  $(SWIFT) build --scratch-path .build-fuzz -c release --product $${t}Fuzzer \
	    -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING || exit 1; \
	done
	@mkdir -p .build-fuzz/crashes; for t in $(FUZZ_TARGETS); do \
	  mkdir -p .build-fuzz/corpus/$$t; echo "fuzzing $$t: $(FUZZ_LIMIT)"; \
	  ( if $(FUZZ_ENV) .build-fuzz/release/$${t}Fuzzer $(FUZZ_LIMIT) -max_len=$(FUZZ_MAX_LEN) -print_final_stats=1 \
	         -artifact_prefix=.build-fuzz/crashes/$$t- .build-fuzz/corpus/$$t Tests/FuzzCorpus/$$t 2>&1 \
	         | grep --line-buffered -E '^#[0-9]+.*(INITED|DONE)|^Done|stat::(average_exec_per_sec|number_of_executed_units)|Test unit written|ERROR|SUMMARY|Fatal error|Precondition failed' \
	         | tee .build-fuzz/$$t.log | sed -u "s/^/$$t: /"; \
	       [ "$${PIPESTATUS[0]}" = 0 ]; \
	    then echo "$$t passed" >> .build-fuzz/results; else echo "$$t failed" >> .build-fuzz/results; fi ) & \
	done; wait; echo "---- fuzz ----"; cat .build-fuzz/results; ! grep -q failed .build-fuzz/results

# Long runs, each its own rule: `make soak` runs them all, the trials and the load first (minutes), the
# fuzzing last (hours: under ASan, ten million executions took about 48 minutes of CPU for the container
# target, 57 for device data and 90 for varlink, whose inputs grow to 64 KiB; side by side on two cores, a
# little over 1.5 hours on a quiet machine), then writes their figures to docs/reliability.md.
# The report is written even when a part failed: its figures then say what did not survive.
soak: deps
	@status=0; for part in soak-trials soak-load soak-fuzz; do $(MAKE) --no-print-directory $$part || status=1; done; \
	python3 benchmarks/reliability.py --trials .build/soak/trials.log --fuzz .build-fuzz \
	  --load benchmarks/results/load.json benchmarks/results/load-shared-cpu.json --output docs/reliability.md; exit $$status

# Fuzzing: each target for ten million executions, with inputs up to 64 KiB so messages cross the framer's
# reads and the parsers' buffers in ways 4 KiB cannot.
soak-fuzz: deps
	$(MAKE) --no-print-directory fuzz FUZZ_LIMIT=-runs=10000000 FUZZ_MAX_LEN=65536

# The daemon on a virtual player with demo content: a bundled `mtpctl put` of a folder with progress, and
# what the same transfers cost file by file, in PTP transactions counted by the player. On real USB, run
# `mtpsessiond` and `mtpctl` directly (README, "Real devices").
DEMO := $(CURDIR)/.build/demo
run: build
	benchmarks/bundle-demo.sh $(BIN) $(DEMO)

# The sync benchmark's comparison, how Linux users sync a player today: rsync into a FUSE mount of the player by
# jmtpfs (libmtp) or go-mtpfs (its own MTP over libusb). jmtpfs depends on fuse or fuse3, either of which gives
# the fusermount the benchmark unmounts with; naming fuse here would make apt remove a fuse3 already installed.
# ffmpeg: benchmarks/make-library.py encodes the library's tracks with it.
BENCH_DEB_PACKAGES := rsync jmtpfs go-mtpfs ffmpeg
bench: deps
	@$(MAKE) --no-print-directory deps DEB_PACKAGES="$(BENCH_DEB_PACKAGES)"
	$(SWIFT) build -c release
	benchmarks/virtual-player.sh
	$(SWIFT) build -c release --static-swift-stdlib --scratch-path .build-static --product mtpsessiond
	DAEMON=.build-static/release/mtpsessiond python3 benchmarks/daemon-overhead.py .build/release
	DAEMON=.build-static/release/mtpsessiond python3 benchmarks/many-small-files.py .build/release
	DAEMON=.build-static/release/mtpsessiond python3 benchmarks/large-file.py .build/release
	DAEMON=.build-static/release/mtpsessiond python3 benchmarks/listing.py .build/release
	DAEMON=.build-static/release/mtpsessiond python3 benchmarks/scale.py .build/release
	DAEMON=.build-static/release/mtpsessiond python3 benchmarks/sharing.py .build/release
	DAEMON=.build-static/release/mtpsessiond python3 benchmarks/sync.py .build/release
	DAEMON=.build-static/release/mtpsessiond python3 benchmarks/startup.py .build/release
	DAEMON=.build-static/release/mtpsessiond python3 benchmarks/full-folder.py .build/release
	@PYTHONPATH=$(BENCHLIB) python3 -c 'import matplotlib' 2>/dev/null || \
	  python3 -m pip install --quiet --disable-pip-version-check --no-warn-conflicts --root-user-action=ignore --target $(BENCHLIB) matplotlib
	PYTHONPATH=$(BENCHLIB) python3 benchmarks/report.py

# Load (issue 6): 64 clients x 1,000 cheap calls while a 1 GiB put runs on the USB 2.0 link model, against
# the same put unloaded; errors, p50/p99 latency and the throughput ratio go to benchmarks/results/load.json
# (the clients under SCHED_IDLE: what the daemon costs the transfer, the target) and load-shared-cpu.json
# (the clients at normal priority, taking the CPU the emulated device needs).
# A release build, as users run it; a few minutes.
soak-load: deps
	$(SWIFT) build -c release
	CLIENT_PRIORITY=idle python3 benchmarks/load.py .build/release
	CLIENT_PRIORITY=0 LOAD_OUTPUT=benchmarks/results/load-shared-cpu.json python3 benchmarks/load.py .build/release

# Issue 6's fault trials at full counts (make test runs a few of each): unplugs at 100 seeded points each way,
# clients killed mid-transfer 50 times, the daemon killed mid-transfer 20 times. MTPSESSIOND_SEED=N replays
# another sequence of points. Each test prints a `trial-summary` line, which the report reads from the log.
UNPLUG_TRIALS      ?= 100
CLIENT_KILL_TRIALS ?= 50
DAEMON_KILL_TRIALS ?= 20
TRIAL_TEST          = MTPSIM_BIN_DIR=$(BIN) $(SWIFT) test --skip-build --disable-swift-testing
soak-trials: build
	@mkdir -p .build/soak; set -o pipefail; \
	( echo "trials-commit $$(git rev-parse --short HEAD)$$(git diff --quiet HEAD || echo -modified)"; status=0; \
	  MTPSESSIOND_TRIALS=$(UNPLUG_TRIALS) $(TRIAL_TEST) --filter UnplugTrialsTests || status=1; \
	  MTPSESSIOND_TRIALS=$(UNPLUG_TRIALS) $(TRIAL_TEST) --filter ForeignDeviceTests.testAMoveCutOffByAnUnplugLeavesTheOriginalWhole || status=1; \
	  MTPSESSIOND_TRIALS=$(CLIENT_KILL_TRIALS) $(TRIAL_TEST) --filter ClientKillTrialsTests || status=1; \
	  MTPSESSIOND_TRIALS=$(DAEMON_KILL_TRIALS) $(TRIAL_TEST) --filter DaemonKillTrialsTests || status=1; \
	  exit $$status ) 2>&1 | tee .build/soak/trials.log; rc=$$?; grep '^trial-summary' .build/soak/trials.log; exit $$rc

# Install on a real machine: binaries, systemd units (ExecStart pointing at the installed daemon), the udev
# rule, the sysusers.d entry, the man pages (committed in docs/man) and shell completions (each program writes
# its own). PREFIX=/usr puts everything in the distribution's places.
PREFIX       ?= /usr/local
DESTDIR      ?=
CONFIG       ?= release
BINDIR       := $(PREFIX)/bin
UNITDIR      ?= $(PREFIX)/lib/systemd/system
UDEVRULESDIR ?= $(if $(filter /usr,$(PREFIX)),/usr/lib/udev/rules.d,/etc/udev/rules.d)
SYSUSERSDIR  ?= $(if $(filter /usr,$(PREFIX)),/usr/lib/sysusers.d,/etc/sysusers.d)
MANDIR       ?= $(PREFIX)/share/man
BASHCOMPDIR  ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR   ?= $(PREFIX)/share/zsh/vendor-completions
FISHCOMPDIR  ?= $(PREFIX)/share/fish/vendor_completions.d
INSTALLED    := $(BINDIR)/mtpsessiond $(BINDIR)/mtpctl $(UNITDIR)/mtpsessiond.service $(UNITDIR)/mtpsessiond.socket \
                $(UDEVRULESDIR)/70-mtpsessiond.rules $(SYSUSERSDIR)/mtpsessiond.conf \
                $(MANDIR)/man1/mtpctl.1 $(MANDIR)/man8/mtpsessiond.8 \
                $(foreach p,mtpctl mtpsessiond,$(BASHCOMPDIR)/$(p) $(ZSHCOMPDIR)/_$(p) $(FISHCOMPDIR)/$(p).fish)

install: deps
	$(SWIFT) build -c $(CONFIG) --static-swift-stdlib --product mtpsessiond
	$(SWIFT) build -c $(CONFIG) --static-swift-stdlib --product mtpctl
	install -Dm755 .build/$(CONFIG)/mtpsessiond $(DESTDIR)$(BINDIR)/mtpsessiond
	install -Dm755 .build/$(CONFIG)/mtpctl $(DESTDIR)$(BINDIR)/mtpctl
	install -d $(DESTDIR)$(UNITDIR)
	sed 's|/usr/local/bin/mtpsessiond|$(BINDIR)/mtpsessiond|' systemd/mtpsessiond.service > $(DESTDIR)$(UNITDIR)/mtpsessiond.service
	install -Dm644 systemd/mtpsessiond.socket $(DESTDIR)$(UNITDIR)/mtpsessiond.socket
	install -Dm644 systemd/mtpsessiond.sysusers $(DESTDIR)$(SYSUSERSDIR)/mtpsessiond.conf
	@# The group before the rule: udevd resolves GROUP= when it reads a rule, drops an unknown group for good, and
	@# never reads an unchanged rule again, so a uevent between the two would leave device nodes out of reach.
	if [ -z "$(DESTDIR)" ] && command -v systemd-sysusers >/dev/null; then systemd-sysusers $(SYSUSERSDIR)/mtpsessiond.conf; fi
	install -Dm644 udev/70-mtpsessiond.rules $(DESTDIR)$(UDEVRULESDIR)/70-mtpsessiond.rules
	install -Dm644 docs/man/mtpctl.1 $(DESTDIR)$(MANDIR)/man1/mtpctl.1
	install -Dm644 docs/man/mtpsessiond.8 $(DESTDIR)$(MANDIR)/man8/mtpsessiond.8
	install -d $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR)
	for p in mtpctl mtpsessiond; do \
	  .build/$(CONFIG)/$$p --generate-completion-script bash > $(DESTDIR)$(BASHCOMPDIR)/$$p && \
	  .build/$(CONFIG)/$$p --generate-completion-script zsh > $(DESTDIR)$(ZSHCOMPDIR)/_$$p && \
	  .build/$(CONFIG)/$$p --generate-completion-script fish > $(DESTDIR)$(FISHCOMPDIR)/$$p.fish && \
	  chmod 644 $(DESTDIR)$(BASHCOMPDIR)/$$p $(DESTDIR)$(ZSHCOMPDIR)/_$$p $(DESTDIR)$(FISHCOMPDIR)/$$p.fish || exit 1; \
	done
	@echo "Installed. Now: udevadm control --reload && systemctl daemon-reload && systemctl enable --now mtpsessiond.socket"

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))

# The Debian package (issue 11): dpkg-buildpackage runs debian/rules, which runs `make install` above into the
# package (reusing .build), then checks what came out. The .deb, .buildinfo and .changes go to .build/deb, not
# to the repository's parent, and lintian's report to .build/deb/lintian.txt. Fails when debian/changelog's
# version is not ProductVersion's, when lintian reports an error, or when the package lacks one of DEB_FILES or
# holds anything of the test-only mtpsim.
DEB_TOOLS    := debhelper dpkg-dev lintian
DEB_DIR      := $(CURDIR)/.build/deb
DEB_FILES    := usr/bin/mtpsessiond usr/bin/mtpctl lib/systemd/system/mtpsessiond.service \
                lib/systemd/system/mtpsessiond.socket lib/udev/rules.d/70-mtpsessiond.rules \
                usr/lib/sysusers.d/mtpsessiond.conf usr/share/man/man1/mtpctl.1.gz usr/share/man/man8/mtpsessiond.8.gz \
                $(foreach p,mtpctl mtpsessiond,usr/share/bash-completion/completions/$(p) \
                  usr/share/zsh/vendor-completions/_$(p) usr/share/fish/vendor_completions.d/$(p).fish) \
                usr/share/doc/mtpsessiond/README.md.gz usr/share/doc/mtpsessiond/README.Debian \
                usr/share/doc/mtpsessiond/copyright
deb: deps
	@$(MAKE) --no-print-directory deps DEB_PACKAGES="$(DEB_TOOLS)"
	@version=$$(dpkg-parsechangelog -S Version); product=$$(sed -n 's/.*static let string = "\(.*\)".*/\1/p' Sources/ProductVersion/ProductVersion.swift); \
	[ "$$version" = "$$product" ] || { echo "debian/changelog says $$version, Sources/ProductVersion says $$product" >&2; exit 1; }
	rm -rf $(DEB_DIR) && mkdir -p $(DEB_DIR)
	@name=mtpsessiond_$$(dpkg-parsechangelog -S Version)_$$(dpkg-architecture -qDEB_HOST_ARCH); status=0; \
	MTPSESSIOND_DEB_DIR=$(DEB_DIR) dpkg-buildpackage -b -us -uc --buildinfo-file=$(DEB_DIR)/$$name.buildinfo \
	  --buildinfo-option=-u$(DEB_DIR) --changes-file=$(DEB_DIR)/$$name.changes --changes-option=-u$(DEB_DIR) || status=1; \
	debian/rules clean >/dev/null; exit $$status
	@set -o pipefail; deb=$$(ls $(DEB_DIR)/*.deb); echo "---- lintian $$deb ----"; \
	lintian --display-info --fail-on error $$deb | tee $(DEB_DIR)/lintian.txt
	@deb=$$(ls $(DEB_DIR)/*.deb); dpkg-deb -c $$deb | awk '{print $$6}' | sed 's|^\./||' > $(DEB_DIR)/contents.txt; status=0; \
	for f in $(DEB_FILES); do grep -qxF "$$f" $(DEB_DIR)/contents.txt || { echo "$$deb lacks $$f" >&2; status=1; }; done; \
	if grep -i mtpsim $(DEB_DIR)/contents.txt; then echo "$$deb holds the test tool mtpsim (above)" >&2; status=1; fi; \
	[ $$status = 0 ] && echo "$$deb: lintian reports no errors; holds $(words $(DEB_FILES)) expected files, no mtpsim"; exit $$status

# The whole product in a VM (issue 11): a Debian bookworm root built by mmdebstrap and cached in SYSTEM_CACHE
# (rebuilt when its package list or build script changes), booted with systemd as PID 1 and a real udevd, the
# project installed as `make install` does (SYSTEM_INSTALL=deb: the package `make deb` builds), and QEMU's own
# usb-mtp device hot-plugged through its monitor; Tests/System/run.py says what each check asserts. It closes with
# `N passed, N failed`. Logs and the serial console go to .build/system.
SYSTEM_DEB_PACKAGES := qemu-system-x86 mmdebstrap debian-archive-keyring e2fsprogs python3
SYSTEM_INSTALL      ?= make
SYSTEM_CACHE        ?= /var/cache/mtpsessiond-vm
SYSTEM_STAGE        := $(CURDIR)/.build/system/stage
.PHONY: test-system
test-system:
	@$(MAKE) --no-print-directory deps DEB_PACKAGES="$(SYSTEM_DEB_PACKAGES)"
ifeq ($(SYSTEM_INSTALL),deb)
	$(MAKE) --no-print-directory deb
	$(SUDO) python3 Tests/System/run.py --install deb --deb "$$(ls -t .build/deb/mtpsessiond_*_amd64.deb mtpsessiond_*_amd64.deb 2>/dev/null | head -1)" --cache $(SYSTEM_CACHE)
else
	rm -rf $(SYSTEM_STAGE)
	$(MAKE) --no-print-directory install DESTDIR=$(SYSTEM_STAGE) PREFIX=/usr/local
	$(SUDO) python3 Tests/System/run.py --install make --stage $(SYSTEM_STAGE) --cache $(SYSTEM_CACHE)
endif

# swift-format (in the Swift toolchain) with .swift-format: 4 spaces, 130 columns (the tree's 99th percentile), and
# the rules the tree already keeps; off are those it deliberately does otherwise (several assignments on one
# line with semicolons, @testable imports first, `case a, b`, `let a, b`, date-like seeds written ungrouped,
# BusyRetry.run's closure argument beside a trailing closure). AllPublicDeclarationsHaveDocumentation is on: the
# house style asks for /// on every non-private declaration. `make lint` reports without failing; `make format`
# rewrites in place, then mends what swift-format 6.3 gets wrong: `catch  where` (two spaces) for a catch with
# only a where clause (swift-format issue 1076, fixed after 6.3).
FORMAT_PATHS := Sources Tests Package.swift
format:
	$(SWIFT) format -i -r $(FORMAT_PATHS)
	grep -rl --include='*.swift' 'catch  where' $(FORMAT_PATHS) | xargs -r sed -i 's/catch  where/catch where/'
lint:
	$(SWIFT) format lint -r $(FORMAT_PATHS)

clean:
	rm -rf .build .build-fuzz .build-asan .build-tsan
