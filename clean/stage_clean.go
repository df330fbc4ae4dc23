package clean

import (
	"context"
	"fmt"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/tokenmill/tokenmill/mill"
)

var cleanSpec = mill.Spec{
	Name:     "clean",
	Role:     mill.RoleStage,
	Parallel: true,
	Doc: "Normalizes text (valid UTF-8, Unicode normal form, line endings, control and " +
		"zero-width characters, spaces, blank lines) and drops documents that end up " +
		"shorter than min_chars (reason too_short) or longer than max_chars (too_long).",
	Options: []mill.Option{
		{Name: "normalization", Kind: mill.String, Default: "nfc",
			Choices: []string{"nfc", "nfkc", "none"},
			Doc:     "Unicode normalization form applied last"},
		{Name: "collapse_spaces", Kind: mill.Bool, Default: "true",
			Doc: "turn runs of spaces and tabs inside a line into one space"},
		{Name: "max_blank_lines", Kind: mill.Int, Default: "1", HasMin: true, Min: -1,
			Doc: "most consecutive empty lines kept (-1 keeps all)"},
		{Name: "min_chars", Kind: mill.Int, Default: "50", HasMin: true, Min: 0,
			Doc: "drop documents with fewer characters (runes) after cleaning"},
		{Name: "max_chars", Kind: mill.Int, Default: "0", HasMin: true, Min: 0,
			Doc: "drop documents with more characters after cleaning (0: no limit)"},
	},
	Example: "stages:\n  - kind: clean\n    min_chars: 200\n    normalization: nfkc\n",
	NewProcessor: func(cfg mill.Config, env mill.Env) (mill.Processor, error) {
		s := &Stage{MinChars: cfg.Int("min_chars"), MaxChars: cfg.Int("max_chars")}
		s.Norm.CollapseSpaces = cfg.Bool("collapse_spaces")
		s.Norm.MaxBlankLines = cfg.Int("max_blank_lines")
		switch cfg.String("normalization") {
		case "nfkc":
			s.Norm.Form = norm.NFKC
		case "none":
			s.Norm.Raw = true
		}
		return s, nil
	},
}

// Specs declares the package's components for the pipeline registry.
func Specs() []mill.Spec { return []mill.Spec{cleanSpec} }

// Stage is the clean processor. It is safe for concurrent use.
type Stage struct {
	Norm     Normalizer
	MinChars int
	MaxChars int
}

// Process normalizes d.Text in place and applies the length limits.
func (s *Stage) Process(_ context.Context, d *mill.Document) error {
	if len(d.Tokens) > 0 {
		return fmt.Errorf("document is already tokenized; clean must run before tokenize")
	}
	d.Text = s.Norm.Normalize(d.Text)
	n := utf8.RuneCountInString(d.Text)
	switch {
	case n == 0:
		return mill.Drop("empty")
	case n < s.MinChars:
		return mill.Drop("too_short")
	case s.MaxChars > 0 && n > s.MaxChars:
		return mill.Drop("too_long")
	}
	return nil
}
