package main

import (
	"fmt"
	"io"
	"time"
)

// progressPrinter draws a one-line progress display on a terminal:
// documents and bytes read, and their rates.
func progressPrinter(w io.Writer) (update func(docs, bytes int64, elapsed time.Duration),
	done func()) {
	update = func(docs, bytes int64, elapsed time.Duration) {
		secs := elapsed.Seconds()
		if secs <= 0 {
			secs = 1e-9
		}
		fmt.Fprintf(w, "\r\033[K  read %s docs · %.1f MB · %s docs/s · %.1f MB/s · %s",
			group(docs), float64(bytes)/1e6, group(int64(float64(docs)/secs)),
			float64(bytes)/1e6/secs, elapsed.Round(time.Second))
	}
	done = func() { fmt.Fprint(w, "\r\033[K") }
	return update, done
}

// group writes n with thousands separators.
func group(n int64) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + group(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
