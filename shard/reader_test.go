package shard

import (
	"bytes"
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// FuzzReadShard feeds damaged record batches to the shard reader: it must
// return rows or an error, never panic, hang or allocate without bound. The
// fuzzed bytes follow an intact schema message (see the Limitation in
// reader.go about damaged schemas).
func FuzzReadShard(f *testing.F) {
	var schemaMsg []byte
	for _, comp := range []string{"zstd", "lz4", "none"} {
		for _, layout := range []string{LayoutDocuments, LayoutPacked} {
			dir := filepath.Join(f.TempDir(), comp+layout)
			opt := testOptions(dir)
			opt.Compression, opt.Layout, opt.MaxShardSize = comp, layout, 1<<20
			s, err := newSink(opt, testEnv(false))
			if err != nil {
				f.Fatal(err)
			}
			for _, d := range testDocs(12, 1000) {
				s.Write(f.Context(), d)
			}
			s.Close(f.Context())
			m, _ := ReadManifest(dir)
			b, err := os.ReadFile(filepath.Join(dir, m.Shards[0].File))
			if err != nil {
				f.Fatal(err)
			}
			// An IPC stream opens with 0xFFFFFFFF, the schema's metadata
			// length and the metadata; the schema message has no body.
			n := 8 + int(binary.LittleEndian.Uint32(b[4:8]))
			if layout == LayoutDocuments && comp == "zstd" {
				schemaMsg = b[:n]
			}
			if bytes.Equal(b[:n], schemaMsg) {
				f.Add(b[n:])
			}
		}
	}
	defer func(old int64) { maxBodySize = old }(maxBodySize)
	maxBodySize = 1 << 20 // the seeds' bodies are far smaller; keeps executions fast
	f.Fuzz(func(t *testing.T, data []byte) {
		stream := append(slices.Clip(schemaMsg), data...)
		sr, err := newShardReader(io.NopCloser(bytes.NewReader(stream)), "fuzz.arrow")
		if err != nil {
			return
		}
		defer sr.Close()
		for range 1000 {
			if _, err := sr.Next(); err != nil {
				return
			}
		}
	})
}

func TestReadDamagedShard(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	writeAll(t, testOptions(dir), testEnv(false), testDocs(50, 1000))
	m, _ := ReadManifest(dir)
	p := filepath.Join(dir, m.Shards[0].File)
	b, _ := os.ReadFile(p)
	for _, cut := range []int{10, len(b) / 2, len(b) - 9} {
		os.WriteFile(p, b[:cut], 0o644)
		err := ReadFile(p, func(Row) error { return nil })
		if err == nil || !strings.Contains(err.Error(), m.Shards[0].File) {
			t.Fatalf("truncated at %d: want an error naming the shard, got %v", cut, err)
		}
	}
}
