package dedup

import (
	"fmt"

	"github.com/tokenmill/tokenmill/dedup/minhash"
	"github.com/tokenmill/tokenmill/mill"
)

// Specs declares the package's components for the pipeline registry.
func Specs() []mill.Spec {
	return []mill.Spec{stageSpec}
}

// Defaults that apply when neither the LSH shape nor a threshold is given.
const (
	defaultBands     = 14
	defaultRows      = 8
	defaultThreshold = 0.7
	// thresholdHashes is the signature length used when bands and rows are
	// chosen from a threshold.
	thresholdHashes = 112
)

var stageSpec = mill.Spec{
	Name: "dedup",
	Role: mill.RoleStage,
	Doc: "Drops duplicate documents, keeping the first copy in input order: exact copies " +
		"(128-bit hash of the normalized text), optionally copies under the same " +
		"normalized URL, optionally repeated paragraphs, and near duplicates by " +
		"MinHash-LSH with an in-memory index (streaming mode). For corpora whose index " +
		"does not fit in memory, use `tokenmill dedup --mode cluster` (on disk).",
	Parallel: false,
	Options: []mill.Option{
		{Name: "exact", Kind: mill.Bool, Default: "true",
			Doc: "Drop exact copies: same text after Unicode NFC and white-space " +
				"collapsing (case and punctuation kept), compared by the first 128 bits " +
				"of its SHA-256. About 40 bytes of memory per kept document."},
		{Name: "url", Kind: mill.Bool, Default: "false",
			Doc: "Drop documents whose normalized URL (no scheme, no www., no default " +
				"port, no trailing slash, no fragment, sorted query without utm_* and " +
				"click ids) was seen before. About 40 bytes per kept document."},
		{Name: "near", Kind: mill.Bool, Default: "true",
			Doc: "Drop near duplicates: MinHash over word shingles, LSH band collisions " +
				"checked by estimated Jaccard similarity. About 850 bytes per indexed " +
				"document with 14 × 8 bands (measured; see BENCHMARKS.md)."},
		{Name: "shingle", Kind: mill.Int, Default: "5", Min: 1, HasMin: true, Max: 64,
			HasMax: true,
			Doc: "Tokens per shingle: words, or characters in scripts written without " +
				"spaces (Chinese, Japanese, Thai, …)."},
		{Name: "bands", Kind: mill.Int, Min: 1, HasMin: true, Max: 1024, HasMax: true,
			Doc: "LSH bands (default 14, or chosen from threshold when only that is set)."},
		{Name: "rows", Kind: mill.Int, Min: 1, HasMin: true, Max: 1024, HasMax: true,
			Doc: "Rows (signature values) per band (default 8, or chosen from threshold)."},
		{Name: "threshold", Kind: mill.Float, Min: 0.05, HasMin: true, Max: 1, HasMax: true,
			Doc: "Estimated Jaccard similarity from which a colliding document is a near " +
				"duplicate (default 0.7). Given without bands and rows, it also picks " +
				"the bands × rows (at most 112 values) that minimise the S-curve's " +
				"false-positive plus false-negative area around it."},
		{Name: "method", Kind: mill.String, Default: minhash.MethodSketch,
			Choices: []string{minhash.MethodSketch, minhash.MethodPermutations},
			Doc: "How signatures are drawn: sketch (fast similarity sketching, about one " +
				"hash per shingle) or permutations (classic MinHash, bands × rows " +
				"multiplications per shingle). Both estimate Jaccard without bias."},
		{Name: "seed", Kind: mill.Int, Default: "1",
			Doc: "Seed of the MinHash functions; only signatures of equal seeds compare."},
		{Name: "paragraphs", Kind: mill.Bool, Default: "false",
			Doc: "Remove paragraphs that earlier documents contained, then drop documents " +
				"left shorter than paragraph_min_doc_chars. Paragraphs are remembered " +
				"in a scalable Bloom filter (see paragraph_fp_rate)."},
		{Name: "paragraph_split", Kind: mill.String, Default: SplitLine,
			Choices: []string{SplitLine, SplitBlankLine},
			Doc: "What a paragraph is: every line (web text) or a block between blank " +
				"lines (books, hard-wrapped text)."},
		{Name: "paragraph_min_chars", Kind: mill.Int, Default: "40", Min: 1, HasMin: true,
			Doc: "Shorter paragraphs (headings, short dialogue) are never removed."},
		{Name: "paragraph_min_doc_chars", Kind: mill.Int, Default: "200", Min: 0,
			HasMin: true,
			Doc:    "A document that lost paragraphs and has fewer bytes left is dropped."},
		{Name: "paragraph_capacity", Kind: mill.Int, Default: "10000000", Min: 1000,
			HasMin: true,
			Doc: "Distinct paragraphs the first Bloom layer is sized for; when it fills, " +
				"a layer twice as large is added (memory grows in steps, within " +
				"memory_limit)."},
		{Name: "paragraph_fp_rate", Kind: mill.Float, Default: "0.001", Min: 1e-9,
			HasMin: true, Max: 0.1, HasMax: true,
			Doc: "False-positive rate of the first Bloom layer: the chance that a new " +
				"paragraph is taken for a repeat and removed. Later layers halve it, " +
				"so the overall rate stays below twice this value. 0.001 costs 14.4 " +
				"bits (1.8 bytes) per distinct paragraph."},
		{Name: "memory_limit", Kind: mill.Size, Default: "4GiB",
			Doc: "Upper bound on the memory of the in-memory indexes (0 = no limit); what " +
				"happens when it is reached is on_memory_limit's choice. Use cluster mode " +
				"(`tokenmill dedup --mode cluster`) for corpora whose index does not fit."},
		{Name: "on_memory_limit", Kind: mill.String, Default: "fail",
			Choices: []string{"fail", "keep"},
			Doc: "fail: stop the run with an error saying what to do (what was written " +
				"stays, and --resume continues after a fix); keep: log an error and keep " +
				"later documents without indexing them (counted as unindexed; their " +
				"copies are not found, and `tokenmill dedup` exits with status 1)"},
	},
	Example: "stages:\n  - kind: dedup\n    url: true\n    paragraphs: true\n    memory_limit: 8GiB\n",
	NewProcessor: func(cfg mill.Config, env mill.Env) (mill.Processor, error) {
		set, err := SettingsFrom(cfg)
		if err != nil {
			return nil, err
		}
		if env.Logger != nil && set.Near {
			env.Logger.Info("near-duplicate detection", "minhash", Describe(set.MinHash,
				set.Threshold))
		}
		return NewStage(set, env.Logger), nil
	},
}

