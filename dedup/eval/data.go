package eval

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// ErrNoData is returned (wrapped) when the shared data directory is absent.
var ErrNoData = errors.New("shared test data not found")

// DataDir returns $TOKENMILL_DATA, or ../shared/data next to the root of the
// repository that contains the working directory.
func DataDir() (string, error) {
	dir := os.Getenv("TOKENMILL_DATA")
	if dir == "" {
		wd, err := os.Getwd()
		if err != nil {
			return "", err
		}
		for d := wd; ; d = filepath.Dir(d) {
			if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
				dir = filepath.Join(d, "..", "shared", "data")
				break
			}
			if filepath.Dir(d) == d {
				return "", fmt.Errorf("%w: no go.mod above %s (set TOKENMILL_DATA)", ErrNoData, wd)
			}
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "books")); err != nil {
		return "", fmt.Errorf("%w at %s (set TOKENMILL_DATA): %v", ErrNoData, dir, err)
	}
	return dir, nil
}

// readText reads a plain-text book: UTF-8 (a byte-order mark is removed) or,
// when the bytes are not valid UTF-8, Windows-1252.
func readText(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(b) {
		if b, err = charmap.Windows1252.NewDecoder().Bytes(b); err != nil {
			return "", fmt.Errorf("decoding %s as Windows-1252: %w", path, err)
		}
	}
	return strings.ReplaceAll(string(b), "\r\n", "\n"), nil
}

// Books returns the texts of the modern UTF-8 Gutenberg books, by file
// name, for building passages.
func Books(dataDir string) (map[string]string, error) {
	dir := filepath.Join(dataDir, "books", "gutenberg-txt", "modern-utf8")
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	books := map[string]string{}
	for _, e := range entries {
		t, err := readText(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		books[e.Name()] = stripGutenberg(t)
	}
	return books, nil
}

// stripGutenberg keeps the text between the "*** START OF" and "*** END OF"
// lines when both are present.
func stripGutenberg(t string) string {
	if i := strings.Index(t, "*** START OF"); i >= 0 {
		if j := strings.IndexByte(t[i:], '\n'); j >= 0 {
			t = t[i+j+1:]
		}
	}
	if i := strings.Index(t, "*** END OF"); i >= 0 {
		t = t[:i]
	}
	return t
}
