# cognito-events. `make test` is the test command CI runs (.ci/run).
SHELL := /bin/bash
GO ?= go
FUNCTIONS := $(notdir $(wildcard functions/*))

# jsii (the CDK's Go bindings) runs node; keep it quiet and offline.
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export CDK_DISABLE_CLI_TELEMETRY := true
export CDK_DISABLE_VERSION_CHECK := 1

.PHONY: test build bench fuzz lint clean

## test: run every test (unit, golden, schema, fuzz seeds, CDK assertions).
## It first installs the test-only emulators (tools/emulators: cognito-local)
## with install scripts off.
test: emulators
	$(GO) vet ./...
	$(GO) test -count=1 ./... ./testdata

## build: cross-compile each function to build/<function>/bootstrap (linux/arm64).
build:
	@for f in $(FUNCTIONS); do \
		echo "building $$f"; \
		CGO_ENABLED=0 GOOS=linux GOARCH=arm64 $(GO) build -tags lambda.norpc -trimpath \
			-ldflags '-s -w' -o build/$$f/bootstrap ./functions/$$f || exit 1; \
	done

## bench: run the benchmarks with allocation counts, then the CLI's
## whole-process benchmark against its targets (scripts/bench-cli.sh).
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...
	scripts/bench-cli.sh

## fuzz: run each fuzz target for FUZZTIME (default 30s): the normaliser, the
## user and trigger event builders, the structured-event parser, the
## forwarder's and the trigger function's handlers, the pattern matcher, the
## local sink's parser and the CLI's record reader.
FUZZTIME ?= 30s
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzNormalize$$' -fuzztime $(FUZZTIME) ./events
	$(GO) test -run '^$$' -fuzz '^FuzzNewUserEvent$$' -fuzztime $(FUZZTIME) ./events
	$(GO) test -run '^$$' -fuzz '^FuzzBuildTrigger$$' -fuzztime $(FUZZTIME) ./events
	$(GO) test -run '^$$' -fuzz '^FuzzParseStructured$$' -fuzztime $(FUZZTIME) ./events
	$(GO) test -run '^$$' -fuzz '^FuzzHandle$$' -fuzztime $(FUZZTIME) ./internal/forwarder/handler
	$(GO) test -run '^$$' -fuzz '^FuzzHandle$$' -fuzztime $(FUZZTIME) ./internal/trigger
	$(GO) test -run '^$$' -fuzz '^FuzzMatch$$' -fuzztime $(FUZZTIME) ./internal/pattern
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) ./internal/cesink
	$(GO) test -run '^$$' -fuzz '^FuzzRecords$$' -fuzztime $(FUZZTIME) ./internal/records

## lint: gofmt and go vet.
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "not gofmt-formatted:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

## synth, diff, deploy, destroy: the CDK app (infra/, cdk.json) with the CLI
## pinned in package.json, installed on first use. synth needs no AWS
## credentials and writes the templates to cdk.out/. Pass CDK_ARGS for more
## flags, e.g. `make deploy CDK_ARGS=--require-approval=never`.
CDK := node_modules/.bin/cdk
CDK_FLAGS := --no-notices
CDK_ARGS ?=
.PHONY: synth diff deploy destroy

$(CDK): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

## emulators: the test-only npm packages (tools/emulators/package.json:
## cognito-local), installed with install scripts off by make test, make
## demo and .ci/run; make synth and deploy never install them, so the
## deployer's machine runs no code of theirs.
EMULATORS := tools/emulators/node_modules/cognito-local/package.json
.PHONY: emulators
emulators: $(EMULATORS)
$(EMULATORS): tools/emulators/package.json tools/emulators/package-lock.json
	cd tools/emulators && npm ci --ignore-scripts --no-audit --no-fund
	@touch $@

synth: build $(CDK)
	$(CDK) synth $(CDK_FLAGS) --quiet $(CDK_ARGS)

diff: build $(CDK)
	$(CDK) diff $(CDK_FLAGS) --all $(CDK_ARGS)

deploy: build $(CDK)
	$(CDK) deploy $(CDK_FLAGS) --all $(CDK_ARGS)

destroy: build $(CDK)
	$(CDK) destroy $(CDK_FLAGS) --all $(CDK_ARGS)

clean:
	rm -rf build cdk.out

## demo: the whole pipeline on this machine, no AWS account needed: builds
## the functions and synthesizes the app (make synth, which runs npm ci on
## first use), builds the forwarder and trigger bootstraps and the CLI for
## this machine under build/demo/, then one process (cognito-events demo,
## docs/demo.md) replays testdata/envelopes through the synthesized rules
## into the real forwarder bootstrap and a local CloudEvents sink; with
## moto_server on PATH, runs two user-sync passes against a pool on moto
## (otherwise it says how to get moto); with cognito-local (make emulators
## installs it, scripts off), runs a real sign-up on cognito-local through the trigger
## and forwarder bootstraps (docs/triggers.md); and ends with one summary of
## all three parts.
DEMO_DIR := build/demo
.PHONY: demo
demo: synth emulators
	CGO_ENABLED=0 GOOS=$$($(GO) env GOHOSTOS) GOARCH=$$($(GO) env GOHOSTARCH) $(GO) build -tags lambda.norpc -trimpath \
		-ldflags '-s -w' -o $(DEMO_DIR)/forwarder/bootstrap ./functions/forwarder
	CGO_ENABLED=0 GOOS=$$($(GO) env GOHOSTOS) GOARCH=$$($(GO) env GOHOSTARCH) $(GO) build -tags lambda.norpc -trimpath \
		-ldflags '-s -w' -o $(DEMO_DIR)/trigger/bootstrap ./functions/trigger
	GOOS=$$($(GO) env GOHOSTOS) GOARCH=$$($(GO) env GOHOSTARCH) $(GO) build -o $(DEMO_DIR)/cognito-events ./cmd/cognito-events
	$(DEMO_DIR)/cognito-events demo --templates cdk.out --bootstrap $(DEMO_DIR)/forwarder/bootstrap --fixtures testdata/envelopes \
		--trigger-bootstrap $(DEMO_DIR)/trigger/bootstrap --cognito-local tools/emulators/node_modules/cognito-local
