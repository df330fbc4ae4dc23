package shard

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
)

// Verify checks every shard of a directory against its manifest: the file's
// size and SHA-256, its schema (the manifest's layout and token type), and
// its rows and token counts, and that state.json lists the shards. It
// returns the first problem found.
func Verify(dir string) error {
	ds, err := Open(dir)
	if err != nil {
		return err
	}
	return ds.Verify()
}

// Verify checks the dataset's shards; see the package function Verify.
func (ds *Dataset) Verify() error {
	m := ds.Manifest
	if len(m.Shards) == 0 {
		return fmt.Errorf("%s: the manifest lists no shards", ds.Dir)
	}
	for _, e := range m.Shards {
		if err := ds.verifyShard(e); err != nil {
			return err
		}
	}
	if !m.Complete {
		return fmt.Errorf("%s: the run that wrote it did not finish (its shards are "+
			"intact); continue it with --resume", ds.Dir)
	}
	return ds.verifyState()
}

// verifyState checks that each split's state.json lists exactly the
// split's shards, in name order, as datasets.load_from_disk reads them.
func (ds *Dataset) verifyState() error {
	for _, split := range ds.Manifest.Splits {
		p := filepath.Join(ds.Dir, split, "state.json")
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		var st struct {
			DataFiles []struct {
				Filename string `json:"filename"`
			} `json:"_data_files"`
		}
		if err := json.Unmarshal(b, &st); err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		var want []string
		for _, e := range ds.Manifest.Shards {
			if e.Split == split {
				want = append(want, path.Base(e.File))
			}
		}
		sort.Strings(want)
		var got []string
		for _, f := range st.DataFiles {
			got = append(got, f.Filename)
		}
		if !slices.Equal(got, want) {
			return fmt.Errorf("%s lists %v, the manifest %v", p, got, want)
		}
	}
	return nil
}

func (ds *Dataset) verifyShard(e Entry) error {
	m := ds.Manifest
	file := ds.Path(e)
	f, err := os.Open(file)
	if err != nil {
		return fmt.Errorf("shard %s: %w", e.File, err)
	}
	h := sha256.New()
	n, err := io.Copy(h, f)
	f.Close()
	if err != nil {
		return fmt.Errorf("shard %s: reading: %w", e.File, err)
	}
	if n != e.Bytes {
		return fmt.Errorf("shard %s: %d bytes, the manifest says %d", e.File, n, e.Bytes)
	}
	if sum := hex.EncodeToString(h.Sum(nil)); sum != e.SHA256 {
		return fmt.Errorf("shard %s: sha256 %s, the manifest says %s", e.File, sum, e.SHA256)
	}

	sr, err := OpenShard(file)
	if err != nil {
		return err
	}
	defer sr.Close()
	want, err := schemaFor(m.Layout, m.TokenType)
	if err != nil {
		return fmt.Errorf("shard %s: %w", e.File, err)
	}
	if !sr.Schema().Equal(want) {
		return fmt.Errorf("shard %s: schema %s is not the %s layout's %s", e.File, sr.Schema(),
			m.Layout, want)
	}
	var rows, tokens, text, docs, pad int64
	for {
		batch, err := sr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		for _, r := range batch {
			rows++
			text += int64(len(r.Text))
			if m.Layout == LayoutPacked {
				if len(r.Tokens) != m.SeqLen+1 {
					return fmt.Errorf("shard %s, row %d: %d tokens, windows hold %d", e.File,
						rows-1, len(r.Tokens), m.SeqLen+1)
				}
				tokens += int64(len(r.Tokens)) - int64(r.Pad)
				pad += int64(r.Pad)
				docs += int64(len(r.Starts))
			} else {
				tokens += int64(len(r.Tokens))
				docs++
			}
		}
	}
	check := func(what string, got, want int64) error {
		if got != want {
			return fmt.Errorf("shard %s: %d %s, the manifest says %d", e.File, got, what, want)
		}
		return nil
	}
	for _, c := range []struct {
		what      string
		got, want int64
	}{{"rows", rows, e.Rows}, {"tokens", tokens, e.Tokens}, {"documents", docs, e.Docs},
		{"padding tokens", pad, e.Padding}} {
		if err := check(c.what, c.got, c.want); err != nil {
			return err
		}
	}
	if m.Layout != LayoutPacked {
		return check("text bytes", text, e.TextBytes)
	}
	return nil
}
