package tokenize

import "testing"

// TestTokenTable checks that every token is found under its own id, that
// non-tokens are not, and that probe sequences stay short.
func TestTokenTable(t *testing.T) {
	for _, name := range encodingNames {
		enc := mustGet(t, name)
		tt := enc.core.ranks.tokens
		for id := int32(0); int(id) < tt.numIDs(); id++ {
			b := tt.bytesOf(id)
			if b == nil {
				continue
			}
			if got := tt.get(b); got != id {
				t.Fatalf("%s: get(%q) = %d, want %d", name, b, got, id)
			}
		}
		for _, s := range []string{"\xff\xff\xff\xff", "zzqqzzqqzz", "<|endoftext|>"} {
			if got := tt.get([]byte(s)); got != noRank {
				t.Errorf("%s: get(%q) = %d, want none", name, s, got)
			}
		}
		// Average probe length over all slots of the longest-chain start.
		longest, run := 0, 0
		for _, s := range tt.slots {
			if s == 0 {
				run = 0
				continue
			}
			run++
			longest = max(longest, run)
		}
		if longest > 64 {
			t.Errorf("%s: a cluster of %d occupied slots; the hash spreads tokens badly",
				name, longest)
		}
	}
}

// TestPairTable checks the id-pair table against joining bytes.
func TestPairTable(t *testing.T) {
	enc := mustGet(t, "cl100k_base")
	r := enc.core.ranks
	for _, tc := range []struct{ a, b string }{
		{"hel", "lo"}, {" the", "re"}, {"a", "b"}, {"Q", "@"}, {" ", " "},
	} {
		a, b := r.tokens.get([]byte(tc.a)), r.tokens.get([]byte(tc.b))
		if a == noRank || b == noRank {
			t.Fatalf("%q or %q is not a token", tc.a, tc.b)
		}
		want := r.tokens.get([]byte(tc.a + tc.b))
		if got := r.joins.get(a, b); got != want {
			t.Errorf("join(%q, %q) = %d, want %d", tc.a, tc.b, got, want)
		}
	}
}