// SettingsFrom reads and checks the stage options.
func SettingsFrom(cfg mill.Config) (Settings, error) {
	set := Settings{
		Exact:             cfg.Bool("exact"),
		URL:               cfg.Bool("url"),
		Near:              cfg.Bool("near"),
		Paragraphs:        cfg.Bool("paragraphs"),
		ParagraphSplit:    cfg.String("paragraph_split"),
		ParagraphMinChars: cfg.Int("paragraph_min_chars"),
		ParagraphMinDoc:   cfg.Int("paragraph_min_doc_chars"),
		ParagraphCapacity: int64(cfg.Int("paragraph_capacity")),
		ParagraphFPRate:   cfg.Float("paragraph_fp_rate"),
		MemoryLimit:       cfg.Size("memory_limit"),
		KeepOnLimit:       cfg.String("on_memory_limit") == "keep",
	}
	p, th, err := MinHashFrom(cfg)
	set.MinHash, set.Threshold = p, th
	return set, err
}

// MinHashFrom reads the MinHash options (shingle, bands, rows, threshold,
// method, seed) of the dedup stage: the LSH shape and the similarity
// threshold, with the defaults described on the options.
func MinHashFrom(cfg mill.Config) (minhash.Params, float64, error) {
	p := minhash.Params{Shingle: cfg.Int("shingle"), Bands: defaultBands, Rows: defaultRows,
		Seed: uint64(cfg.Int("seed")), Method: cfg.String("method")}
	th := defaultThreshold
	if cfg.Has("threshold") {
		th = cfg.Float("threshold")
		if !cfg.Has("bands") && !cfg.Has("rows") {
			p.Bands, p.Rows = minhash.ChooseBands(th, thresholdHashes, 0.5, 0.5)
		}
	}
	if cfg.Has("bands") != cfg.Has("rows") {
		return p, th, &mill.ValueError{Key: "bands", Msg: "bands and rows go together: " +
			"give both, or neither (then threshold, or 14 × 8, decides)"}
	}
	if cfg.Has("bands") {
		p.Bands, p.Rows = cfg.Int("bands"), cfg.Int("rows")
	}
	if err := p.Validate(); err != nil {
		return p, th, &mill.ValueError{Key: "bands", Msg: err.Error()}
	}
	return p, th, nil
}

// Describe is a one-line account of the MinHash setup, for logs.
func Describe(p minhash.Params, threshold float64) string {
	return fmt.Sprintf("%d-token shingles, %d bands × %d rows (%s), threshold %.2f, "+
		"S-curve midpoint %.2f", p.Shingle, p.Bands, p.Rows, p.Method, threshold, p.Threshold())
}
