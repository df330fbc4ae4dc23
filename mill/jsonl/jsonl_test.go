package jsonl

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/tokenmill/tokenmill/mill"
)

func sampleDocs() []*mill.Document {
	return []*mill.Document{
		{ID: "a", Text: "Call me Ishmael.\nSome years ago…", Source: "gutenberg",
			URL:  "https://www.gutenberg.org/ebooks/2701",
			Meta: map[string]any{"title": "Moby Dick", "year": json.Number("1851")}},
		{ID: "b", Text: "<html> & \"quotes\" \u2028 \U0001F600", Source: "web"},
		{ID: "c", Text: "tokens", Tokens: []int32{1, 2, 100257}},
	}
}

func TestRoundTripCompressions(t *testing.T) {
	for _, name := range []string{"docs.jsonl", "docs.jsonl.gz", "docs.jsonl.zst"} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), name)
			w, err := Create(path)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range sampleDocs() {
				if err := w.Write(d); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := os.Stat(path); !os.IsNotExist(err) {
				t.Fatalf("%s exists before Close: writes must be atomic", path)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			got := readAll(t, path)
			if !reflect.DeepEqual(got, sampleDocs()) {
				t.Errorf("round trip differs:\n got %+v\nwant %+v", got, sampleDocs())
			}
			entries, _ := os.ReadDir(filepath.Dir(path))
			if len(entries) != 1 {
				t.Errorf("temporary files left behind: %v", entries)
			}
		})
	}
}

func readAll(t *testing.T, path string) []*mill.Document {
	t.Helper()
	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var docs []*mill.Document
	for {
		d, err := r.Next()
		if err == io.EOF {
			return docs
		}
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, d)
	}
}

func TestSniffsCompressionWithoutExtension(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewWriter(&buf, Zstd)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(sampleDocs()[0])
	w.Close()
	r, err := NewReader(&buf, "<stdin>")
	if err != nil {
		t.Fatal(err)
	}
	d, err := r.Next()
	if err != nil || d.ID != "a" {
		t.Fatalf("got %v, %v", d, err)
	}
}

