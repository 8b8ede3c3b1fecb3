# mtpsessiond — every target installs what it needs first, so a fresh Debian machine with Swift needs only `make`.
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

test: build
	MTPSIM_BIN_DIR=$(BIN) $(SWIFT) test --skip-build
	$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=$(FUZZ_SECONDS)

fuzz: deps
	$(SWIFT) build --scratch-path .build-fuzz -c debug --product PTPContainerFuzzer \
	  -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING
	mkdir -p .build-fuzz/corpus
	.build-fuzz/debug/PTPContainerFuzzer -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
	  .build-fuzz/corpus Tests/FuzzCorpus/PTPContainer

run: build
	$(BIN)/mtpsim --help

bench: deps
	$(SWIFT) build -c release
	benchmarks/virtual-player.sh

clean:
	rm -rf .build .build-fuzz
