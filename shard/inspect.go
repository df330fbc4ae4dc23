package shard

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// FindManifest returns the manifest of the directory that holds the shard
// file at path (looking in the file's directory and, for split
// directories, its parent), or nil when there is none.
func FindManifest(path string) *Manifest {
	dir := filepath.Dir(path)
	for _, d := range []string{dir, filepath.Dir(dir)} {
		m, err := ReadManifest(d)
		if err == nil {
			return m
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil
		}
	}
	return nil
}

// InspectOptions tune Inspect.
type InspectOptions struct {
	// Rows is how many rows to print (default 5; negative prints none).
	Rows int
	// Decoder, when set, prints tokens decoded back to text.
	Decoder Decoder
	// Width cuts long texts and token lists to about this many characters
	// (default 400; 0 keeps the default, negative prints them whole).
	Width int
}

// Inspect prints a shard file's schema, its row, batch and token counts,
// and its first rows.
func Inspect(w io.Writer, path string, opt InspectOptions) error {
	if opt.Rows == 0 {
		opt.Rows = 5
	}
	if opt.Width == 0 {
		opt.Width = 400
	}
	sr, err := OpenShard(path)
	if err != nil {
		return err
	}
	defer sr.Close()
	fmt.Fprintf(w, "shard   %s\nlayout  %s\nschema\n", path, sr.Layout)
	for _, f := range sr.Schema().Fields() {
		fmt.Fprintf(w, "  %-12s %s\n", f.Name, f.Type)
	}
	if md := sr.Schema().Metadata(); md.Len() > 0 {
		fmt.Fprintf(w, "metadata keys %s\n", strings.Join(md.Keys(), ", "))
	}
	var rows, batches, tokens, pad int64
	var shown []Row
	for {
		batch, err := sr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		batches++
		for _, r := range batch {
			rows++
			tokens += int64(len(r.Tokens) - int(r.Pad))
			pad += int64(r.Pad)
			if len(shown) < opt.Rows {
				shown = append(shown, r)
			}
		}
	}
	fmt.Fprintf(w, "rows %d, record batches %d, tokens %d", rows, batches, tokens)
	if sr.Layout == LayoutPacked {
		fmt.Fprintf(w, ", padding %d", pad)
	}
	fmt.Fprintln(w)
	for i, r := range shown {
		fmt.Fprintf(w, "\n--- row %d\n", i)
		if sr.Layout == LayoutPacked {
			fmt.Fprintf(w, "doc_offsets %v\nn_pad       %d\n", r.Starts, r.Pad)
		} else {
			fmt.Fprintf(w, "id      %s\nsource  %s\nurl     %s\nmeta    %s\n", r.ID, r.Source,
				r.URL, r.Meta)
			fmt.Fprintf(w, "text    %s\n", cut(strconv.Quote(r.Text), opt.Width))
		}
		fmt.Fprintf(w, "tokens  (%d) %s\n", len(r.Tokens), cut(fmt.Sprint(r.Tokens), opt.Width))
		if opt.Decoder != nil {
			dec := opt.Decoder.Decode(r.Tokens[:len(r.Tokens)-int(r.Pad)])
			fmt.Fprintf(w, "decoded %s\n", cut(strconv.Quote(dec), opt.Width))
		}
	}
	return nil
}

// cut shortens s to about n bytes, saying how much was left out.
func cut(s string, n int) string {
	if n < 0 || len(s) <= n {
		return s
	}
	k := n
	for k > 0 && s[k]&0xC0 == 0x80 {
		k-- // do not split a UTF-8 sequence
	}
	return fmt.Sprintf("%s… (%d more bytes)", s[:k], len(s)-k)
}

// WriteText prints statistics as an aligned report for people.
func WriteText(w io.Writer, st *Stats) {
	for _, f := range figures(st) {
		fmt.Fprintf(w, "%-18s %s\n", f.Name, f.Value)
	}
	fmt.Fprintf(w, "\nlength in tokens   min %d, mean %.1f, max %d\n", st.Length.Min,
		st.Length.Mean, st.Length.Max)
	var qs []string
	for _, k := range []string{"p01", "p10", "p25", "p50", "p75", "p90", "p99"} {
		if v, ok := st.Length.Quantiles[k]; ok {
			qs = append(qs, fmt.Sprintf("%s %d", k, v))
		}
	}
	fmt.Fprintf(w, "quantiles          %s\n", strings.Join(qs, ", "))
	fmt.Fprintln(w, "histogram")
	var maxC int64
	for _, b := range st.Length.Histogram {
		maxC = max(maxC, b.Count)
	}
	for _, b := range st.Length.Histogram {
		bar := strings.Repeat("█", int(1+39*b.Count/max(maxC, 1)))
		fmt.Fprintf(w, "  %7d-%-7d %-40s %d\n", b.Lo, b.Hi-1, bar, b.Count)
	}
	if len(st.Sources) > 0 {
		fmt.Fprintln(w, "\nsource             documents        tokens    text bytes")
		for _, s := range st.Sources {
			fmt.Fprintf(w, "%-18s %9d %13d %13d\n", s.Source, s.Docs, s.Tokens, s.TextBytes)
		}
	}
	if len(st.Drops) > 0 {
		fmt.Fprintln(w, "\nstage              in         out        dropped")
		for _, d := range st.Drops {
			var rs []string
			for r, n := range d.Dropped {
				rs = append(rs, fmt.Sprintf("%s=%d", r, n))
			}
			sort.Strings(rs)
			fmt.Fprintf(w, "%-18s %-10d %-10d %s\n", d.Stage, d.In, d.Out, strings.Join(rs, " "))
		}
	}
	fmt.Fprintf(w, "\nend-of-text        %s\n", st.EOT.Verdict)
	fmt.Fprintln(w, "\nmost frequent tokens")
	for _, tc := range st.Vocab.Top {
		fmt.Fprintf(w, "  %8d %-24s %12d %6.2f%%\n", tc.ID, cut(strconv.Quote(tc.Text), 24),
			tc.Count, 100*tc.Share)
	}
}
