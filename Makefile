# tokenmill — build, test, benchmark.
#
#   make test    everything CI runs: vet, tests, bounded fuzzing (installs test deps)
#   make bench   Go benchmarks of every stage (longer)

GO       ?= go
DATA     ?= $(abspath ../shared/data)
FUZZTIME ?= 10s
export TOKENMILL_DATA ?= $(DATA)

# Fuzz targets run for FUZZTIME each in `make test`: package and target.
FUZZ := \
	./clean:FuzzNormalize \
	./mill/jsonl:FuzzDecode \
	./mill/jsonl:FuzzFastDecode \
	./mill/jsonl:FuzzAppendDoc \
	./crawl:FuzzExtractLinks \
	./crawl:FuzzWARCReader \
	./crawl/extract:FuzzHTML \
	./dedup/minhash:FuzzSign \
	./tokenize:FuzzEncode \
	./tokenize:FuzzSplit \
	./shard:FuzzReadShard

.PHONY: all build test test-deps vet unit fuzz bench
all: build

build:
	$(GO) build -o bin/tokenmill ./cmd/tokenmill

test: test-deps vet unit fuzz

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...

unit:
	$(GO) test -timeout 30m ./...
	$(GO) test -race -timeout 10m ./mill/... ./pipelines/...

fuzz:
	@for t in $(FUZZ); do \
		pkg=$${t%%:*}; name=$${t##*:}; \
		echo "fuzz $$pkg $$name for $(FUZZTIME)"; \
		$(GO) test -run '^$$' -fuzz "^$$name$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 5s $$pkg || exit 1; \
	done

# test-deps installs what integration tests need. Each step is skipped when
# already satisfied; off CI a failed install only warns (those tests then skip).
test-deps:
	@bash scripts/test-deps.sh

bench:
	$(GO) test -run '^$$' -bench . -benchtime 2s -count 5 ./... | tee bench.txt
