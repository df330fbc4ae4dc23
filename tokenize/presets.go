package tokenize

import (
	"fmt"
	"sort"
	"strings"
)

// The split patterns of the built-in encodings, as tiktoken writes them
// without possessive quantifiers (which the forms here do not need: each
// is equivalent to its possessive counterpart in tiktoken's source).
const (
	// PatternGPT2 is the split pattern of r50k_base and p50k_base.
	PatternGPT2 = `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+` +
		`|\s+(?!\S)|\s+`
	// PatternCL100K is the split pattern of cl100k_base and of Llama 3.
	PatternCL100K = `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}` +
		`| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`
	// PatternO200K is the split pattern of o200k_base.
	PatternO200K = `[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*` +
		`[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?` +
		`|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+` +
		`[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?` +
		`|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+`
)

// The special token strings shared by the OpenAI encodings.
const (
	EndOfText   = "<|endoftext|>"
	FIMPrefix   = "<|fim_prefix|>"
	FIMMiddle   = "<|fim_middle|>"
	FIMSuffix   = "<|fim_suffix|>"
	EndOfPrompt = "<|endofprompt|>"
)

// The Llama 3 control tokens that tokenmill inserts.
const (
	Llama3BeginOfText = "<|begin_of_text|>"
	Llama3EndOfText   = "<|end_of_text|>"
)

// Llama3 is the name of the Llama 3 preset, whose rank file the user
// supplies (Definition.RankFile, or the stage's rank_file option).
const Llama3 = "llama3"

// llama3NumRanks is the number of ordinary tokens in the Llama 3 rank file;
// its 256 special tokens follow.
const llama3NumRanks = 128000

// builtin lists the presets. A preset with an empty asset needs a rank file
// from the user.
var builtin = map[string]Definition{
	"r50k_base": {
		Name: "r50k_base", Pattern: PatternGPT2, asset: "r50k_base.tiktoken",
		Specials: map[string]int32{EndOfText: 50256}, EOT: EndOfText,
	},
	"p50k_base": {
		Name: "p50k_base", Pattern: PatternGPT2, asset: "p50k_base.tiktoken",
		Specials: map[string]int32{EndOfText: 50256}, EOT: EndOfText,
	},
	"cl100k_base": {
		Name: "cl100k_base", Pattern: PatternCL100K, asset: "cl100k_base.tiktoken",
		Specials: map[string]int32{EndOfText: 100257, FIMPrefix: 100258, FIMMiddle: 100259,
			FIMSuffix: 100260, EndOfPrompt: 100276},
		EOT: EndOfText,
	},
	"o200k_base": {
		Name: "o200k_base", Pattern: PatternO200K, asset: "o200k_base.tiktoken",
		Specials: map[string]int32{EndOfText: 199999, EndOfPrompt: 200018},
		EOT:      EndOfText,
	},
	Llama3: {
		Name: Llama3, Pattern: PatternCL100K, Specials: llama3Specials(),
		EOT: Llama3EndOfText, BOS: Llama3BeginOfText,
	},
}

// aliases maps other names tiktoken accepts to a preset.
var aliases = map[string]string{"gpt2": "r50k_base"}

// Names lists the built-in encodings, sorted.
func Names() []string {
	names := make([]string, 0, len(builtin))
	for n := range builtin {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Preset returns a copy of the Definition of a built-in encoding (or of an
// alias such as "gpt2"), to be adjusted and passed to New.
func Preset(name string) (Definition, error) {
	if a, ok := aliases[name]; ok {
		name = a
	}
	d, ok := builtin[name]
	if !ok {
		return Definition{}, fmt.Errorf("tokenize: unknown encoding %q (valid: %s)",
			name, strings.Join(Names(), ", "))
	}
	specials := make(map[string]int32, len(d.Specials))
	for k, v := range d.Specials {
		specials[k] = v
	}
	d.Specials = specials
	return d, nil
}

// llama3Specials returns the 256 special tokens of Llama 3, numbered from
// 128000 after the ordinary ranks, named as Meta's Llama 3.1 tokenizer names
// them (Llama 3.0 called 128004, 128005, 128008 and 128010 reserved tokens;
// the ids, and the control tokens tokenmill inserts, are the same).
func llama3Specials() map[string]int32 {
	names := []string{
		Llama3BeginOfText, Llama3EndOfText,
		"<|reserved_special_token_0|>", "<|reserved_special_token_1|>",
		"<|finetune_right_pad_id|>", "<|reserved_special_token_2|>",
		"<|start_header_id|>", "<|end_header_id|>",
		"<|eom_id|>", "<|eot_id|>", "<|python_tag|>",
	}
	for i := 3; len(names) < 256; i++ {
		names = append(names, fmt.Sprintf("<|reserved_special_token_%d|>", i))
	}
	m := make(map[string]int32, len(names))
	for i, n := range names {
		m[n] = int32(llama3NumRanks + i)
	}
	return m
}
