package tokenize

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/tokenmill/tokenmill/mill"
)

// Specs declares the tokenize stage.
func Specs() []mill.Spec {
	return []mill.Spec{{
		Name: "tokenize",
		Role: mill.RoleStage,
		Doc: "Encodes each document's text to token ids (the tokens field) with a " +
			"tiktoken-format BPE encoding, exactly as OpenAI's tiktoken does. Text is " +
			"ordinary text by default: special token strings inside documents are not " +
			"control tokens. Runs on all workers; output order is input order.",
		Parallel: true,
		Options: []mill.Option{
			{Name: "encoding", Kind: mill.String, Default: "cl100k_base",
				Choices: []string{"cl100k_base", "o200k_base", "r50k_base", "p50k_base", Llama3},
				Doc:     "the vocabulary and split rules; llama3 needs rank_file"},
			{Name: "rank_file", Kind: mill.String,
				Doc: "a tiktoken-format rank file (base64 token, space, rank per line) that " +
					"replaces the encoding's ranks; required for llama3"},
			{Name: "pattern", Kind: mill.String,
				Doc: "a split pattern (regex, tiktoken dialect) replacing the encoding's"},
			{Name: "special_tokens", Kind: mill.Strings,
				Doc: "special tokens as TEXT=ID, replacing the encoding's (with rank_file)"},
			{Name: "eot", Kind: mill.Bool, Default: "true",
				Doc: "append the end-of-text token after each document"},
			{Name: "eot_token", Kind: mill.String,
				Doc: "the special token appended by eot (default: the encoding's " +
					"end-of-text, <|endoftext|> or <|end_of_text|>)"},
			{Name: "bos", Kind: mill.Bool, Default: "false",
				Doc: "prepend the begin-of-text token (llama3: <|begin_of_text|>)"},
			{Name: "bos_token", Kind: mill.String,
				Doc: "the special token prepended by bos (default: the encoding's)"},
			{Name: "allow_special", Kind: mill.Bool, Default: "false",
				Doc: "encode special token strings found in the text as control tokens " +
					"instead of ordinary text"},
		},
		Example: "stages:\n  - kind: tokenize\n    encoding: llama3\n" +
			"    rank_file: Meta-Llama-3-8B/original/tokenizer.model\n    bos: true\n",
		NewProcessor: func(cfg mill.Config, env mill.Env) (mill.Processor, error) {
			return newStage(cfg, env)
		},
	}}
}

// stage is the tokenize processor.
type stage struct {
	enc          *Encoder
	eot, bos     int32 // -1 when not inserted
	allowSpecial bool
	tokens       atomic.Int64
}

func newStage(cfg mill.Config, env mill.Env) (*stage, error) {
	d, err := definitionFromConfig(cfg, env.BaseDir)
	if err != nil {
		return nil, err
	}
	var enc *Encoder
	if d.RankFile == "" && cfg.String("pattern") == "" && len(cfg.Strings("special_tokens")) == 0 {
		enc, err = Get(d.Name)
	} else {
		enc, err = New(d)
	}
	if err != nil {
		return nil, err
	}
	s := &stage{enc: enc, eot: -1, bos: -1, allowSpecial: cfg.Bool("allow_special")}
	if cfg.Bool("eot") {
		if s.eot, err = controlID(enc, "eot", cfg.String("eot_token")); err != nil {
			return nil, err
		}
	}
	if cfg.Bool("bos") {
		if s.bos, err = controlID(enc, "bos", cfg.String("bos_token")); err != nil {
			return nil, err
		}
	}
	if env.Props != nil {
		env.Props.Set("tokenizer.encoding", enc.Name())
		env.Props.Set("tokenizer.vocab_size", strconv.Itoa(enc.VocabSize()))
		if s.eot >= 0 {
			env.Props.Set("tokenizer.eot", strconv.Itoa(int(s.eot)))
		}
		if s.bos >= 0 {
			env.Props.Set("tokenizer.bos", strconv.Itoa(int(s.bos)))
		}
	}
	if env.Logger != nil {
		env.Logger.Info("tokenizer ready", "encoding", enc.Name(), "vocab", enc.VocabSize(),
			"eot", s.eot, "bos", s.bos, "allow_special", s.allowSpecial)
	}
	return s, nil
}

// controlID resolves the token inserted by the eot or bos option: the named
// special token, or the encoding's own.
func controlID(enc *Encoder, opt, name string) (int32, error) {
	if name != "" {
		id, ok := enc.Specials()[name]
		if !ok {
			return -1, &mill.ValueError{Key: opt + "_token",
				Msg: fmt.Sprintf("%q is not a special token of %s", name, enc.Name())}
		}
		return id, nil
	}
	id, ok := enc.EndOfText()
	what := "end-of-text"
	if opt == "bos" {
		id, ok = enc.BeginOfText()
		what = "begin-of-text"
	}
	if !ok {
		return -1, &mill.ValueError{Key: opt, Msg: fmt.Sprintf("encoding %s has no %s token; "+
			"name one with %s_token or set %s: false", enc.Name(), what, opt, opt)}
	}
	return id, nil
}

// definitionFromConfig applies the stage options to the chosen preset.
func definitionFromConfig(cfg mill.Config, baseDir string) (Definition, error) {
	d, err := Preset(cfg.String("encoding"))
	if err != nil {
		return d, err
	}
	custom := false
	if f := cfg.String("rank_file"); f != "" {
		if !filepath.IsAbs(f) && baseDir != "" {
			f = filepath.Join(baseDir, f)
		}
		d.RankFile = f
		custom = d.asset != ""
	}
	if p := cfg.String("pattern"); p != "" {
		d.Pattern = p
		custom = true
	}
	if list := cfg.Strings("special_tokens"); len(list) > 0 {
		d.Specials = map[string]int32{}
		for _, item := range list {
			eq := strings.LastIndexByte(item, '=')
			id, err := strconv.ParseInt(item[eq+1:], 10, 32)
			if eq <= 0 || err != nil || id < 0 {
				return d, &mill.ValueError{Key: "special_tokens",
					Msg: fmt.Sprintf("%q is not TEXT=ID with a non-negative id", item)}
			}
			d.Specials[item[:eq]] = int32(id)
		}
		if _, ok := d.Specials[d.EOT]; !ok {
			d.EOT = ""
		}
		if _, ok := d.Specials[d.BOS]; !ok {
			d.BOS = ""
		}
		custom = true
	}
	if custom {
		// The manifest must not claim a standard encoding for other ids.
		d.Name += "+custom"
	}
	return d, nil
}

// Process sets d.Tokens from d.Text.
func (s *stage) Process(_ context.Context, d *mill.Document) error {
	ids := make([]int32, 0, len(d.Text)/4+2)
	if s.bos >= 0 {
		ids = append(ids, s.bos)
	}
	if s.allowSpecial {
		ids = s.enc.AppendEncodeSpecial(ids, d.Text, nil)
	} else {
		ids = s.enc.AppendEncode(ids, d.Text)
	}
	if s.eot >= 0 {
		ids = append(ids, s.eot)
	}
	d.Tokens = ids
	s.tokens.Add(int64(len(ids)))
	return nil
}

// Summary reports the number of tokens produced, control tokens included.
func (s *stage) Summary() map[string]int64 {
	return map[string]int64{"tokens": s.tokens.Load()}
}
