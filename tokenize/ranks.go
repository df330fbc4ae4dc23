package tokenize

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"os"

	"github.com/pkoukk/tiktoken-go-loader/assets"
)

// vocab is a parsed rank file: token bytes by rank (nil where a rank is
// unused) and the number of ranks present.
type vocab struct {
	bytesOf [][]byte
	count   int
}

// readRanks parses a rank file in tiktoken's format: one token per line,
// its bytes in standard base64, a space, and its rank (a decimal id).
// name is used in errors.
func readRanks(r io.Reader, name string) (*vocab, error) {
	v := &vocab{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	line := 0
	seen := map[string]int{}
	for sc.Scan() {
		line++
		b := sc.Bytes()
		if len(bytes.TrimSpace(b)) == 0 {
			continue
		}
		sp := bytes.IndexByte(b, ' ')
		if sp < 0 {
			return nil, fmt.Errorf("rank file %s:%d: want \"<base64> <rank>\", got %q",
				name, line, clip(b))
		}
		tok := make([]byte, base64.StdEncoding.DecodedLen(sp))
		n, err := base64.StdEncoding.Decode(tok, b[:sp])
		if err != nil {
			return nil, fmt.Errorf("rank file %s:%d: token is not base64: %w", name, line, err)
		}
		tok = tok[:n]
		rank, ok := parseRank(bytes.TrimSpace(b[sp+1:]))
		if !ok {
			return nil, fmt.Errorf("rank file %s:%d: rank %q is not a non-negative integer "+
				"below 2^31", name, line, clip(b[sp+1:]))
		}
		if len(tok) == 0 {
			return nil, fmt.Errorf("rank file %s:%d: empty token", name, line)
		}
		if prev, dup := seen[string(tok)]; dup {
			return nil, fmt.Errorf("rank file %s:%d: token %q already has rank %d",
				name, line, tok, prev)
		}
		seen[string(tok)] = rank
		for len(v.bytesOf) <= rank {
			v.bytesOf = append(v.bytesOf, nil)
		}
		if v.bytesOf[rank] != nil {
			return nil, fmt.Errorf("rank file %s:%d: rank %d is used twice", name, line, rank)
		}
		v.bytesOf[rank] = tok
		v.count++
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading rank file %s: %w", name, err)
	}
	if v.count == 0 {
		return nil, fmt.Errorf("rank file %s holds no tokens", name)
	}
	// Byte-pair merging must be able to fall back to single bytes.
	for c := 0; c < 256; c++ {
		if _, ok := seen[string([]byte{byte(c)})]; !ok {
			return nil, fmt.Errorf("rank file %s: no token for the single byte 0x%02x "+
				"(a byte-level BPE vocabulary has all 256)", name, c)
		}
	}
	return v, nil
}

// parseRank reads a decimal rank below 2^31.
func parseRank(b []byte) (int, bool) {
	if len(b) == 0 || len(b) > 10 {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, n < 1<<31-1
}

// clip shortens b for an error message.
func clip(b []byte) []byte {
	if len(b) > 60 {
		return b[:60]
	}
	return b
}

// openRanks returns the reader of a definition's rank file: the user's file
// if RankFile is set, else the preset's embedded asset.
func openRanks(d *Definition) (io.ReadCloser, string, error) {
	if d.RankFile != "" {
		f, err := os.Open(d.RankFile)
		if err != nil {
			return nil, "", fmt.Errorf("opening rank file of %s: %w", d.Name, err)
		}
		return f, d.RankFile, nil
	}
	if d.asset == "" {
		return nil, "", fmt.Errorf("encoding %s needs a rank file (tiktoken format; "+
			"set rank_file): its vocabulary is not shipped with tokenmill", d.Name)
	}
	f, err := assets.Assets.Open(d.asset)
	if err != nil {
		return nil, "", fmt.Errorf("opening embedded rank file %s: %w", d.asset, err)
	}
	return f, d.asset, nil
}
