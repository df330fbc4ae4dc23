package pipelines

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
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

// Print writes the summary as one table.
func (s *Summary) Print(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "stage\tdocs in\tdocs out\tdropped\tMB in\tMB out\ttime\t\tdetails\t")
	for _, st := range s.Stages {
		var details []string
		for _, r := range st.DropReasons() {
			details = append(details, fmt.Sprintf("%s=%d", r, st.Dropped[r]))
		}
		for k, v := range st.Extra {
			details = append(details, fmt.Sprintf("%s=%d", k, v))
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%.2f\t%.2f\t%s\t\t%s\t\n", st.Name, st.In, st.Out,
			st.DroppedTotal(), mb(st.BytesIn), mb(st.BytesOut), st.Busy.Round(time.Millisecond),
			strings.Join(sortedStrings(details), " "))
	}
	tw.Flush()
	fmt.Fprintf(w, "elapsed %s", s.Elapsed.Round(time.Millisecond))
	if s.Replayed > 0 {
		fmt.Fprintf(w, ", %d documents replayed from an earlier run", s.Replayed)
	}
	fmt.Fprintln(w)
}

func mb(n int64) float64 { return float64(n) / 1e6 }
