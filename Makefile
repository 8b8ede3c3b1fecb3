# mtpsessiond — every target installs what it needs first, so a fresh Debian machine with Swift needs only `make`.
SHELL        := /bin/bash
SWIFT        ?= swift
SUDO         := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# libmtp and libusb are the real stack; umockdev emulates the USB device below libusb; mtp-tools is the
# independent client the virtual player is checked against.
DEB_PACKAGES := pkg-config libmtp-dev libmtp-runtime libusb-1.0-0-dev umockdev libumockdev-dev libglib2.0-dev mtp-tools
BIN          := $(CURDIR)/.build/debug
FUZZ_SECONDS ?= 20

.PHONY: all deps build test unit-test fuzz run bench clean help

all: build

help:
	@echo "make run    - the virtual player with a bundled transfer demo"
	@echo "make test   - install what is missing, build, run the whole suite (what CI runs)"
	@echo "make bench  - measure the virtual player (see README)"
	@echo "make fuzz   - fuzz the PTP container parser for FUZZ_SECONDS (default $(FUZZ_SECONDS))"

deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build --build-tests

# The suite is XCTest only; the closing line counts its tests plus the fuzz run, so CI reads one total.
test: build
	set -o pipefail; MTPSIM_BIN_DIR=$(BIN) $(SWIFT) test --skip-build --disable-swift-testing 2>&1 | tee .build/test.log
	$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=$(FUZZ_SECONDS)
	@awk '/^Test Suite .All tests. (passed|failed)/ {getline; n=$$2; f=$$5} END {print n+1-f " passed, " f " failed"}' .build/test.log

fuzz: deps
	$(SWIFT) build --scratch-path .build-fuzz -c debug --product PTPContainerFuzzer \
	  -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING
	mkdir -p .build-fuzz/corpus
	.build-fuzz/debug/PTPContainerFuzzer -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
	  .build-fuzz/corpus Tests/FuzzCorpus/PTPContainer

# Until the daemon lands (issue 3), the demo is the virtual player itself: libmtp's own tools list, send and
# fetch files on it, and mtpsim reports what that cost in PTP transactions.
DEMO := $(CURDIR)/.build/demo
run: build
	rm -rf $(DEMO) && mkdir -p $(DEMO)/storage/Music $(DEMO)/upload
	printf 'Preloaded on the device\n' > $(DEMO)/storage/Music/readme.txt
	for i in 1 2 3; do head -c $$((i * 300000)) /dev/urandom > $(DEMO)/upload/track$$i.mp3; done
	$(BIN)/mtpsim --storage $(DEMO)/storage --stats $(DEMO)/stats.json -- sh -c '\
	  mtp-detect 2>/dev/null | grep -E "Manufacturer|Model|Serial number|Friendly name"; \
	  for f in $(DEMO)/upload/*.mp3; do mtp-sendfile $$f /Music 2>/dev/null | grep "New file ID"; done; \
	  mtp-files 2>/dev/null | grep -E "Filename|File size"'
	@echo "On the host, the device's storage now holds:" && ls -l $(DEMO)/storage/Music
	@python3 -c 'import json; d=json.load(open("$(DEMO)/stats.json"))["devices"][0]["counters"]; \
	  print("PTP transactions: %d, object bytes received: %d" % (d["transactions"], d["objectBytesReceived"])); \
	  [print("  %-28s %5d" % (v["name"], v["count"])) for v in sorted(d["operations"].values(), key=lambda v: -v["count"])]'

bench: deps
	$(SWIFT) build -c release
	benchmarks/virtual-player.sh

clean:
	rm -rf .build .build-fuzz
