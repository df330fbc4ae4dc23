package shard

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// finalize gives every shard its final data-NNNNN-of-MMMMM.arrow name and
// writes the Hugging Face metadata. The renames are recorded in the
// manifest before they happen, so a crash in between is completed by the
// next run (finishRenames) or by Open.
func (s *Sink) finalize() error {
	staged := false
	for _, split := range s.m.Splits {
		var idx []int
		for i, e := range s.m.Shards {
			if e.Split == split {
				idx = append(idx, i)
			}
		}
		order := make([]int, len(idx))
		for i := range order {
			order[i] = i
		}
		if s.opt.ShuffleWindow > 0 {
			// Permute shard files too, so that the order a loader reads
			// them in is shuffled beyond one window.
			rng := rand.New(rand.NewPCG(uint64(s.opt.Seed), uint64(len(idx))^0x5eed))
			rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		}
		for k, i := range idx {
			e := &s.m.Shards[i]
			name := fmt.Sprintf("data-%05d-of-%05d.arrow", order[k], len(idx))
			if split != "" {
				name = split + "/" + name
			}
			if name != e.File {
				e.Staged, e.File = e.File, name
				staged = true
			}
		}
	}
	if staged {
		if err := writeManifest(s.dir, s.m); err != nil {
			return err
		}
		if err := finishRenames(s.dir, s.m); err != nil {
			return err
		}
	}
	if err := s.writeHFMetadata(); err != nil {
		return err
	}
	s.m.Complete = true
	return writeManifest(s.dir, s.m)
}

// writeHFMetadata writes dataset_info.json and state.json for each split
// and, with named splits, dataset_dict.json, as datasets' save_to_disk
// does.
func (s *Sink) writeHFMetadata() error {
	if s.schema == nil {
		return nil
	}
	feats, err := Features(s.schema.Fields())
	if err != nil {
		return err
	}
	for _, split := range s.m.Splits {
		var files []string
		fp := sha256.New()
		fp.Write([]byte(s.m.Config))
		for _, e := range s.m.Shards {
			if e.Split == split {
				files = append(files, filepath.Base(filepath.FromSlash(e.File)))
				fp.Write([]byte(e.SHA256))
			}
		}
		sort.Strings(files)
		dataFiles := make([]map[string]string, len(files))
		for i, f := range files {
			dataFiles[i] = map[string]string{"filename": f}
		}
		var splitName any
		if split != "" {
			splitName = split
		}
		t := s.m.Totals(split)
		info := map[string]any{
			"citation":     "",
			"description":  "Written by tokenmill's shard sink (layout " + s.opt.Layout + ").",
			"features":     feats,
			"homepage":     "",
			"license":      "",
			"dataset_size": t.Bytes,
		}
		state := map[string]any{
			"_data_files":         dataFiles,
			"_fingerprint":        hex.EncodeToString(fp.Sum(nil))[:16],
			"_format_columns":     nil,
			"_format_kwargs":      map[string]any{},
			"_format_type":        nil,
			"_output_all_columns": false,
			"_split":              splitName,
		}
		d := filepath.Join(s.dir, split)
		if err := writeJSON(filepath.Join(d, "dataset_info.json"), info); err != nil {
			return err
		}
		if err := writeJSON(filepath.Join(d, "state.json"), state); err != nil {
			return err
		}
	}
	if len(s.m.Splits) > 1 || s.m.Splits[0] != "" {
		return writeJSON(filepath.Join(s.dir, "dataset_dict.json"),
			map[string]any{"splits": s.m.Splits})
	}
	return nil
}

// writeJSON writes v as indented JSON, atomically.
func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	if err := mkdirFor(path); err != nil {
		return err
	}
	return writeFileAtomic(path, append(b, '\n'))
}

// mkdirFor creates the directory that will hold path.
func mkdirFor(path string) error {
	return os.MkdirAll(filepath.Dir(path), 0o755)
}

// isShardName reports whether name is a shard file name.
func isShardName(name string) bool {
	return strings.HasPrefix(name, "data-") && strings.HasSuffix(name, ".arrow")
}
