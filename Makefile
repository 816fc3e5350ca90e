# The two commands a new machine needs: `make run` and `make test`.

GO ?= go
VERSION ?= $(shell git describe --always --dirty 2>/dev/null)
export GORACE ?= atexit_sleep_ms=0

.PHONY: run test deps build vet bench

## run: start the server on http://localhost:8080, keeping data in ./data
run:
	$(GO) run ./cmd/confab serve

## test: every test, with the race detector (installs Chromium first if it can)
test: deps
	$(GO) vet ./...
	$(GO) test -race -count=1 -timeout 20m ./...

## deps: what the tests need beyond Go: Debian's chromium for the browser tests
deps:
	@sh .ci/deps

## build: a static binary in ./bin
build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "-X main.version=$(VERSION)" \
		-o bin/confab ./cmd/confab

## bench: the load-test scenarios against a server it starts (BENCH_DURATION, BENCH_RUNS)
bench:
	bash .ci/bench
