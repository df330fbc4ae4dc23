package crawl

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// archiveOutcomes is what the warc source makes of every file under
// web-archives: pages (documents, plus pages the extractor finds empty,
// whose number depends on the extractor's judgement) and the other drops
// by reason. Response counts were checked against
// `zcat | grep -c 'WARC-Type: response'`.
var archiveOutcomes = map[string]struct {
	docs  int
	drops string
}{
	"commoncrawl-whirlwind/CC-MAIN-2024-22.warc.paths.gz": {0, "not_warc:1"},
	"commoncrawl-whirlwind/LICENSE":                       {0, "not_warc:1"},
	"commoncrawl-whirlwind/whirlwind.warc":                {1, ""},
	"commoncrawl-whirlwind/whirlwind.warc.gz":             {1, ""},
	"commoncrawl-whirlwind/whirlwind.warc.wat":            {0, ""}, // metadata only
	"commoncrawl-whirlwind/whirlwind.warc.wat.gz":         {0, ""},
	"commoncrawl-whirlwind/whirlwind.warc.wet":            {1, ""},
	"commoncrawl-whirlwind/whirlwind.warc.wet.gz":         {1, ""},
	"dolma/LICENSE":                                   {0, "not_warc:1"},
	"dolma/cc_en_head-0091.jsonl.gz":                  {0, "not_warc:1"},
	"dolma/cc_en_head-0174.jsonl.gz":                  {0, "not_warc:1"},
	"dolma/sample-0000.warc.gz":                       {22, ""},
	"dolma/sample-0001.warc.gz":                       {15, ""},
	"gowarc-ia/LICENSE":                               {0, "not_warc:1"},
	"gowarc-ia/corrupted-mid-record.warc.gz.open":     {12, "corrupt_record:1"},
	"gowarc-ia/corrupted-trailing-bytes.warc.gz.open": {30, "corrupt_record:1"},
	"gowarc-ia/empty.warc.gz.open":                    {0, ""},
	"gowarc-ia/good.warc.gz.open":                     {50, ""},
	"gowarc-ia/single-record.warc.gz.open":            {1, ""},
	"gowarc-ia/skip-non-open.warc.gz":                 {10, ""},
	"gowarc-ia/test.warc.gz":                          {0, "content_type:1"}, // a .js file
	"jwarc/LICENSE":                                   {0, "not_warc:1"},
	"jwarc/cc.warc.gz":                                {1, ""},
	"jwarc/gzip_extra_sl.warc.gz":                     {0, ""}, // warcinfo only
	"resiliparse/LICENSE":                             {0, "not_warc:1"},
	"resiliparse/block-sized-records.warc":            {0, ""}, // warcinfo-like records
	"resiliparse/block-sized-records.warc.gz":         {0, ""},
	"resiliparse/block-sized-records.warc.lz4":        {0, ""},
	"resiliparse/clipped.warc.gz":                     {0, "truncated_record:1"},
	"resiliparse/warcfile.warc":                       {16, ""},
	"resiliparse/warcfile.warc.gz":                    {16, ""},
	"resiliparse/warcfile.warc.lz4":                   {16, ""},
	"warcio/LICENSE":                                  {0, "not_warc:1"},
	"warcio/bad.arc":                                  {0, "corrupt_record:1"},
	"warcio/example-bad-non-chunked.warc.gz":          {1, ""},
	"warcio/example-bad.warc.gz.bad":                  {1, "http_302:1"},
	"warcio/example-digest.warc":                      {0, ""}, // revisit and metadata
	"warcio/example-iana.org-chunked.warc":            {1, ""},
	"warcio/example-resource.warc.gz":                 {1, ""},
	"warcio/example-space-in-target-uri.warc.gz":      {0, ""},
	"warcio/example-space-in-url.arc":                 {0, "truncated_record:1"},
	"warcio/example-trunc.warc":                       {0, "bad_encoding:1 corrupt_record:1"},
	"warcio/example-wget-bad-target-uri.warc.gz":      {1, ""},
	"warcio/example-wrong-chunks.warc.gz":             {1, ""},
	"warcio/example.arc":                              {1, ""},
	"warcio/example.arc.gz":                           {1, ""},
	"warcio/example.warc":                             {1, ""},
	"warcio/example.warc.gz":                          {1, ""},
	"warcio/post-test.warc.gz":                        {0, "content_type:3"}, // JSON
}

