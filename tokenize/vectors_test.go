package tokenize

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// vector is one case of tiktoken's own test suite, exported as JSON.
type vector struct {
	Source   string          `json:"source"`
	Encoding string          `json:"encoding"`
	Op       string          `json:"op"`
	Input    json.RawMessage `json:"input"`
	Kwargs   map[string]any  `json:"kwargs"`
	Expected json.RawMessage `json:"expected"`
}

// TestTiktokenVectors checks every case of tiktoken's test vectors.
func TestTiktokenVectors(t *testing.T) {
	path := filepath.Join(dataDir(t), "tokenizers", "tiktoken-tests", "tiktoken_test_vectors.json")
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cases []vector
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if len(cases) < 40 {
		t.Fatalf("%s: only %d cases", path, len(cases))
	}
	for i, c := range cases {
		enc, err := Get(c.Encoding)
		if err != nil {
			t.Fatalf("case %d (%s): %v", i, c.Source, err)
		}
		switch c.Op {
		case "encode":
			var in string
			var want []int32
			mustUnmarshal(t, c.Input, &in)
			mustUnmarshal(t, c.Expected, &want)
			var got []int32
			switch c.Kwargs["allowed_special"] {
			case nil:
				got = enc.Encode(in)
			case "all":
				got = enc.EncodeSpecial(in, nil)
			default:
				t.Fatalf("case %d (%s): unsupported kwargs %v", i, c.Source, c.Kwargs)
			}
			if !slices.Equal(got, want) {
				t.Errorf("case %d (%s) %s encode %q = %v, want %v", i, c.Source, c.Encoding,
					in, got, want)
			}
		case "decode":
			var in []int32
			var want string
			mustUnmarshal(t, c.Input, &in)
			mustUnmarshal(t, c.Expected, &want)
			if got := enc.Decode(in); got != want {
				t.Errorf("case %d (%s) decode %v = %q, want %q", i, c.Source, in, got, want)
			}
		case "_encode_bytes":
			var in struct {
				Hex string `json:"bytes_hex"`
			}
			var want []int32
			mustUnmarshal(t, c.Input, &in)
			mustUnmarshal(t, c.Expected, &want)
			b, err := hex.DecodeString(in.Hex)
			if err != nil {
				t.Fatal(err)
			}
			if got := enc.EncodeBytes(b); !slices.Equal(got, want) {
				t.Errorf("case %d (%s) EncodeBytes(%x) = %v, want %v", i, c.Source, b, got, want)
			}
		default:
			t.Fatalf("case %d (%s): unknown op %q", i, c.Source, c.Op)
		}
	}
}

func mustUnmarshal(t *testing.T, raw json.RawMessage, v any) {
	t.Helper()
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("%s: %v", raw, err)
	}
}
