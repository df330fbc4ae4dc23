package pipelines

import (
	"maps"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Counters are the figures the engine keeps for one component. All methods
// are safe for concurrent use.
type Counters struct {
	Name     string
	Role     string
	in, out  atomic.Int64
	bytesIn  atomic.Int64
	bytesOut atomic.Int64
	busy     atomic.Int64 // nanoseconds spent inside the component

	mu    sync.Mutex
	drops map[string]int64
	extra map[string]int64
}

func newCounters(name, role string) *Counters {
	return &Counters{Name: name, Role: role, drops: map[string]int64{}}
}

func (c *Counters) addIn(n int64)  { c.in.Add(1); c.bytesIn.Add(n) }
func (c *Counters) addOut(n int64) { c.out.Add(1); c.bytesOut.Add(n) }
func (c *Counters) addBusy(d time.Duration) {
	c.busy.Add(int64(d))
}

func (c *Counters) drop(reason string) int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.drops[reason]++
	return c.drops[reason]
}

// StageStats is a snapshot of one component's counters.
type StageStats struct {
	Name     string           `json:"name"`
	Role     string           `json:"role"`
	In       int64            `json:"docs_in"`
	Out      int64            `json:"docs_out"`
	Dropped  map[string]int64 `json:"dropped,omitempty"`
	BytesIn  int64            `json:"bytes_in"`
	BytesOut int64            `json:"bytes_out"`
	Busy     time.Duration    `json:"busy_ns"`
	Extra    map[string]int64 `json:"extra,omitempty"`
}

// DroppedTotal sums the drops over all reasons.
func (s StageStats) DroppedTotal() int64 {
	var n int64
	for _, v := range s.Dropped {
		n += v
	}
	return n
}

// DropReasons returns the drop reasons sorted by name.
func (s StageStats) DropReasons() []string {
	return slices.Sorted(maps.Keys(s.Dropped))
}

func (c *Counters) snapshot() StageStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := StageStats{Name: c.Name, Role: c.Role, In: c.in.Load(), Out: c.out.Load(),
		BytesIn: c.bytesIn.Load(), BytesOut: c.bytesOut.Load(),
		Busy: time.Duration(c.busy.Load())}
	if len(c.drops) > 0 {
		s.Dropped = maps.Clone(c.drops)
	}
	if len(c.extra) > 0 {
		s.Extra = maps.Clone(c.extra)
	}
	return s
}
