# Tributary's developer commands. `make test` is what CI runs.
GO ?= go
BIN := $(CURDIR)/.bin
STATICCHECK_VERSION := v0.8.2
STATICCHECK := $(BIN)/staticcheck-$(STATICCHECK_VERSION)

.PHONY: test vet staticcheck fmt fmt-check race scale bench

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

## bench: the project's benchmarks, in a form benchstat reads
bench:
	$(GO) test -run '^$$' -bench . -benchmem -count 1 ./...
