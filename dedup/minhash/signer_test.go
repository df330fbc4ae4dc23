package minhash

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func sign(t testing.TB, s *Signer, text string) []uint64 {
	t.Helper()
	sig := make([]uint64, s.Params().K())
	s.Sign(text, sig)
	return sig
}

func agree(x, y []uint64) float64 {
	n := 0
	for i := range x {
		if x[i] == y[i] {
			n++
		}
	}
	return float64(n) / float64(len(x))
}

func TestNormalizationMakesEqualSignatures(t *testing.T) {
	s := NewSigner(Default())
	cases := [][2]string{
		{"The Café, on the CORNER — opened at nine.", "the cafe on the corner opened at nine"},
		{"Ｆｕｌｌｗｉｄｔｈ letters here now", "fullwidth letters here now"},
		{"Cafe\u0301 society was the name of it", "café society was the name of it"},
		{"déjà  vu\n\n all over\tagain, said he", "deja vu all over again said he"},
	}
	for _, c := range cases {
		if a := agree(sign(t, s, c[0]), sign(t, s, c[1])); a != 1 {
			t.Errorf("%q vs %q: agreement %v, want 1", c[0], c[1], a)
		}
	}
	if a := agree(sign(t, s, "one two three four five six"),
		sign(t, s, "one two three four five seven")); a == 1 {
		t.Error("different last word gave an equal signature")
	}
}

func TestCharacterShinglesForUnspacedScripts(t *testing.T) {
	s := NewSigner(Default())
	text := "吾輩は猫である。名前はまだ無い。どこで生れたかとんと見当がつかぬ。"
	if n := s.Sign(text, make([]uint64, 112)); n < 20 {
		t.Fatalf("Japanese text gave %d shingles, want one per character 5-gram", n)
	}
	other := "吾輩は猫である。名前はまだ無い。どこで生れたかとんと見当がつかない。"
	if a := agree(sign(t, s, text), sign(t, s, other)); a < 0.6 || a == 1 {
		t.Errorf("one changed character: agreement %v", a)
	}
}

func TestShortAndEmptyTexts(t *testing.T) {
	s := NewSigner(Default())
	sig := make([]uint64, 112)
	if n := s.Sign(" ,.; ", sig); n != 0 || sig[0] != math.MaxUint64 {
		t.Errorf("empty text: %d shingles, sig[0]=%x", n, sig[0])
	}
	if n := s.Sign("two words", sig); n != 1 {
		t.Errorf("two words: %d shingles, want 1", n)
	}
	if agree(sign(t, s, "two words"), sign(t, s, "two")) == 1 {
		t.Error("short texts of different length collide")
	}
}

// The fraction of agreeing values estimates Jaccard similarity: check it on
// shingle sets with a known overlap built from real text.
func TestAgreementEstimatesJaccard(t *testing.T) {
	words := realWords(t, 40000)
	p := Default()
	p.Rows, p.Bands = 16, 32 // more values for a tighter estimate
	s := NewSigner(p)
	for _, j := range []float64{0.2, 0.5, 0.8} {
		// Two texts sharing a run of c words out of u distinct ones.
		// Shingles: A has a+c-4, B has b+c-4, shared about c-4.
		n := 3000
		c := int(float64(2*n) * j / (1 + j))
		a := strings.Join(words[:n], " ")
		b := strings.Join(append(append([]string{}, words[n-c:n]...), words[n:2*n-c]...), " ")
		got := agree(sign(t, s, a), sign(t, s, b))
		if math.Abs(got-j) > 0.1 {
			t.Errorf("J≈%.2f: estimate %.3f", j, got)
		}
	}
}

func TestChooseBands(t *testing.T) {
	b, r := ChooseBands(0.8, 112, 0.5, 0.5)
	if b*r > 112 || b < 1 || r < 1 {
		t.Fatalf("ChooseBands(0.8) = %d×%d", b, r)
	}
	p := Params{Bands: b, Rows: r}
	if th := p.Threshold(); th < 0.7 || th > 0.9 {
		t.Errorf("ChooseBands(0.8) = %d×%d with threshold %.2f", b, r, th)
	}
	if got := Default().Probability(0.8); math.Abs(got-0.9237) > 0.001 {
		t.Errorf("S-curve of 14×8 at 0.8 = %.4f", got)
	}
}

// realWords returns words of real books from the shared data directory.
func realWords(t testing.TB, n int) []string {
	t.Helper()
	dir := filepath.Join(dataDir(t), "books", "gutenberg-txt", "modern-utf8")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var words []string
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		words = append(words, strings.Fields(string(b))...)
		if len(words) >= n {
			break
		}
	}
	return words
}

// dataDir is $TOKENMILL_DATA, or ../shared/data next to the repository
// root. Without it the test skips, except under CI=true.
func dataDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("TOKENMILL_DATA")
	if dir == "" {
		wd, _ := os.Getwd()
		for d := wd; ; d = filepath.Dir(d) {
			if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
				dir = filepath.Join(d, "..", "shared", "data")
				break
			}
			if filepath.Dir(d) == d {
				break
			}
		}
	}
	if _, err := os.Stat(dir); err != nil || dir == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("test data not found at %q (set TOKENMILL_DATA)", dir)
		}
		t.Skipf("test data not found at %q (set TOKENMILL_DATA)", dir)
	}
	return dir
}
