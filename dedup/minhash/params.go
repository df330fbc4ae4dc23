package minhash

import (
	"fmt"
	"math"
)

// Params are the MinHash and LSH settings.
type Params struct {
	// Shingle is the number of tokens per shingle (default 5).
	Shingle int
	// Bands and Rows split the signature of Bands*Rows values into bands
	// for LSH (default 14 × 8 = 112 values).
	Bands, Rows int
	// Seed selects the hash functions; signatures are comparable only
	// between equal seeds and methods.
	Seed uint64
	// Method is how the signature is drawn from the shingle hashes:
	// MethodSketch (the default) or MethodPermutations.
	Method string
}

// The signature methods. Both make two signature values agree with
// probability equal to the Jaccard similarity. MethodSketch (fast
// similarity sketching, Dahlgaard, Knudsen and Thorup 2017) costs about one
// hash per shingle; MethodPermutations, the classic MinHash with K
// permutations a·h+b, costs K multiplications per shingle and is kept as
// the reference the evaluation compares against.
const (
	MethodSketch       = "sketch"
	MethodPermutations = "permutations"
)

// Default returns the default parameters: 5-token shingles, 14 bands of 8 rows.
func Default() Params { return Params{Shingle: 5, Bands: 14, Rows: 8, Seed: 1, Method: MethodSketch} }

// K is the signature length, Bands*Rows.
func (p Params) K() int { return p.Bands * p.Rows }

// Validate checks the parameters.
func (p Params) Validate() error {
	switch {
	case p.Shingle < 1 || p.Shingle > 64:
		return fmt.Errorf("shingle size %d is outside 1..64", p.Shingle)
	case p.Bands < 1 || p.Rows < 1:
		return fmt.Errorf("bands (%d) and rows (%d) must be at least 1", p.Bands, p.Rows)
	case p.K() > 1024:
		return fmt.Errorf("bands × rows = %d is above 1024", p.K())
	case p.Method != "" && p.Method != MethodSketch && p.Method != MethodPermutations:
		return fmt.Errorf("method %q is not %s or %s", p.Method, MethodSketch, MethodPermutations)
	}
	return nil
}

// Probability is the chance that two documents of Jaccard similarity j
// share at least one band: 1 - (1 - j^rows)^bands (the LSH S-curve).
func (p Params) Probability(j float64) float64 {
	return 1 - math.Pow(1-math.Pow(j, float64(p.Rows)), float64(p.Bands))
}

// Threshold is the similarity at which the S-curve is steepest,
// approximately (1/bands)^(1/rows).
func (p Params) Threshold() float64 {
	return math.Pow(1/float64(p.Bands), 1/float64(p.Rows))
}

// ChooseBands picks bands and rows with bands*rows <= k that minimise the
// weighted sum of the false-positive area (pairs below threshold that share
// a band) and the false-negative area (pairs above it that share none) of
// the S-curve, each integrated over similarity. fpWeight and fnWeight are
// usually 0.5 and 0.5; a larger fnWeight favours recall.
func ChooseBands(threshold float64, k int, fpWeight, fnWeight float64) (bands, rows int) {
	best := math.Inf(1)
	for b := 1; b <= k; b++ {
		for r := 1; b*r <= k; r++ {
			p := Params{Bands: b, Rows: r}
			fp := integrate(p.Probability, 0, threshold)
			fn := integrate(func(j float64) float64 { return 1 - p.Probability(j) }, threshold, 1)
			if e := fpWeight*fp + fnWeight*fn; e < best-1e-12 {
				best, bands, rows = e, b, r
			}
		}
	}
	return bands, rows
}

// integrate is the trapezoid rule with 200 steps, plenty for the smooth
// S-curve.
func integrate(f func(float64) float64, a, b float64) float64 {
	const n = 200
	h := (b - a) / n
	s := (f(a) + f(b)) / 2
	for i := 1; i < n; i++ {
		s += f(a + float64(i)*h)
	}
	return s * h
}
