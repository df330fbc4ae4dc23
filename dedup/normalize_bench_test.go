package dedup

import (
	"os"
	"path/filepath"
	"testing"
)

func BenchmarkExactKey(b *testing.B) {
	dir := os.Getenv("TOKENMILL_DATA")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared", "data")
	}
	text, err := os.ReadFile(filepath.Join(dir, "books", "gutenberg-txt", "modern-utf8",
		"pg1342.txt"))
	if err != nil {
		b.Skip(err)
	}
	h := NewExactHasher()
	b.SetBytes(int64(len(text)))
	s := string(text)
	for b.Loop() {
		h.Key(s)
	}
}
