package cluster

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/tokenmill/tokenmill/mill"
)

// The survivor policies: which document of a cluster is kept.
const (
	KeepFirst   = "first"   // the earliest in input order
	KeepLongest = "longest" // the longest text
	KeepNewest  = "newest"  // the latest date in meta[Key]
	KeepScore   = "score"   // the highest number in meta[Key]
	KeepSource  = "source"  // the best-ranked Source in Sources
)

// Policies lists the survivor policies.
var Policies = []string{KeepFirst, KeepLongest, KeepNewest, KeepScore, KeepSource}

// Policy chooses a cluster's survivor: the document with the highest score,
// the earliest in input order among equal scores. Documents without the
// meta field or source rank lowest.
type Policy struct {
	Kind string `json:"kind"`
	// Key is the meta field of newest ("date" by default) and score
	// ("score" by default).
	Key string `json:"key,omitempty"`
	// Sources ranks sources for the source policy, best first.
	Sources []string `json:"sources,omitempty"`
}

// Validate checks the policy and fills in default keys.
func (p *Policy) Validate() error {
	switch p.Kind {
	case "":
		p.Kind = KeepFirst
	case KeepFirst, KeepLongest:
	case KeepNewest:
		if p.Key == "" {
			p.Key = "date"
		}
	case KeepScore:
		if p.Key == "" {
			p.Key = "score"
		}
	case KeepSource:
		if len(p.Sources) == 0 {
			return fmt.Errorf("survivor policy source needs the sources ranked, best first " +
				"(--source-priority wikipedia,books,web)")
		}
	default:
		return fmt.Errorf("unknown survivor policy %q (valid: %s)", p.Kind,
			strings.Join(Policies, ", "))
	}
	return nil
}

// Score is d's rank under the policy: higher survives.
func (p *Policy) Score(d *mill.Document) float64 {
	switch p.Kind {
	case KeepLongest:
		return float64(len(d.Text))
	case KeepNewest:
		if t, ok := parseDate(d.Meta[p.Key]); ok {
			return float64(t.Unix())
		}
	case KeepScore:
		if f, ok := number(d.Meta[p.Key]); ok && !math.IsNaN(f) {
			return f
		}
	case KeepSource:
		for i, s := range p.Sources {
			if s == d.Source {
				return float64(len(p.Sources) - i)
			}
		}
		return 0
	case KeepFirst:
		return 0
	}
	return math.Inf(-1)
}

func number(v any) (float64, bool) {
	switch x := v.(type) {
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	case float64:
		return x, true
	case int64:
		return float64(x), true
	case int:
		return float64(x), true
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		return f, err == nil
	}
	return 0, false
}

// parseDate reads RFC 3339 timestamps, plain dates, "2006-01-02 15:04:05",
// HTTP dates and Unix seconds.
func parseDate(v any) (time.Time, bool) {
	if f, ok := v.(json.Number); ok {
		if n, err := f.Int64(); err == nil {
			return time.Unix(n, 0), true
		}
	}
	s, ok := v.(string)
	if !ok {
		return time.Time{}, false
	}
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05",
		"2006-01-02", time.RFC1123, time.RFC1123Z, "2006-01", "2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