func TestMalformedLinesAreReportedAndSkipped(t *testing.T) {
	in := strings.Join([]string{
		`{"id":"1","text":"one"}`,
		`{"id":"2","text":`, // truncated
		``,                  // blank lines are ignored
		`[1,2,3]`,           // not an object
		`{"id":"3","text":42}`,
		`{"id":"4","text":"four"} trailing`,
		`{"id":"5","text":"five"}`,
	}, "\n")
	r, err := NewReader(strings.NewReader(in), "in.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	var badLines []int
	for {
		d, err := r.Next()
		if err == io.EOF {
			break
		}
		var le *LineError
		if errors.As(err, &le) {
			if le.File != "in.jsonl" || !strings.Contains(le.Error(), "in.jsonl:") {
				t.Errorf("error does not name the file: %v", le)
			}
			badLines = append(badLines, le.Line)
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, d.ID)
	}
	if want := []string{"1", "5"}; !reflect.DeepEqual(ids, want) {
		t.Errorf("ids = %v, want %v", ids, want)
	}
	if want := []int{2, 4, 5, 6}; !reflect.DeepEqual(badLines, want) {
		t.Errorf("bad lines = %v, want %v", badLines, want)
	}
}

func TestLinesOfAnyLength(t *testing.T) {
	long := strings.Repeat("x", 5<<20) // far beyond the 64 KiB buffer
	var buf bytes.Buffer
	w, _ := NewWriter(&buf, None)
	w.Write(&mill.Document{ID: "long", Text: long})
	w.Write(&mill.Document{ID: "short", Text: "s"})
	w.Close()
	r, _ := NewReader(&buf, "long.jsonl")
	d, err := r.Next()
	if err != nil || d.Text != long {
		t.Fatalf("long line: err %v, len %d", err, len(d.Text))
	}
	if d, err = r.Next(); err != nil || d.ID != "short" {
		t.Fatalf("after long line: %v %v", d, err)
	}
}

func TestMissingIDIsStable(t *testing.T) {
	read := func() string {
		r, _ := NewReader(strings.NewReader(`{"text":"no id"}`), "x.jsonl")
		d, err := r.Next()
		if err != nil {
			t.Fatal(err)
		}
		return d.ID
	}
	if a, b := read(), read(); a == "" || a != b {
		t.Errorf("ids %q and %q: want equal and non-empty", a, b)
	}
}

func TestCorruptCompressedStream(t *testing.T) {
	var buf bytes.Buffer
	w, _ := NewWriter(&buf, Gzip)
	for i := 0; i < 1000; i++ {
		w.Write(sampleDocs()[0])
	}
	w.Close()
	data := buf.Bytes()[:buf.Len()/2] // truncated
	r, err := NewReader(bytes.NewReader(data), "cut.jsonl.gz")
	if err != nil {
		t.Fatal(err)
	}
	var n int
	for {
		_, err := r.Next()
		if err == io.EOF {
			t.Fatal("a truncated gzip stream must not look like a clean end")
		}
		if err != nil {
			if !strings.Contains(err.Error(), "cut.jsonl.gz") {
				t.Errorf("error does not name the file: %v", err)
			}
			break
		}
		n++
	}
	if n == 0 {
		t.Error("documents before the cut were lost")
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"id":"1","text":"x","meta":{"a":1.5}}`))
	f.Add([]byte(`{"tokens":[1,2,-3]}`))
	f.Add([]byte(`{`))
	f.Fuzz(func(t *testing.T, line []byte) {
		d, err := Decode(line)
		if err != nil {
			return
		}
		var buf bytes.Buffer
		w, _ := NewWriter(&buf, None)
		if err := w.Write(d); err != nil {
			return // e.g. NaN cannot be written; reading it was the point
		}
		w.Close()
		again, err := Decode(bytes.TrimSpace(buf.Bytes()))
		if err != nil {
			t.Fatalf("re-reading written document: %v\n%s", err, buf.Bytes())
		}
		if again.ID != d.ID || again.Text != d.Text {
			t.Fatalf("round trip changed the document")
		}
	})
}

func BenchmarkReader(b *testing.B) {
	var buf bytes.Buffer
	w, _ := NewWriter(&buf, None)
	text := strings.Repeat("It was a bright cold day in April, and the clocks were striking. ", 60)
	for i := 0; i < 1000; i++ {
		w.Write(&mill.Document{ID: "x", Text: text, Meta: map[string]any{"n": json.Number("1")}})
	}
	w.Close()
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		r, _ := NewReader(bytes.NewReader(data), "bench")
		for {
			if _, err := r.Next(); err != nil {
				break
			}
		}
	}
}

// FuzzFastDecode checks that the reflection-free decoder agrees with
// encoding/json whenever it accepts a line.
func FuzzFastDecode(f *testing.F) {
	for _, s := range []string{
		`{"id":"1","text":"plain","source":"web","url":"u","tokens":[1,-2,3]}`,
		`{"text":"esc \" \\ \/ \n \t \u00e9 \ud83d\ude00 \ud800","meta":{"a":[1,{"b":"}"}]},"x":null}`,
		`{"id":null,"tokens":null,"meta":null}`, `{"tokens":[01]}`, `{"tokens":[1.5]}`,
		`{"tokens":[2147483648]}`, `{"text":"\xff"}`, `{"extra":{"a":"b"} , "text" : "t" }`,
		`{"meta":[1]}`, `{}`, `{"text":"a"} x`, `{"meta":{"a":1},"meta":{"b":2}}`,
		`{"text":"a","text":null}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		fast, ok := decodeFast(line)
		if !ok {
			return
		}
		var w wireDoc
		if err := json.Unmarshal(line, &w); err != nil {
			t.Fatalf("fast path accepted %q, encoding/json: %v", line, err)
		}
		slow := &mill.Document{ID: w.ID, Text: w.Text, Source: w.Source, URL: w.URL,
			Tokens: w.Tokens}
		if len(w.Meta) > 0 && string(w.Meta) != "null" {
			dec := json.NewDecoder(bytes.NewReader(w.Meta))
			dec.UseNumber()
			if err := dec.Decode(&slow.Meta); err != nil {
				t.Fatalf("fast path accepted meta of %q: %v", line, err)
			}
		}
		if !reflect.DeepEqual(fast, slow) {
			t.Fatalf("%q:\nfast %+v\nslow %+v", line, fast, slow)
		}
	})
}

// FuzzAppendDoc checks the reflection-free writer against encoding/json.
func FuzzAppendDoc(f *testing.F) {
	f.Add("id", "text \u2028 \x00 \xff é \"q\" <b>&", "web", "u", "k", "v", int32(5))
	f.Add("", "", "", "", "", "", int32(0))
	f.Fuzz(func(t *testing.T, id, text, source, url, mk, mv string, tok int32) {
		d := &mill.Document{ID: id, Text: text, Source: source, URL: url}
		if mk != "" {
			d.Meta = map[string]any{mk: mv, "n": json.Number("12")}
		}
		if tok != 0 {
			d.Tokens = []int32{tok, -tok, 0}
		}
		got, err := appendDoc(nil, d)
		if err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(d); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want.Bytes()) {
			t.Fatalf("\n got %s\nwant %s", got, want.Bytes())
		}
	})
}

func BenchmarkWriter(b *testing.B) {
	text := strings.Repeat("It was a bright cold day in April, and the clocks were striking. ", 60)
	toks := make([]int32, 900)
	for i := range toks {
		toks[i] = int32(i * 37)
	}
	d := &mill.Document{ID: "x", Text: text, Source: "web", Tokens: toks}
	b.SetBytes(int64(len(text)))
	w, _ := NewWriter(io.Discard, None)
	for b.Loop() {
		w.Write(d)
	}
}

// BenchmarkWriterEncodingJSON is the baseline: encoding/json's Encoder, which
// the writer used before appendDoc.
func BenchmarkWriterEncodingJSON(b *testing.B) {
	text := strings.Repeat("It was a bright cold day in April, and the clocks were striking. ", 60)
	toks := make([]int32, 900)
	for i := range toks {
		toks[i] = int32(i * 37)
	}
	d := &mill.Document{ID: "x", Text: text, Source: "web", Tokens: toks}
	b.SetBytes(int64(len(text)))
	enc := json.NewEncoder(io.Discard)
	enc.SetEscapeHTML(false)
	for b.Loop() {
		enc.Encode(d)
	}
}
