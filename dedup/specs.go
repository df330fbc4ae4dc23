package dedup

import "github.com/tokenmill/tokenmill/mill"

// Specs declares the package's components for the pipeline registry.
func Specs() []mill.Spec {
	return []mill.Spec{stageSpec}
}

var stageSpec = mill.Spec{
	Name: "dedup",
	Role: mill.RoleStage,
	Doc: "Drops duplicate documents, keeping the first copy in input order: exact " +
		"copies by a 128-bit hash of the normalized text.",
	Parallel: false,
	Options: []mill.Option{
		{Name: "exact", Kind: mill.Bool, Default: "true",
			Doc: "Drop exact copies: same text after Unicode NFC and white-space " +
				"collapsing (case and punctuation kept), compared by the first 128 bits " +
				"of its SHA-256. About 40 bytes of memory per kept document."},
		{Name: "memory_limit", Kind: mill.Size, Default: "4GiB",
			Doc: "Upper bound on the memory of the in-memory indexes; the run stops with " +
				"an error when it would be exceeded (0 = no limit). Use the on-disk " +
				"cluster mode for corpora whose index does not fit."},
	},
	Example: "stages:\n  - dedup:\n      exact: true\n",
	NewProcessor: func(cfg mill.Config, env mill.Env) (mill.Processor, error) {
		return NewStage(cfg, env)
	},
}
