package shard

import (
	"github.com/tokenmill/tokenmill/mill"
)

// Specs declares the shard sink.
func Specs() []mill.Spec {
	return []mill.Spec{{
		Name: "shard",
		Role: mill.RoleSink,
		Doc: "Writes documents into compressed Arrow IPC stream shards laid out as Hugging Face " +
			"datasets' save_to_disk (data-00000-of-000NN.arrow, dataset_info.json, state.json), " +
			"with a manifest.json listing each shard's rows, tokens, bytes and SHA-256. Shards " +
			"are written under a temporary name, synced and renamed; the manifest is replaced " +
			"after each one, so a killed run resumes with --resume without losing or " +
			"duplicating documents. Layout documents keeps one row per document; packed cuts " +
			"the token stream into windows of seq_len+1 tokens for causal LM training.",
		Options: []mill.Option{
			{Name: "dir", Kind: mill.String, Default: "out",
				Doc: "output directory; must be empty or absent unless the run resumes"},
			{Name: "layout", Kind: mill.String, Default: LayoutDocuments,
				Choices: []string{LayoutDocuments, LayoutPacked},
				Doc:     "documents: one row per document; packed: windows of seq_len+1 tokens"},
			{Name: "compression", Kind: mill.String, Default: "zstd",
				Choices: []string{"zstd", "lz4", "none"},
				Doc: "Arrow buffer compression; uncompressed shards can be memory-mapped " +
					"without copying"},
			{Name: "zstd_level", Kind: mill.Int, Default: "0", HasMin: true, Min: 0, HasMax: true,
				Max: 22, Doc: "zstd level (0: library default, about level 3)"},
			{Name: "max_shard_size", Kind: mill.Size, Default: "500MB", HasMin: true, Min: 1,
				Doc: "start a new shard when the next document would take the uncompressed " +
					"data past this size"},
			{Name: "max_shard_rows", Kind: mill.Int, Default: "0", HasMin: true, Min: 0,
				Doc: "start a new shard after this many rows (0: no limit); packed shards are " +
					"cut between documents, so one may exceed it by a document's windows"},
			{Name: "batch_size", Kind: mill.Size, Default: "16MiB", HasMin: true, Min: 1,
				HasMax: true, Max: 256 << 20,
				Doc: "uncompressed bytes per Arrow record batch; bounds memory (about 5-6x)"},
			{Name: "token_type", Kind: mill.String, Default: "int32",
				Choices: []string{"int32", "uint16", "auto"},
				Doc: "type of token ids; auto picks uint16 when the tokenizer's vocabulary " +
					"(property tokenizer.vocab_size) fits"},
			{Name: "seq_len", Kind: mill.Int, Default: "2048", HasMin: true, Min: 1,
				Doc: "packed layout: tokens per training sequence; windows hold seq_len+1"},
			{Name: "eot", Kind: mill.Int, HasMin: true, Min: 0,
				Doc: "end-of-text id that separates documents in the packed layout; default: " +
					"the tokenize stage's"},
			{Name: "pad", Kind: mill.Int, HasMin: true, Min: 0,
				Doc: "packed layout: id that pads the last window (default: the end-of-text id)"},
			{Name: "encoding", Kind: mill.String,
				Doc: "tokenizer name recorded in the manifest when no tokenize stage states it " +
					"(for example in a shell pipe)"},
			{Name: "shuffle_window", Kind: mill.Int, Default: "0", HasMin: true, Min: 0,
				Doc: "shuffle documents within windows of this many documents and permute " +
					"shard files (0: keep input order); memory grows with the window"},
			{Name: "seed", Kind: mill.Int, Default: "0", Doc: "seed of the shuffle"},
			{Name: "validation", Kind: mill.Float, Default: "0", HasMin: true, Min: 0,
				HasMax: true, Max: 1,
				Doc: "share of documents, chosen by a stable hash of their id, written to a " +
					"validation split (train/ and validation/ under a dataset_dict.json)"},
		},
		Example: `output:
  kind: shard
  dir: out/shards
  layout: documents
  compression: zstd
  max_shard_size: 500MB
  validation: 0.01
  shuffle_window: 10000
  seed: 1
`,
		NewSink: func(cfg mill.Config, env mill.Env) (mill.Sink, error) {
			return NewSink(cfg, env)
		},
	}}
}
