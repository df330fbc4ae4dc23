package cluster

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/tokenmill/tokenmill/mill"
)

// Filter is the last step: a mill.Processor that drops the documents in
// the remove list of a work directory, by their number in the inputs
// (d.Seq). It must see the inputs the signatures were computed from, in the
// same order, through one goroutine (its spec is not Parallel).
type Filter struct {
	m       *Manifest
	stats   *ClusterStats
	r       *recordReader
	next    record
	more    bool
	dropped map[string]int64
}

// NewFilter opens dir's remove list.
func NewFilter(dir string) (*Filter, error) {
	m, err := ReadManifest(dir, "clusters")
	if err != nil {
		return nil, err
	}
	r, err := openRecords(filepath.Join(dir, removeFile))
	if err != nil {
		return nil, err
	}
	f := &Filter{m: m, r: r, dropped: map[string]int64{}}
	if b, err := os.ReadFile(filepath.Join(dir, statsFile)); err == nil {
		var st ClusterStats
		if json.Unmarshal(b, &st) == nil {
			f.stats = &st
		}
	}
	return f, f.advance()
}

// Manifest returns the work directory's manifest.
func (f *Filter) Manifest() *Manifest { return f.m }

func (f *Filter) advance() error {
	rec, err := f.r.Next()
	switch {
	case err == io.EOF:
		f.more = false
		return nil
	case err != nil:
		return err
	}
	f.next, f.more = rec, true
	return nil
}

// Process drops d when its number is in the remove list.
func (f *Filter) Process(_ context.Context, d *mill.Document) error {
	if d.Seq >= f.m.Docs {
		return fmt.Errorf("document %d (id %s) is beyond the %d documents the signatures "+
			"were computed from: the inputs changed", d.Seq, d.ID, f.m.Docs)
	}
	for f.more && f.next.key < d.Seq {
		if err := f.advance(); err != nil {
			return err
		}
	}
	if f.more && f.next.key == d.Seq {
		reason := reasonName(f.next.val)
		if !d.Replay {
			f.dropped[reason]++
		}
		return mill.Drop(reason)
	}
	return nil
}

// Close releases the remove list.
func (f *Filter) Close() error { return f.r.Close() }

// Summary implements mill.Summarizer: the documents signed, the clusters
// and the cluster-size histogram ("clusters_of_2", "clusters_of_3-4", …).
func (f *Filter) Summary() map[string]int64 {
	m := map[string]int64{"signed_docs": int64(f.m.Docs)}
	if f.stats != nil {
		m["clusters"] = f.stats.Clusters
		m["largest_cluster"] = int64(f.stats.Largest)
		for bin, n := range f.stats.Histogram {
			m["clusters_of_"+bin] = n
		}
	}
	return m
}
