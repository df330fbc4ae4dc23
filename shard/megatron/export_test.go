package megatron

import (
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/tokenmill/tokenmill/mill"
	"github.com/tokenmill/tokenmill/shard"
)

// writeShards writes n documents through the shard sink and returns their
// token lists.
func writeShards(t *testing.T, dir string, n int, vocab string) [][]int32 {
	t.Helper()
	spec := shard.Specs()[0]
	cfg, err := mill.NewConfig(&spec, map[string]any{"dir": dir, "max_shard_size": int64(3000)})
	if err != nil {
		t.Fatal(err)
	}
	props := &mill.Props{}
	props.Set("tokenizer.vocab_size", vocab)
	sink, err := shard.NewSink(cfg, mill.Env{Props: props})
	if err != nil {
		t.Fatal(err)
	}
	var all [][]int32
	for i := range n {
		toks := make([]int32, 1+i%37)
		for k := range toks {
			toks[k] = int32((i*131 + k*17) % 60000)
		}
		if i%10 == 0 {
			toks = nil // left out of the export
		} else {
			all = append(all, toks)
		}
		d := &mill.Document{ID: fmt.Sprint(i), Text: "x", Tokens: toks, Seq: uint64(i)}
		if err := sink.Write(context.Background(), d); err != nil {
			t.Fatal(err)
		}
	}
	if err := sink.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	return all
}

// readIndexed reads a .bin/.idx pair the way Megatron-LM's
// indexed_dataset.py lays it out, independently of the writer.
func readIndexed(t *testing.T, prefix string) (code byte, docs [][]int32) {
	t.Helper()
	idx, err := os.ReadFile(prefix + ".idx")
	if err != nil {
		t.Fatal(err)
	}
	bin, err := os.ReadFile(prefix + ".bin")
	if err != nil {
		t.Fatal(err)
	}
	le := binary.LittleEndian
	if string(idx[:9]) != "MMIDIDX\x00\x00" || le.Uint64(idx[9:17]) != 1 {
		t.Fatalf("%s.idx: bad header % x", prefix, idx[:17])
	}
	code = idx[17]
	nseq := int(le.Uint64(idx[18:26]))
	ndoc := int(le.Uint64(idx[26:34]))
	off := 34
	lengths := make([]int32, nseq)
	for i := range lengths {
		lengths[i] = int32(le.Uint32(idx[off:]))
		off += 4
	}
	ptrs := make([]int64, nseq)
	for i := range ptrs {
		ptrs[i] = int64(le.Uint64(idx[off:]))
		off += 8
	}
	docIdx := make([]int64, ndoc)
	for i := range docIdx {
		docIdx[i] = int64(le.Uint64(idx[off:]))
		off += 8
	}
	if off != len(idx) {
		t.Fatalf("%s.idx: %d trailing bytes", prefix, len(idx)-off)
	}
	if docIdx[0] != 0 || docIdx[ndoc-1] != int64(nseq) {
		t.Fatalf("document indices %v do not span %d sequences", docIdx, nseq)
	}
	item := map[byte]int{4: 4, 8: 2}[code]
	for d := 0; d+1 < ndoc; d++ {
		var toks []int32
		for s := docIdx[d]; s < docIdx[d+1]; s++ {
			p := int(ptrs[s])
			for k := range int(lengths[s]) {
				at := p + k*item
				if item == 2 {
					toks = append(toks, int32(le.Uint16(bin[at:])))
				} else {
					toks = append(toks, int32(le.Uint32(bin[at:])))
				}
			}
		}
		docs = append(docs, toks)
	}
	last := int(ptrs[nseq-1]) + int(lengths[nseq-1])*item
	if last != len(bin) {
		t.Fatalf("%s.bin has %d bytes, the index covers %d", prefix, len(bin), last)
	}
	return code, docs
}

func TestExportReadBack(t *testing.T) {
	for _, tc := range []struct {
		name, vocab, dtype string
		maxSize            int64
		code               byte
	}{
		{"uint16_one_file", "50257", "auto", 0, CodeUint16},
		{"int32_split", "100277", "auto", 1500, CodeInt32},
		{"forced_int32", "50257", "int32", 0, CodeInt32},
	} {
		t.Run(tc.name, func(t *testing.T) {
			base := t.TempDir()
			want := writeShards(t, filepath.Join(base, "shards"), 250, tc.vocab)
			ds, err := shard.Open(filepath.Join(base, "shards"))
			if err != nil {
				t.Fatal(err)
			}
			prefix := filepath.Join(base, "mega", "corpus_text_document")
			files, err := Export(ds, Options{Prefix: prefix, MaxSize: tc.maxSize, Dtype: tc.dtype})
			if err != nil {
				t.Fatal(err)
			}
			if tc.maxSize > 0 && len(files) < 3 {
				t.Fatalf("expected several files of at most %d bytes, got %d", tc.maxSize,
					len(files))
			}
			var got [][]int32
			for _, f := range files {
				code, docs := readIndexed(t, f.Prefix)
				if code != tc.code {
					t.Fatalf("dtype code %d, want %d", code, tc.code)
				}
				if tc.maxSize > 0 && f.BinBytes > tc.maxSize {
					t.Fatalf("%s: %d bytes over the limit", f.Prefix, f.BinBytes)
				}
				got = append(got, docs...)
			}
			if len(got) != len(want) {
				t.Fatalf("%d documents read back, %d written", len(got), len(want))
			}
			for i := range want {
				if !slices.Equal(got[i], want[i]) {
					t.Fatalf("document %d: %v, want %v", i, got[i], want[i])
				}
			}
		})
	}
}

func TestExportSplits(t *testing.T) {
	base := t.TempDir()
	dir := filepath.Join(base, "shards")
	spec := shard.Specs()[0]
	cfg, _ := mill.NewConfig(&spec, map[string]any{"dir": dir, "validation": 0.2})
	sink, err := shard.NewSink(cfg, mill.Env{Props: &mill.Props{}})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{}
	for i := range 200 {
		id := fmt.Sprint("d", i)
		d := &mill.Document{ID: id, Text: "x", Tokens: []int32{int32(i), 7}, Seq: uint64(i)}
		sink.Write(context.Background(), d)
		if shard.IsValidation(id, 0.2) {
			want["validation"]++
		} else {
			want["train"]++
		}
	}
	sink.Close(context.Background())
	ds, _ := shard.Open(dir)
	prefix := filepath.Join(base, "mt")
	files, err := Export(ds, Options{Prefix: prefix})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2 || files[0].Prefix != prefix+"-train" ||
		files[1].Prefix != prefix+"-validation" {
		t.Fatalf("files %+v", files)
	}
	for _, f := range files {
		_, docs := readIndexed(t, f.Prefix)
		split := f.Prefix[len(prefix)+1:]
		if len(docs) != want[split] {
			t.Fatalf("%s: %d documents, want %d", split, len(docs), want[split])
		}
	}
	only, err := Export(ds, Options{Prefix: prefix + "-v", Split: "validation"})
	if err != nil || len(only) != 1 || only[0].Documents != int64(want["validation"]) {
		t.Fatalf("--split validation: %+v %v", only, err)
	}
}
