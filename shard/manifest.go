package shard

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// ManifestName is the manifest's file name inside an output directory.
const ManifestName = "manifest.json"

// ManifestFormat identifies the manifest's format version.
const ManifestFormat = "tokenmill-shards/1"

// Manifest describes a shard directory. The sink rewrites it atomically
// after each shard it commits and once more at Close.
type Manifest struct {
	Format string `json:"format"`
	// Layout is "documents" or "packed".
	Layout      string `json:"layout"`
	Compression string `json:"compression"`
	// TokenType is the Arrow type of token ids: "int32" or "uint16".
	TokenType string `json:"token_type"`
	// SeqLen is the packed window length minus one (packed layout only).
	SeqLen int `json:"seq_len,omitempty"`
	// PadID pads the last packed window of a split.
	PadID *int32 `json:"pad_id,omitempty"`
	// Encoding and EOT name the tokenizer the tokens come from, when known.
	Encoding string `json:"encoding,omitempty"`
	EOT      *int32 `json:"eot,omitempty"`
	// Props are the run-wide facts the pipeline's components stated.
	Props map[string]string `json:"props,omitempty"`
	// Config fingerprints the options that shape the output; a resumed run
	// must use the same.
	Config string `json:"config"`
	// Splits lists the split names in order; "" is the single unnamed split
	// written at the top of the directory.
	Splits []string `json:"splits"`
	Shards []Entry  `json:"shards"`

	// Committed is the number of input documents (by sequence number) whose
	// outcome is committed, except those in Pending.
	Committed uint64 `json:"committed_docs"`
	// Received is one past the highest sequence number the sink had
	// received when the manifest was written.
	Received uint64 `json:"received_docs"`
	// Pending lists the sequence numbers between Committed and Received
	// that were not yet in a committed shard.
	Pending SeqSet `json:"pending_docs,omitempty"`
	// State carries the split writers' resumable state (packing carry,
	// shuffle window counters).
	State map[string]*SplitState `json:"state,omitempty"`
	// Complete is set when Close has given every shard its final name and
	// written the Hugging Face metadata.
	Complete bool `json:"complete"`
}

// SeqSet is a sorted set of sequence numbers. Its JSON form is a list of
// inclusive ranges, [[first, last], …], which keeps the manifest small when
// a shard's worth of consecutive documents is pending.
type SeqSet []uint64

// MarshalJSON writes the set as ranges.
func (s SeqSet) MarshalJSON() ([]byte, error) {
	ranges := [][2]uint64{}
	for _, v := range s {
		if n := len(ranges); n > 0 && ranges[n-1][1]+1 == v {
			ranges[n-1][1] = v
			continue
		}
		ranges = append(ranges, [2]uint64{v, v})
	}
	return json.Marshal(ranges)
}

// UnmarshalJSON reads the set from ranges.
func (s *SeqSet) UnmarshalJSON(b []byte) error {
	var ranges [][2]uint64
	if err := json.Unmarshal(b, &ranges); err != nil {
		return err
	}
	*s = (*s)[:0]
	for _, r := range ranges {
		if r[1] < r[0] || r[1]-r[0] > 1<<32 {
			return fmt.Errorf("pending range %v is not [first, last]", r)
		}
		for v := r[0]; v <= r[1]; v++ {
			*s = append(*s, v)
		}
	}
	return nil
}

// Entry is one committed shard.
type Entry struct {
	Split string `json:"split,omitempty"`
	// File is the shard's path relative to the directory.
	File string `json:"file"`
	// Staged, when set, is the name the file has until the final rename
	// that Close performs completes.
	Staged string `json:"staged,omitempty"`
	Rows   int64  `json:"rows"`
	Tokens int64  `json:"tokens"`
	// TextBytes is the UTF-8 text the shard holds (documents layout).
	TextBytes int64 `json:"text_bytes"`
	// Bytes is the file's size and SHA256 its checksum, in hex.
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
	// Docs is the number of documents whose tokens start in the shard
	// (equal to Rows for the documents layout).
	Docs int64 `json:"docs"`
	// Padding counts padding tokens (packed layout).
	Padding int64 `json:"padding,omitempty"`
}

// SplitState is what a split writer needs to continue after a restart.
type SplitState struct {
	// Windows counts the shuffle windows already flushed.
	Windows uint64 `json:"windows,omitempty"`
	// Carry holds packed tokens not yet in a full window, and CarryStarts
	// the offsets in Carry where a document starts.
	Carry       []int32 `json:"carry,omitempty"`
	CarryStarts []int32 `json:"carry_starts,omitempty"`
	// Next is the index the split's next shard gets.
	Next int `json:"next"`
	// Flushing lists, in shuffled order, the documents of the window that
	// was being written at the commit and were not yet written.
	Flushing []uint64 `json:"flushing,omitempty"`
	// FlushAt is the sequence number at whose arrival that window was
	// flushed; a resumed run writes the rest of it at the same point.
	FlushAt uint64 `json:"flush_at,omitempty"`
}

// Totals sums the entries of one split ("" sums all).
func (m *Manifest) Totals(split string) Entry {
	var t Entry
	t.Split = split
	for _, e := range m.Shards {
		if split != "" && e.Split != split {
			continue
		}
		t.Rows += e.Rows
		t.Tokens += e.Tokens
		t.TextBytes += e.TextBytes
		t.Bytes += e.Bytes
		t.Docs += e.Docs
		t.Padding += e.Padding
	}
	return t
}

// ReadManifest reads dir's manifest. It returns an error wrapping
// fs.ErrNotExist when there is none.
func ReadManifest(dir string) (*Manifest, error) {
	p := filepath.Join(dir, ManifestName)
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	var m Manifest
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("reading %s: %w (the manifest is damaged: restore it or "+
			"write the shards again into an empty directory)", p, err)
	}
	if m.Format != ManifestFormat {
		return nil, fmt.Errorf("reading %s: format %q is not %q", p, m.Format, ManifestFormat)
	}
	return &m, nil
}

// writeManifest replaces dir's manifest atomically.
func writeManifest(dir string, m *Manifest) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(dir, ManifestName), append(b, '\n'))
}

// writeFileAtomic writes data to a temporary file beside path, syncs it,
// renames it over path and syncs the directory.
func writeFileAtomic(path string, data []byte) error {
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", tmp, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("syncing %s: %w", tmp, err)
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	return syncDir(filepath.Dir(path))
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if errors.Is(err, fs.ErrInvalid) {
		return nil // some file systems cannot sync a directory
	}
	return err
}

// finishRenames completes a final rename step that a crash interrupted:
// each entry still Staged is moved to its File name.
func finishRenames(dir string, m *Manifest) error {
	changed := false
	for i := range m.Shards {
		e := &m.Shards[i]
		if e.Staged == "" {
			continue
		}
		from, to := filepath.Join(dir, e.Staged), filepath.Join(dir, e.File)
		if _, err := os.Stat(from); err == nil {
			if err := os.Rename(from, to); err != nil {
				return fmt.Errorf("renaming shard %s to %s: %w", e.Staged, e.File, err)
			}
		} else if _, err2 := os.Stat(to); err2 != nil {
			return fmt.Errorf("shard %s: neither %s nor %s exists: %w", e.File, e.Staged, e.File,
				err)
		}
		e.Staged = ""
		changed = true
	}
	if !changed {
		return nil
	}
	if err := syncDir(dir); err != nil {
		return err
	}
	for _, s := range m.Splits {
		if s != "" {
			if err := syncDir(filepath.Join(dir, s)); err != nil {
				return err
			}
		}
	}
	return nil
}
