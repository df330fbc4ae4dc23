package shard

import (
	"context"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"

	"github.com/tokenmill/tokenmill/mill"
)

// dataDir returns $TOKENMILL_DATA or ../shared/data beside the repository.
func dataDir(tb testing.TB) string {
	if d := os.Getenv("TOKENMILL_DATA"); d != "" {
		return d
	}
	dir, _ := os.Getwd()
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "..", "shared", "data")
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatal("go.mod not found")
		}
		dir = parent
	}
}

// benchDocs cuts the Gutenberg books of the shared data into documents of
// about 4 KB. Tokens are word hashes below 50,000 (shard must not import
// tokenize): their distribution follows the words', which is what
// compression sees; `tokenmill bench shard` measures with real tokens.
func benchDocs(b *testing.B) ([]*mill.Document, int64) {
	files, _ := filepath.Glob(filepath.Join(dataDir(b), "books", "gutenberg-txt", "modern-utf8",
		"*.txt"))
	if len(files) == 0 {
		if os.Getenv("CI") == "true" {
			b.Fatal("no Gutenberg texts under $TOKENMILL_DATA")
		}
		b.Skip("no Gutenberg texts under $TOKENMILL_DATA")
	}
	var docs []*mill.Document
	var size int64
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		var cur strings.Builder
		for _, para := range strings.Split(string(data), "\n\n") {
			cur.WriteString(para + "\n\n")
			if cur.Len() < 4096 {
				continue
			}
			text := cur.String()
			cur.Reset()
			var toks []int32
			for _, w := range strings.Fields(text) {
				h := fnv.New32a()
				h.Write([]byte(w))
				toks = append(toks, int32(h.Sum32()%50000))
			}
			docs = append(docs, &mill.Document{ID: mill.StableID(f, fmt.Sprint(len(docs))),
				Text: text, Source: "books", Tokens: append(toks, 50000), Seq: uint64(len(docs))})
			size += int64(len(text))
		}
	}
	return docs, size
}

func BenchmarkWrite(b *testing.B) {
	docs, size := benchDocs(b)
	for _, codec := range []string{"zstd", "lz4", "none"} {
		b.Run(codec, func(b *testing.B) {
			b.SetBytes(size)
			var shardBytes int64
			cpu0 := cpuTime()
			n := 0
			for i := 0; b.Loop(); i++ {
				n++
				dir := filepath.Join(b.TempDir(), fmt.Sprint(i))
				opt := testOptions(dir)
				opt.Compression, opt.MaxShardSize, opt.BatchSize = codec, 500e6, 16<<20
				s, err := newSink(opt, mill.Env{Props: &mill.Props{}})
				if err != nil {
					b.Fatal(err)
				}
				for _, d := range docs {
					if err := s.Write(context.Background(), d); err != nil {
						b.Fatal(err)
					}
				}
				if err := s.Close(context.Background()); err != nil {
					b.Fatal(err)
				}
				shardBytes = s.Summary()["shard_bytes"]
				os.RemoveAll(dir)
			}
			b.ReportMetric(float64(size)/float64(shardBytes), "text/shard")
			// CPU time counts less of the waiting on a busy shared machine.
			b.ReportMetric(float64(size)*float64(n)/1e6/(cpuTime()-cpu0).Seconds(), "MB/cpu-s")
		})
	}
}

func BenchmarkRead(b *testing.B) {
	docs, size := benchDocs(b)
	for _, codec := range []string{"zstd", "lz4", "none"} {
		b.Run(codec, func(b *testing.B) {
			dir := filepath.Join(b.TempDir(), "out")
			opt := testOptions(dir)
			opt.Compression, opt.MaxShardSize, opt.BatchSize = codec, 500e6, 16<<20
			s, err := newSink(opt, mill.Env{Props: &mill.Props{}})
			if err != nil {
				b.Fatal(err)
			}
			for _, d := range docs {
				s.Write(context.Background(), d)
			}
			s.Close(context.Background())
			ds, _ := Open(dir)
			b.SetBytes(size)
			cpu0 := cpuTime()
			n := 0
			for b.Loop() {
				n++
				for _, e := range ds.Manifest.Shards {
					if err := ReadFile(ds.Path(e), func(Row) error { return nil }); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(size)*float64(n)/1e6/(cpuTime()-cpu0).Seconds(), "MB/cpu-s")
		})
	}
}

// cpuTime is the process's user plus system time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkZstdBaseline compresses the same text with klauspost/compress
// alone, single-threaded, for scale: on a busy machine it shows how much of
// the shard writer's time is the codec's.
func BenchmarkZstdBaseline(b *testing.B) {
	docs, size := benchDocs(b)
	text := make([]byte, 0, size)
	for _, d := range docs {
		text = append(text, d.Text...)
	}
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderConcurrency(1))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(size)
	var out []byte
	for b.Loop() {
		out = enc.EncodeAll(text, out[:0])
	}
	b.ReportMetric(float64(size)/float64(len(out)), "text/zstd")
}
