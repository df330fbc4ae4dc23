package tokenize

import (
	"slices"
	"testing"
	"unicode/utf8"

	"github.com/dlclark/regexp2"
)

// maxReferenceLen bounds the inputs compared with pkoukk/tiktoken-go, whose
// merge is quadratic in the length of a piece.
const maxReferenceLen = 1024

// FuzzEncode checks, for arbitrary bytes and each built-in encoding, that
// decoding gives the input back (through Encode, EncodeSpecial and
// EncodeBytes) and that the ids equal the reference's. Seeds are in
// testdata/fuzz/FuzzEncode; CI runs it for a bounded time:
//
//	go test -run '^$' -fuzz '^FuzzEncode$' -fuzztime 60s ./tokenize
func FuzzEncode(f *testing.F) {
	for _, s := range []string{"", "hello world", "I'm here\r\n\r\n  ", "\xff\xfe\xed\xa0\x80",
		"<|endoftext|>", "日本語 \ufefftext\u0085x", strings200("ab ")} {
		f.Add([]byte(s), uint8(0))
	}
	f.Fuzz(func(t *testing.T, data []byte, which uint8) {
		enc := mustGet(t, encodingNames[int(which)%len(encodingNames)])
		s := string(data)
		if back := enc.Decode(enc.EncodeSpecial(s, nil)); back != s {
			t.Fatalf("%s: decode(encode_special(%q)) = %q", enc.Name(), s, back)
		}
		if back := enc.Decode(enc.EncodeBytes(data)); back != s {
			t.Fatalf("%s: decode(encode_bytes(%q)) = %q", enc.Name(), s, back)
		}
		if utf8.Valid(data) && !slices.Equal(enc.EncodeBytes(data), enc.Encode(s)) {
			t.Fatalf("%s: EncodeBytes and Encode differ on valid %q", enc.Name(), s)
		}
		if len(data) > maxReferenceLen {
			if back := enc.Decode(enc.Encode(s)); back != s {
				t.Fatalf("%s: decode(encode(%q)) = %q", enc.Name(), s, back)
			}
			return
		}
		if err := checkAgainstReference(t, enc, s); err != nil {
			t.Fatal(err)
		}
	})
}

// FuzzSplit checks that each hand-written splitter cuts arbitrary text
// into non-empty pieces that cover it, the same pieces as the regex engine
// where that can serve as reference.
//
//	go test -run '^$' -fuzz '^FuzzSplit$' -fuzztime 60s ./tokenize
func FuzzSplit(f *testing.F) {
	for _, s := range []string{"", "Hello, World! It's 2024.", "a \n  b\t\tc  ", "\xffx\xc3",
		"ÀÉÎõü Straße ǅ ʰ \u0301 ½ \u3000", "x'S 'LL 'ſ", "a/\n/b//\r\n"} {
		f.Add(s)
	}
	res := make([]*regexp2.Regexp, len(splitCases))
	for i, sc := range splitCases {
		res[i] = regexp2.MustCompile(sc.pattern, regexp2.None)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ok := comparable(s)
		for i, sc := range splitCases {
			got := pieces(sc.split, s)
			if joined := joinStrings(got); joined != s {
				t.Fatalf("%s: pieces %q do not rebuild %q", sc.name, got, s)
			}
			if ok {
				if want := regexPieces(res[i], s); !slices.Equal(got, want) {
					t.Fatalf("%s: %q:\n got %q\nwant %q", sc.name, s, got, want)
				}
			}
		}
	})
}

func joinStrings(ps []string) string {
	n := 0
	for _, p := range ps {
		n += len(p)
	}
	b := make([]byte, 0, n)
	for _, p := range ps {
		b = append(b, p...)
	}
	return string(b)
}

func strings200(unit string) string {
	b := make([]byte, 0, 200*len(unit))
	for range 200 {
		b = append(b, unit...)
	}
	return string(b)
}
