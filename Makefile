# Tributary's developer commands. `make test` is what CI runs.
GO ?= go
BIN := $(CURDIR)/.bin
STATICCHECK_VERSION := v0.8.2
STATICCHECK := $(BIN)/staticcheck-$(STATICCHECK_VERSION)

.PHONY: test vet staticcheck fmt fmt-check race scale bench bench-all fuzz soak pg

## test: formatting, vet, staticcheck, the race-enabled test suite, and the
## scale tests that the race detector makes too slow
test: fmt-check vet staticcheck race scale

race:
	$(GO) test -race -count=1 ./...

# The 10,000-item runs measure memory and checkpoint size; they skip
# themselves under -race and run here without it.
scale:
	$(GO) test -count=1 -run 'TenThousand|ThroughputAt' ./connectors/...

vet:
	$(GO) vet ./...

staticcheck: $(STATICCHECK)
	$(STATICCHECK) ./...

$(STATICCHECK):
	mkdir -p $(BIN)
	GOBIN=$(BIN) $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)
	mv $(BIN)/staticcheck $@

fmt:
	gofmt -w $$(git ls-files '*.go')

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

## bench: the headline figures as a table, each beside what it is measured
## against in the same run; the raw lines (for benchstat) go to bench.txt
BENCH := $(GO) test -run '^$$' -count 1
bench:
	@{ $(BENCH) -bench '^BenchmarkRunnerMemory$$' -benchtime 1x . ; \
	   $(BENCH) -bench '^BenchmarkRunner$$/repeats=.*/new' . ; \
	   $(BENCH) -bench '^BenchmarkSmallFiles$$/files=10000' -benchtime 3x ./connectors/file ; \
	   $(BENCH) -bench '^BenchmarkLoad$$/items' -benchtime 2x ./connectors/github ; \
	   $(BENCH) -bench '^BenchmarkLoadBesideLimits$$' -benchtime 2x ./connectors/slack ; \
	} 2>&1 | tee bench.txt | $(GO) run ./internal/cmd/benchtable 2>/dev/null

## bench-all: every benchmark, in a form benchstat reads
bench-all:
	$(GO) test -run '^$$' -bench . -benchmem -count 1 ./...

## fuzz: a short run of every fuzz target (FUZZTIME each, default 10s)
FUZZTIME ?= 10s
fuzz:
	FUZZTIME=$(FUZZTIME) GO=$(GO) scripts/fuzz.sh

## soak: kill the tributary command SOAK_KILLS times per connector (file,
## github, slack, web, confluence, jira), all six at once, and check that
## nothing is lost (CI: 5; the long form: make soak SOAK_KILLS=50)
SOAK_KILLS ?= 5
soak:
	$(GO) test -count 1 -timeout 30m -v -parallel 6 -run Soak ./internal/soak -soak.kills $(SOAK_KILLS)

## pg: install (as root, from Debian's packages) and start a throwaway
## PostgreSQL on 127.0.0.1 for pgstore's and pgsink's tests, and print the
## line that points the tests at it; `scripts/pg.sh stop` stops it
pg:
	@url=$$(scripts/pg.sh) && echo "export TRIBUTARY_PG_URL='$$url'"
