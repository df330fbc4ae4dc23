package tokenize

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
)

// nodeModules returns $TOKENMILL_NODE_DIR/node_modules (default
// /tmp/tokenmill-node, where make test-deps installs npm packages) if it holds
// pkg and node is installed; otherwise the test skips, except under CI=true.
func nodeModules(t *testing.T, pkg string) (node, dir string) {
	t.Helper()
	root := os.Getenv("TOKENMILL_NODE_DIR")
	if root == "" {
		root = "/tmp/tokenmill-node"
	}
	dir = filepath.Join(root, "node_modules")
	_, statErr := os.Stat(filepath.Join(dir, pkg))
	node, nodeErr := exec.LookPath("node")
	if statErr != nil || nodeErr != nil {
		msg := "this test needs node and the npm package " + pkg + " in " + dir +
			" (make test-deps installs them)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return node, dir
}

// TestAgainstRustCore compares ids with OpenAI's own Rust core (the npm
// package tiktoken, its WebAssembly build) where the Go reference cannot
// serve: characters added in Unicode 15.1 and 16.0, case folding of ſ, the
// whitespace JavaScript regexes get wrong, and random mixtures of every
// character class, plus a sample of the real corpora.
func TestAgainstRustCore(t *testing.T) {
	node, modules := nodeModules(t, "tiktoken")
	texts := []string{
		"\U0002EBF0's", "a\U0002EBF0's test", "x\U0002EE5D\U0002EBF0 y", // CJK Ext. I (15.1)
		"\U00010D4A\U00010D4B'll", "\U0001E5D0\U0001E5D1 \U0001E5F1", // Garay, Ol Onal (16.0)
		"\U000116D0\U000116D1", "\u1C89\u1C8A", "\U00011F5A", // numbers and letters new in 16.0
		"it'ſ", "IT'S", "'Ll 'VE 're 'ſ'ſ", "\u017fo \u212a",
		"a\u0085\u0085b", "\ufeffword \ufeff \ufeff", "x\u00a0\u2028\u2029\u3000y",
		"\u0301\u0301a", " \u0301", "A\u0301b", "ǅǅa", "ʰʰ", "ＡＢｃ", "Ⅻ½٣",
		"\r\n\r\n", "a  \n  \t b", "x/\n/\r/y", "😀👍🏽 🇺🇳",
	}
	rng := rand.New(rand.NewPCG(11, 12))
	for range 400 {
		texts = append(texts, asReference(randomText(rng, 1+rng.IntN(30))))
	}
	for _, kind := range corpusKinds {
		for i, doc := range chunks(corpus(t, kind)) {
			if i%10 == 0 {
				texts = append(texts, doc)
			}
		}
	}
	type input struct {
		Encoding string `json:"encoding"`
		Text     string `json:"text"`
	}
	var inputs []input
	for _, name := range encodingNames {
		for _, s := range texts {
			inputs = append(inputs, input{name, s})
		}
	}
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.json"), filepath.Join(dir, "out.json")
	raw, _ := json.Marshal(inputs)
	if err := os.WriteFile(in, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	script, _ := filepath.Abs(filepath.Join("testdata", "tiktoken-wasm.cjs"))
	if msg, err := exec.Command(node, script, modules, in, out).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", script, err, msg)
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var want [][]int32
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	bytes := 0
	for i, c := range inputs {
		if got := mustGet(t, c.Encoding).Encode(c.Text); !slices.Equal(got, want[i]) {
			t.Errorf("%s %q:\n got %v\nwant %v (Rust core)", c.Encoding, clipStr(c.Text), got,
				want[i])
		}
		bytes += len(c.Text)
	}
	t.Logf("%d texts, %d bytes identical to the Rust core", len(inputs), bytes)

	// The Go reference, on Unicode 15.0 tables, gets the first case wrong:
	// that is what the tables of our own are for.
	enc := mustGet(t, "cl100k_base")
	if equalIDs(enc.Encode(texts[0]), reference(t, "cl100k_base").EncodeOrdinary(texts[0])) {
		t.Errorf("pkoukk/tiktoken-go agrees on %q; the case no longer shows the Unicode gap",
			texts[0])
	}
}
