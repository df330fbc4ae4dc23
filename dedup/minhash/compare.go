package minhash

// Compact is a signature reduced to 16 bits per value, the form an index
// keeps in memory for estimating similarity: two unequal values agree by
// chance with probability 2^-16, which Similarity corrects for.
type Compact []uint16

// Compress reduces sig to its compact form, reusing dst.
func Compress(dst Compact, sig []uint64) Compact {
	dst = dst[:0]
	for _, v := range sig {
		dst = append(dst, uint16((v*0x9E3779B97F4A7C15)>>48))
	}
	return dst
}

// Similarity estimates the Jaccard similarity of the documents behind two
// compact signatures of equal length.
func Similarity(x, y Compact) float64 {
	if len(x) == 0 || len(x) != len(y) {
		return 0
	}
	y = y[:len(x)]
	eq := 0
	for i, v := range x {
		if v == y[i] {
			eq++
		}
	}
	const chance = 1.0 / 65536
	j := (float64(eq)/float64(len(x)) - chance) / (1 - chance)
	return max(j, 0)
}

// BandKeys writes one 64-bit key per band into keys (length Bands): the
// hash of the band's rows and of its number, so that keys of all bands can
// share one table.
func (p Params) BandKeys(sig []uint64, keys []uint64) {
	for band := 0; band < p.Bands; band++ {
		h := uint64(fnvOffset) ^ uint64(band)*0x9E3779B97F4A7C15
		for _, v := range sig[band*p.Rows : (band+1)*p.Rows] {
			h = mix64(h ^ v)
		}
		keys[band] = h
	}
}
