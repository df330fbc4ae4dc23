package eval

import (
	"context"
	"fmt"
	"io"
	"math"
	"text/tabwriter"

	"github.com/tokenmill/tokenmill/dedup"
	"github.com/tokenmill/tokenmill/dedup/minhash"
	"github.com/tokenmill/tokenmill/mill"
)

// Outcome is what the dedup stage did with one pair.
type Outcome struct {
	Pair *Pair
	// Detected: the stage dropped the second document as a near duplicate.
	Detected bool
	// Candidate: the two signatures share at least one band.
	Candidate bool
	// Estimate is the similarity estimated from the compact signatures.
	Estimate float64
}

// Run passes each pair through a fresh near-duplicate-only dedup stage with
// the given MinHash parameters and threshold (first A, then B) and reports
// whether B was dropped, with the LSH candidate test and the estimate.
func Run(pairs []Pair, p minhash.Params, threshold float64) ([]Outcome, error) {
	signer := minhash.NewSigner(p)
	sa, sb := make([]uint64, p.K()), make([]uint64, p.K())
	ka, kb := make([]uint64, p.Bands), make([]uint64, p.Bands)
	out := make([]Outcome, len(pairs))
	for i := range pairs {
		pr := &pairs[i]
		st := dedup.NewStage(dedup.Settings{Near: true, MinHash: p, Threshold: threshold}, nil)
		if err := st.Process(context.Background(), &mill.Document{Text: pr.A}); err != nil {
			return nil, fmt.Errorf("pair %d (%s): first document dropped: %w", i, pr.Name, err)
		}
		err := st.Process(context.Background(), &mill.Document{Text: pr.B})
		reason := mill.DropReason(err)
		if err != nil && reason == "" {
			return nil, err
		}
		o := Outcome{Pair: pr, Detected: reason == dedup.ReasonNear}
		signer.Sign(pr.A, sa)
		signer.Sign(pr.B, sb)
		p.BandKeys(sa, ka)
		p.BandKeys(sb, kb)
		for b := range ka {
			o.Candidate = o.Candidate || ka[b] == kb[b]
		}
		o.Estimate = minhash.Similarity(minhash.Compress(nil, sa), minhash.Compress(nil, sb))
		out[i] = o
	}
	return out, nil
}

// Rates summarises outcomes: the detection rate among pairs with true
// similarity at least hi (recall), and among pairs at most lo (the removal
// rate of pairs that are not near duplicates).
func Rates(out []Outcome, lo, hi float64) (recall float64, nHi int, falseRate float64, nLo int) {
	var dHi, dLo int
	for _, o := range out {
		switch {
		case o.Pair.Jaccard >= hi:
			nHi++
			if o.Detected {
				dHi++
			}
		case o.Pair.Jaccard <= lo:
			nLo++
			if o.Detected {
				dLo++
			}
		}
	}
	return ratio(dHi, nHi), nHi, ratio(dLo, nLo), nLo
}

func ratio(a, b int) float64 {
	if b == 0 {
		return math.NaN()
	}
	return float64(a) / float64(b)
}

// Table writes, for bins of true similarity, the number of pairs, the
// rate at which they were LSH candidates, the S-curve's probability at the
// bin's mean similarity, and the detection rate (candidate and estimate at
// least the threshold), as a Markdown table.
func Table(w io.Writer, out []Outcome, p minhash.Params) {
	const bins = 20
	var n, cand, det [bins]int
	var sumJ, sumP [bins]float64
	for _, o := range out {
		b := min(int(o.Pair.Jaccard*bins), bins-1)
		n[b]++
		sumJ[b] += o.Pair.Jaccard
		sumP[b] += p.Probability(o.Pair.Jaccard)
		if o.Candidate {
			cand[b]++
		}
		if o.Detected {
			det[b]++
		}
	}
	tw := tabwriter.NewWriter(w, 0, 0, 1, ' ', 0)
	fmt.Fprintln(tw, "| true Jaccard\t| pairs\t| S-curve P(candidate)\t| candidates\t| detected\t|")
	fmt.Fprintln(tw, "|---\t|---:\t|---:\t|---:\t|---:\t|")
	for b := 0; b < bins; b++ {
		if n[b] == 0 {
			continue
		}
		fmt.Fprintf(tw, "| %.2f–%.2f\t| %d\t| %.3f\t| %.3f\t| %.3f\t|\n",
			float64(b)/bins, float64(b+1)/bins, n[b], sumP[b]/float64(n[b]),
			float64(cand[b])/float64(n[b]), float64(det[b])/float64(n[b]))
	}
	tw.Flush()
}

// ByKind writes recall and false-removal figures per pair kind.
func ByKind(w io.Writer, out []Outcome) {
	kinds := []string{KindEncoding, KindEdition, KindAPI, KindEdit, KindOverlap, KindDifferent}
	tw := tabwriter.NewWriter(w, 0, 0, 1, ' ', 0)
	fmt.Fprintln(tw, "| pairs\t| n\t| J ≥ 0.8\t| detected\t| J ≤ 0.5\t| detected\t| min J\t| max J\t|")
	fmt.Fprintln(tw, "|---\t|---:\t|---:\t|---:\t|---:\t|---:\t|---:\t|---:\t|")
	for _, k := range kinds {
		var sub []Outcome
		lo, hi := 1.0, 0.0
		for _, o := range out {
			if o.Pair.Kind == k {
				sub = append(sub, o)
				lo, hi = min(lo, o.Pair.Jaccard), max(hi, o.Pair.Jaccard)
			}
		}
		if len(sub) == 0 {
			continue
		}
		rec, nHi, fr, nLo := Rates(sub, 0.5, 0.8)
		fmt.Fprintf(tw, "| %s\t| %d\t| %d\t| %s\t| %d\t| %s\t| %.3f\t| %.3f\t|\n", k, len(sub),
			nHi, pct(rec), nLo, pct(fr), lo, hi)
	}
	tw.Flush()
}

func pct(x float64) string {
	if math.IsNaN(x) {
		return "–"
	}
	return fmt.Sprintf("%.1f%%", 100*x)
}
