package crawl

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/tokenmill/tokenmill/mill"
)

// result is the outcome of fetching one task: a document or a drop, plus
// what the page points to. Results are what the journal stores; the crawl
// state (seen set, frontier, counts) is rebuilt from them.
type result struct {
	Seq uint64 `json:"seq"`
	URL string `json:"url"`
	// Redirect is the normalized Location of a 3xx response.
	Redirect string         `json:"redirect,omitempty"`
	Doc      *mill.Document `json:"doc,omitempty"`
	Reason   string         `json:"reason,omitempty"`
	Msg      string         `json:"msg,omitempty"`
	Links    []string       `json:"links,omitempty"`
	// Sitemaps are sitemap URLs: from robots.txt for a page, nested ones
	// for a sitemap index.
	Sitemaps []string `json:"sitemaps,omitempty"`

	task       *task
	retryWait  time.Duration
	robotDelay time.Duration
	robotsSeen bool
	abandoned  bool
}

// journal appends results to <state_dir>/journal.jsonl, one JSON line each,
// written with a single write so that a killed process leaves at most a
// torn last line, which the next run cuts off. Lines are synced to disk
// about once a second.
type journal struct {
	f        *os.File
	path     string
	buf      bytes.Buffer
	lastSync time.Time
}

type journalHeader struct {
	Journal     int    `json:"tokenmill_crawl_journal"`
	Fingerprint string `json:"fingerprint"`
}

// openJournal opens (or creates) the journal in dir and returns the results
// it already holds. A journal made with another configuration fingerprint
// is refused.
func openJournal(dir, fingerprint string) (*journal, []*result, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, nil, fmt.Errorf("creating state directory: %w", err)
	}
	path := filepath.Join(dir, "journal.jsonl")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, nil, fmt.Errorf("opening crawl journal: %w", err)
	}
	if err := lockJournal(f); err != nil {
		f.Close()
		return nil, nil, err
	}
	j := &journal{f: f, path: path, lastSync: time.Now()}
	results, good, err := readJournal(f, path, fingerprint)
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	if err := f.Truncate(good); err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("%s: cutting a torn last line: %w", path, err)
	}
	if _, err := f.Seek(good, io.SeekStart); err != nil {
		f.Close()
		return nil, nil, err
	}
	if good == 0 {
		if err := j.append(journalHeader{Journal: 1, Fingerprint: fingerprint}); err != nil {
			f.Close()
			return nil, nil, err
		}
	}
	return j, results, nil
}

// readJournal reads the results of a journal and returns the offset after
// the last complete line.
func readJournal(f *os.File, path, fingerprint string) ([]*result, int64, error) {
	br := bufio.NewReaderSize(f, 1<<20)
	var results []*result
	var off int64
	for line := 0; ; line++ {
		b, err := br.ReadBytes('\n')
		if errors.Is(err, io.EOF) {
			return results, off, nil // a line without newline is torn: dropped
		}
		if err != nil {
			return nil, 0, fmt.Errorf("reading %s: %w", path, err)
		}
		if line == 0 {
			var h journalHeader
			if json.Unmarshal(b, &h) != nil || h.Journal != 1 {
				return nil, 0, fmt.Errorf("%s is not a tokenmill crawl journal; "+
					"use an empty state_dir", path)
			}
			if h.Fingerprint != fingerprint {
				return nil, 0, fmt.Errorf("%s belongs to a crawl with other seeds or scope "+
					"settings (fingerprint %s, now %s); use a new state_dir or the same settings",
					path, h.Fingerprint, fingerprint)
			}
		} else {
			r := &result{}
			dec := json.NewDecoder(bytes.NewReader(b))
			dec.UseNumber()
			if err := dec.Decode(r); err != nil {
				if _, peekErr := br.Peek(1); peekErr == io.EOF {
					return results, off, nil // torn last line
				}
				return nil, 0, fmt.Errorf("%s: line %d (byte %d): %w; the journal is corrupt, "+
					"start over with an empty state_dir", path, line+1, off, err)
			}
			results = append(results, r)
		}
		off += int64(len(b))
	}
}

func (j *journal) append(v any) error {
	j.buf.Reset()
	enc := json.NewEncoder(&j.buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	if _, err := j.f.Write(j.buf.Bytes()); err != nil {
		return fmt.Errorf("writing %s: %w", j.path, err)
	}
	if time.Since(j.lastSync) > time.Second {
		j.lastSync = time.Now()
		if err := j.f.Sync(); err != nil {
			return fmt.Errorf("syncing %s: %w", j.path, err)
		}
	}
	return nil
}

func (j *journal) close() error {
	err := j.f.Sync()
	if cerr := j.f.Close(); err == nil {
		err = cerr
	}
	return err
}
