package shard

// packer cuts a stream of documents' tokens into windows of a fixed length.
// carry holds the tokens of the window being filled and starts the offsets
// in it where a document begins.
type packer struct {
	carry  []int32
	starts []int32
}

// emitFunc receives one full window: its ids, the offsets where documents
// start, and how many trailing ids are padding.
type emitFunc func(ids, starts []int32, pad int32) error

// feed appends one document's tokens (and eot after them when addEOT) and
// emits every window of n tokens that fills.
func (p *packer) feed(toks []int32, addEOT bool, eot int32, n int, emit emitFunc) error {
	p.starts = append(p.starts, int32(len(p.carry)))
	put := func(ids []int32) error {
		for len(ids) > 0 {
			room := n - len(p.carry)
			k := min(room, len(ids))
			p.carry = append(p.carry, ids[:k]...)
			ids = ids[k:]
			if len(p.carry) == n {
				if err := emit(p.carry, p.starts, 0); err != nil {
					return err
				}
				p.carry, p.starts = p.carry[:0], p.starts[:0]
			}
		}
		return nil
	}
	if err := put(toks); err != nil {
		return err
	}
	if addEOT {
		return put([]int32{eot})
	}
	return nil
}

// flush emits the partial window, padded to n with pad.
func (p *packer) flush(pad int32, n int, emit emitFunc) error {
	if len(p.carry) == 0 {
		return nil
	}
	k := n - len(p.carry)
	for range k {
		p.carry = append(p.carry, pad)
	}
	err := emit(p.carry, p.starts, int32(k))
	p.carry, p.starts = p.carry[:0], p.starts[:0]
	return err
}
