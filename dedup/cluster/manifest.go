package cluster

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/tokenmill/tokenmill/dedup/minhash"
)

// File names in the work directory.
const (
	manifestFile = "manifest.json"
	docsFile     = "docs.bin"  // per document: length, score, exact key
	sigsFile     = "sigs.bin"  // per document: K compact values
	bandsFile    = "bands.bin" // (band key, doc) records, input order
	sortedFile   = "bands.sorted"
	pairsFile    = "pairs.bin"  // (doc, doc) records of verified pairs
	removeFile   = "remove.bin" // (doc, reason) records, sorted by doc
	statsFile    = "clusters.json"
)

const docRecordSize = 32 // length, score, 16-byte exact key

// Manifest describes a work directory; each step checks it before it runs.
type Manifest struct {
	Version   int            `json:"version"`
	Params    minhash.Params `json:"params"`
	Threshold float64        `json:"threshold"`
	Policy    Policy         `json:"policy"`
	Docs      uint64         `json:"docs"`
	Bytes     int64          `json:"bytes"`
	Skipped   int64          `json:"skipped_lines"`
	Inputs    []Input        `json:"inputs"`
	// Steps records when each step finished.
	Steps map[string]time.Time `json:"steps"`
}

// Input identifies an input file, so that the filter can refuse inputs
// that changed since their signatures were computed.
type Input struct {
	Path    string    `json:"path"`
	Size    int64     `json:"size"`
	ModTime time.Time `json:"mod_time"`
}

func statInputs(paths []string) ([]Input, error) {
	var in []Input
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		abs, err := filepath.Abs(p)
		if err != nil {
			return nil, err
		}
		in = append(in, Input{Path: abs, Size: fi.Size(), ModTime: fi.ModTime().UTC()})
	}
	return in, nil
}

// ReadManifest loads dir's manifest and checks that step's prerequisite
// ran.
func ReadManifest(dir, needs string) (*Manifest, error) {
	b, err := os.ReadFile(filepath.Join(dir, manifestFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%s is not a dedup work directory (no %s): run "+
			"`tokenmill dedup signatures --work-dir %s IN...` first", dir, manifestFile, dir)
	}
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, manifestFile), err)
	}
	if needs != "" {
		if _, ok := m.Steps[needs]; !ok {
			return nil, fmt.Errorf("%s: step %s has not finished there: run `tokenmill dedup "+
				"%s --work-dir %s` first", dir, needs, needs, dir)
		}
	}
	return &m, nil
}

// write saves the manifest atomically, marking step as done.
func (m *Manifest) write(dir, step string) error {
	if m.Steps == nil {
		m.Steps = map[string]time.Time{}
	}
	m.Steps[step] = time.Now().UTC()
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	tmp := filepath.Join(dir, manifestFile+".tmp")
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dir, manifestFile))
}

// CheckInputs reports an error when paths are not the inputs the
// signatures were computed from, or when one changed since.
func (m *Manifest) CheckInputs(paths []string) error {
	in, err := statInputs(paths)
	if err != nil {
		return err
	}
	if len(in) != len(m.Inputs) {
		return fmt.Errorf("%d inputs given, but signatures were computed from %d", len(in),
			len(m.Inputs))
	}
	for i := range in {
		want := m.Inputs[i]
		if in[i].Path != want.Path || in[i].Size != want.Size || !in[i].ModTime.Equal(want.ModTime) {
			return fmt.Errorf("input %d is %s (%d bytes), but signatures were computed from %s "+
				"(%d bytes, modified %s): give the same files in the same order, or rerun "+
				"signatures", i+1, in[i].Path, in[i].Size, want.Path, want.Size, want.ModTime)
		}
	}
	return nil
}