func formatDrops(m map[string]int) string {
	var parts []string
	for _, k := range sortedStrings(slicesOfKeys(m)) {
		parts = append(parts, fmt.Sprintf("%s:%d", k, m[k]))
	}
	return strings.Join(parts, " ")
}

func slicesOfKeys(m map[string]int) []string {
	var keys []string
	for k := range maps.Keys(m) {
		keys = append(keys, k)
	}
	return keys
}

// TestWARCSourceEveryArchive reads every file of the shared web-archives
// directory: WARC 1.0/1.1, WET, WAT, ARC, plain, gzip per record, whole-file
// gzip, truncated and corrupted files, and files that are not archives.
func TestWARCSourceEveryArchive(t *testing.T) {
	dir := dataDir(t, "web-archives")
	seen := map[string]bool{}
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		seen[rel] = true
		t.Run(rel, func(t *testing.T) {
			src := &WARCSource{Paths: []string{p}}
			c := &collector{}
			if err := src.Read(context.Background(), c); err != nil {
				t.Fatal(err)
			}
			want, ok := archiveOutcomes[rel]
			if !ok {
				t.Fatalf("new file: %d docs, drops %q; add it to archiveOutcomes",
					len(c.docs), formatDrops(c.skips))
			}
			pages := len(c.docs) + c.skips["empty"]
			delete(c.skips, "empty")
			if pages != want.docs || formatDrops(c.skips) != want.drops {
				t.Errorf("%d pages, drops %q; want %d, %q", pages, formatDrops(c.skips),
					want.docs, want.drops)
			}
			for _, d := range c.docs {
				if !utf8.ValidString(d.Text) || strings.TrimSpace(d.Text) == "" || d.URL == "" {
					t.Errorf("bad document %s from %s", d.ID, d.URL)
				}
			}
			// Drops of damaged records name the file and a byte offset.
			for _, e := range c.errs {
				var re *RecordError
				if errors.As(e, &re) && (re.File != p || !strings.Contains(e.Error(), "byte")) {
					t.Errorf("error does not locate the record: %v", e)
				}
			}
		})
		return nil
	})
	for f := range archiveOutcomes {
		if !seen[f] {
			t.Errorf("%s is listed but missing from %s", f, dir)
		}
	}
}

// BenchmarkWARCReader reads every record of real gzip-per-record and
// whole-file-gzip archives (records only, no extraction).
func BenchmarkWARCReader(b *testing.B) {
	dir := dataDir(b, "web-archives")
	for _, name := range []string{"resiliparse/warcfile.warc.gz", "resiliparse/warcfile.warc",
		"resiliparse/warcfile.warc.lz4", "dolma/sample-0000.warc.gz"} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(filepath.Base(name), func(b *testing.B) {
			var uncompressed int64
			for range b.N {
				r, err := NewWARCReader(bytes.NewReader(data), name, 64<<20)
				if err != nil {
					b.Fatal(err)
				}
				uncompressed = 0
				for {
					rec, err := r.Next()
					if err != nil {
						break
					}
					uncompressed += int64(len(rec.Block))
				}
			}
			b.SetBytes(uncompressed)
		})
	}
}

// TestWARCSourceOrderAndCancel: documents come out in file order whatever
// the number of workers, and a cancelled read stops with ctx.Err().
func TestWARCSourceOrderAndCancel(t *testing.T) {
	dir := dataDir(t, "web-archives")
	paths := []string{filepath.Join(dir, "dolma", "*.warc.gz"),
		filepath.Join(dir, "resiliparse", "warcfile.warc.gz")}
	var orders []string
	for _, w := range []int{1, 4} {
		c := &collector{}
		if err := (&WARCSource{Paths: paths, Workers: w}).Read(context.Background(), c); err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, d := range c.docs {
			ids = append(ids, d.ID)
		}
		orders = append(orders, strings.Join(ids, " "))
	}
	if orders[0] != orders[1] || orders[0] == "" {
		t.Error("documents come out in another order with 4 workers than with 1")
	}
	ctx, cancel := context.WithCancel(context.Background())
	c := &collector{stopAfter: 3, cancel: cancel, ctx: ctx}
	err := (&WARCSource{Paths: paths, Workers: 4}).Read(ctx, c)
	if !errors.Is(err, context.Canceled) || len(c.docs) != 3 {
		t.Errorf("cancelled read: %v after %d documents", err, len(c.docs))
	}
}
