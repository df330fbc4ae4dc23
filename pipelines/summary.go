package pipelines

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// Summary is what a run did, stage by stage.
type Summary struct {
	Stages      []StageStats  `json:"stages"`
	Elapsed     time.Duration `json:"elapsed_ns"`
	Replayed    int64         `json:"replayed,omitempty"`
	Interrupted bool          `json:"interrupted,omitempty"`
}

// Stage returns the named stage's figures, or nil.
func (s *Summary) Stage(name string) *StageStats {
	for i := range s.Stages {
		if s.Stages[i].Name == name {
			return &s.Stages[i]
		}
	}
	return nil
}

// Print writes the summary as one table: a row per component with its
// documents in and out, drops (by reason in the details), megabytes and
// busy time, then the elapsed time.
func (s *Summary) Print(w io.Writer) {
	width := len("stage")
	for _, st := range s.Stages {
		width = max(width, len(st.Name))
	}
	fmt.Fprintf(w, "%-*s %10s %10s %9s %9s %9s %9s  %s\n", width, "stage", "docs in",
		"docs out", "dropped", "MB in", "MB out", "busy", "details")
	for _, st := range s.Stages {
		var details []string
		for _, r := range st.DropReasons() {
			details = append(details, fmt.Sprintf("%s=%d", r, st.Dropped[r]))
		}
		var extra []string
		for k, v := range st.Extra {
			extra = append(extra, fmt.Sprintf("%s=%d", k, v))
		}
		details = append(details, sortedStrings(extra)...)
		fmt.Fprintf(w, "%-*s %10d %10d %9d %9.2f %9.2f %9s  %s\n", width, st.Name, st.In,
			st.Out, st.DroppedTotal(), mb(st.BytesIn), mb(st.BytesOut),
			st.Busy.Round(time.Millisecond), strings.Join(details, " "))
	}
	fmt.Fprintf(w, "elapsed %s", s.Elapsed.Round(time.Millisecond))
	if s.Replayed > 0 {
		fmt.Fprintf(w, ", %d documents replayed from an earlier run", s.Replayed)
	}
	if s.Interrupted {
		fmt.Fprint(w, ", interrupted")
	}
	fmt.Fprintln(w)
}

func mb(n int64) float64 { return float64(n) / 1e6 }
