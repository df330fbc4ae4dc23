#!/usr/bin/env bash
# Installs what the integration tests need: Debian packages (real sites and
# documents to test on) and npm packages (an Arrow reader other than Go's).
# Under CI=true a failure is fatal; elsewhere it warns and the tests that need
# the missing part skip.
set -uo pipefail

APT_PACKAGES=(
	# dedup: the same API reference in two versions, real near duplicates
	# (dedup/eval/eval_test.go)
	libglibmm-2.4-doc libglibmm-2.68-doc
	# crawl: a real site crawled on loopback, 530 pages with one dead link
	# (crawl/web_pydoc_test.go, crawl/web_resume_test.go, bench crawl)
	python3.11-doc
)
NPM_DIR=${TOKENMILL_NODE_DIR:-/tmp/tokenmill-node}
NPM_PACKAGES=(
	# shard: an Arrow reader other than Go's (cmd/tokenmill/shard_interop_test.go)
	nodejs-polars@0.25.2 nodejs-polars-linux-x64-gnu@0.25.2
	# tokenize: OpenAI's Rust core as WebAssembly, the reference on Unicode 16
	# edge cases (tokenize/rustcore_test.go); the Llama 3 vocabulary
	# (tokenize/llama3_test.go)
	tiktoken@1.0.22 llama3-tokenizer-js@1.2.0
)

fail() {
	if [ "${CI:-}" = "true" ]; then
		echo "test-deps: $*" >&2
		exit 1
	fi
	echo "test-deps: warning: $* (tests that need it will skip)" >&2
}

missing=()
for p in "${APT_PACKAGES[@]}"; do
	dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "test-deps: installing ${missing[*]}"
	if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends "${missing[@]}" >/dev/null; } || fail "apt-get install ${missing[*]} failed"
	else
		fail "need root and apt-get to install ${missing[*]}"
	fi
fi

if [ ${#NPM_PACKAGES[@]} -gt 0 ]; then
	need=0
	for p in "${NPM_PACKAGES[@]}"; do
		[ -d "$NPM_DIR/node_modules/${p%@*}" ] || need=1
	done
	if [ $need = 1 ]; then
		echo "test-deps: installing ${NPM_PACKAGES[*]} into $NPM_DIR"
		if command -v npm >/dev/null; then
			mkdir -p "$NPM_DIR"
			(cd "$NPM_DIR" && { [ -f package.json ] || npm init -y >/dev/null; } &&
				npm install --no-audit --no-fund -E "${NPM_PACKAGES[@]}" >/dev/null) ||
				fail "npm install ${NPM_PACKAGES[*]} failed"
		else
			fail "npm is not installed"
		fi
	fi
fi
exit 0
