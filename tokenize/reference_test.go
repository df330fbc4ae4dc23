package tokenize

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	tiktoken "github.com/pkoukk/tiktoken-go"
	loader "github.com/pkoukk/tiktoken-go-loader"
)

// The built-in encodings checked against the reference.
var encodingNames = []string{"r50k_base", "p50k_base", "cl100k_base", "o200k_base"}

var refs struct {
	once sync.Once
	m    map[string]*tiktoken.Tiktoken
	err  error
}

// reference returns pkoukk/tiktoken-go's encoder for name, loaded offline.
func reference(t testing.TB, name string) *tiktoken.Tiktoken {
	t.Helper()
	refs.once.Do(func() {
		tiktoken.SetBpeLoader(loader.NewOfflineLoader())
		refs.m = map[string]*tiktoken.Tiktoken{}
		for _, n := range encodingNames {
			if refs.m[n], refs.err = tiktoken.GetEncoding(n); refs.err != nil {
				return
			}
		}
	})
	if refs.err != nil {
		t.Fatal(refs.err)
	}
	return refs.m[name]
}

func mustGet(t testing.TB, name string) *Encoder {
	t.Helper()
	e, err := Get(name)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// asReference returns the text the reference encodes for s: it reads
// strings as runes, so each invalid byte becomes U+FFFD.
func asReference(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		b.WriteRune(r)
	}
	return b.String()
}

// checkAgainstReference encodes s and compares with the reference, and
// checks that decoding returns s. It returns an error describing the first
// difference.
func checkAgainstReference(t testing.TB, enc *Encoder, s string) error {
	_, err := compareWithReference(t, enc, s)
	return err
}

// compareWithReference is checkAgainstReference that also reports whether
// the reference could be compared (see comparable).
func compareWithReference(t testing.TB, enc *Encoder, s string) (bool, error) {
	got := enc.Encode(s)
	if back := enc.Decode(got); back != s {
		return false, fmt.Errorf("%s: decode(encode(%q)) = %q", enc.Name(), clipStr(s),
			clipStr(back))
	}
	if !comparable(s) {
		return false, nil
	}
	// The reference sees U+FFFD where s has invalid bytes; so must we.
	rs := asReference(s)
	if rs != s {
		got = enc.Encode(rs)
	}
	want := reference(t, enc.Name()).EncodeOrdinary(rs)
	if !equalIDs(got, want) {
		i := 0
		for i < len(got) && i < len(want) && int(got[i]) == want[i] {
			i++
		}
		return true, fmt.Errorf("%s: %q: ids differ from the reference at index %d:\n"+
			" got %v\nwant %v", enc.Name(), clipStr(rs), i, got[i:min(len(got), i+8)],
			want[i:min(len(want), i+8)])
	}
	return true, nil
}

func equalIDs(a []int32, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if int(a[i]) != b[i] {
			return false
		}
	}
	return true
}

func clipStr(s string) string {
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return s
}

// TestEncodeMatchesReferenceRandom compares ids with pkoukk/tiktoken-go on
// random mixtures of every character class, for all four encodings.
func TestEncodeMatchesReferenceRandom(t *testing.T) {
	rounds := 3000
	if testing.Short() {
		rounds = 300
	}
	for _, name := range encodingNames {
		t.Run(name, func(t *testing.T) {
			enc := mustGet(t, name)
			rng := rand.New(rand.NewPCG(7, 7))
			for range rounds {
				if err := checkAgainstReference(t, enc, randomText(rng, 1+rng.IntN(40))); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

// TestEncodeSpecialCases covers inputs the issue names: long runs of
// spaces and newlines, mixed scripts, special token strings, the empty
// string.
func TestEncodeSpecialCases(t *testing.T) {
	cases := []string{
		"", " ", "\n", strings.Repeat(" ", 1000), strings.Repeat("\n", 999) + "x",
		strings.Repeat(" \n", 300) + "end", strings.Repeat("\t ", 200),
		"Hello, world! 12345678 héllo Ünïcödé 中文字符 日本語のテキスト 한국어 텍스트",
		"Привет, мир! Γειά σου Κόσμε! مرحبا بالعالم שלום עולם नमस्ते दुनिया",
		"<|endoftext|> <|fim_prefix|><|endofprompt|>", "I'm, you're, he'll, they'VE, it'S",
		"x = [1, 2, 3]\n\tif (a/b) { return a+b; }\r\n// comment\r\n",
		strings.Repeat("a", 5000), strings.Repeat("ab", 3000), strings.Repeat("1", 100),
		strings.Repeat("😀", 300), "\xff\xfe invalid \xc3 utf8 \xed\xa0\x80 surrogate",
	}
	for _, name := range encodingNames {
		enc := mustGet(t, name)
		for _, s := range cases {
			if err := checkAgainstReference(t, enc, s); err != nil {
				t.Error(err)
			}
		}
	}
}

// TestMergeAlgorithmsAgree forces the heap merge onto short pieces and the
// scan merge onto long ones: both must give the same ids.
func TestMergeAlgorithmsAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, name := range []string{"cl100k_base", "o200k_base"} {
		r := mustGet(t, name).core.ranks
		sc := &scratch{}
		for range 2000 {
			piece := []byte(randomText(rng, 1+rng.IntN(60)))
			a := r.mergeScan(nil, piece, sc)
			b := r.mergeHeap(nil, piece, sc)
			if !slices.Equal(a, b) {
				t.Fatalf("%s: %q: scan %v, heap %v", name, piece, a, b)
			}
		}
	}
}
