package crawl

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// errLZ4 marks a damaged LZ4 stream.
var errLZ4 = errors.New("corrupt lz4 stream")

// lz4Reader decodes concatenated LZ4 frames (the format of `lz4` and of
// FastWARC's .warc.lz4 files, one frame per record). Checksums are not
// verified; a damaged stream ends the file with an error.
type lz4Reader struct {
	r     *bufio.Reader
	hist  []byte // decoded output: the last 64 KiB, then the pending part
	next  int    // start of the not yet returned part of hist
	inFr  bool   // inside a frame
	indep bool   // blocks do not reference earlier blocks
	bsum  bool   // blocks carry a checksum
	csum  bool   // the frame ends with a content checksum
	block []byte
}

func newLZ4Reader(r io.Reader) *lz4Reader {
	return &lz4Reader{r: bufio.NewReaderSize(r, 64<<10)}
}

const lz4Window = 64 << 10

func (z *lz4Reader) Read(p []byte) (int, error) {
	for z.next == len(z.hist) {
		if err := z.fill(); err != nil {
			return 0, err
		}
	}
	n := copy(p, z.hist[z.next:])
	z.next += n
	return n, nil
}

// fill decodes the next block, starting a frame when needed.
func (z *lz4Reader) fill() error {
	if len(z.hist) > 2*lz4Window {
		keep := z.hist[len(z.hist)-lz4Window:]
		z.hist = append(z.hist[:0], keep...)
		z.next = len(z.hist)
	}
	if !z.inFr {
		if err := z.frameHeader(); err != nil {
			return err
		}
		if !z.inFr {
			return nil // a skippable frame
		}
	}
	var hdr [4]byte
	if _, err := io.ReadFull(z.r, hdr[:]); err != nil {
		return fmt.Errorf("%w: %v", errLZ4, unexpected(err))
	}
	size := binary.LittleEndian.Uint32(hdr[:])
	if size == 0 { // end mark
		z.inFr = false
		if z.csum {
			if _, err := z.r.Discard(4); err != nil {
				return fmt.Errorf("%w: %v", errLZ4, unexpected(err))
			}
		}
		return nil
	}
	raw := size&(1<<31) != 0
	size &^= 1 << 31
	if size > 4<<20 {
		return fmt.Errorf("%w: block of %d bytes", errLZ4, size)
	}
	if cap(z.block) < int(size) {
		z.block = make([]byte, size)
	}
	z.block = z.block[:size]
	if _, err := io.ReadFull(z.r, z.block); err != nil {
		return fmt.Errorf("%w: %v", errLZ4, unexpected(err))
	}
	if z.bsum {
		if _, err := z.r.Discard(4); err != nil {
			return fmt.Errorf("%w: %v", errLZ4, unexpected(err))
		}
	}
	if z.indep {
		z.hist, z.next = z.hist[:0], 0
	}
	if raw {
		z.hist = append(z.hist, z.block...)
		return nil
	}
	out, err := lz4Block(z.hist, z.block)
	if err != nil {
		return err
	}
	z.hist = out
	return nil
}

func unexpected(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

func (z *lz4Reader) frameHeader() error {
	var magic [4]byte
	if _, err := io.ReadFull(z.r, magic[:]); err != nil {
		if errors.Is(err, io.EOF) {
			return io.EOF
		}
		return fmt.Errorf("%w: %v", errLZ4, unexpected(err))
	}
	m := binary.LittleEndian.Uint32(magic[:])
	if m&0xfffffff0 == 0x184d2a50 { // skippable frame
		var n [4]byte
		if _, err := io.ReadFull(z.r, n[:]); err != nil {
			return fmt.Errorf("%w: %v", errLZ4, unexpected(err))
		}
		_, err := z.r.Discard(int(binary.LittleEndian.Uint32(n[:])))
		if err != nil {
			return fmt.Errorf("%w: %v", errLZ4, unexpected(err))
		}
		return nil
	}
	if m != 0x184d2204 {
		return fmt.Errorf("%w: bad frame magic %08x", errLZ4, m)
	}
	flg, err := z.r.ReadByte()
	if err != nil {
		return fmt.Errorf("%w: %v", errLZ4, unexpected(err))
	}
	if flg>>6 != 1 {
		return fmt.Errorf("%w: frame version %d", errLZ4, flg>>6)
	}
	z.indep, z.bsum, z.csum = flg&0x20 != 0, flg&0x10 != 0, flg&0x04 != 0
	skip := 2 // BD and the header checksum
	if flg&0x08 != 0 {
		skip += 8 // content size
	}
	if flg&0x01 != 0 {
		skip += 4 // dictionary id
	}
	if _, err := z.r.Discard(skip); err != nil {
		return fmt.Errorf("%w: %v", errLZ4, unexpected(err))
	}
	z.inFr = true
	z.hist, z.next = z.hist[:0], 0
	return nil
}

// lz4Block appends the decoding of one LZ4 block to dst, whose content is
// the history matches may reach back into.
func lz4Block(dst, src []byte) ([]byte, error) {
	i := 0
	for i < len(src) {
		token := src[i]
		i++
		lit := int(token >> 4)
		if lit == 15 {
			for {
				if i >= len(src) {
					return nil, fmt.Errorf("%w: literal length runs past the block", errLZ4)
				}
				b := src[i]
				i++
				lit += int(b)
				if b != 255 {
					break
				}
			}
		}
		if lit > len(src)-i {
			return nil, fmt.Errorf("%w: literals run past the block", errLZ4)
		}
		dst = append(dst, src[i:i+lit]...)
		i += lit
		if i == len(src) {
			return dst, nil // the last sequence has no match
		}
		if i+2 > len(src) {
			return nil, fmt.Errorf("%w: match offset cut", errLZ4)
		}
		off := int(src[i]) | int(src[i+1])<<8
		i += 2
		ml := int(token & 15)
		if ml == 15 {
			for {
				if i >= len(src) {
					return nil, fmt.Errorf("%w: match length runs past the block", errLZ4)
				}
				b := src[i]
				i++
				ml += int(b)
				if b != 255 {
					break
				}
			}
		}
		ml += 4
		if off == 0 || off > len(dst) {
			return nil, fmt.Errorf("%w: match offset %d outside the window", errLZ4, off)
		}
		start := len(dst) - off
		for ml > 0 { // an overlapping match repeats the last off bytes
			n := min(ml, off)
			dst = append(dst, dst[start:start+n]...)
			start += n
			ml -= n
		}
	}
	return dst, nil
}
