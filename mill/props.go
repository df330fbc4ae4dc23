package mill

import (
	"maps"
	"sync"
)

// Props are run-wide facts that one component states and another reads, such
// as the tokenizer's encoding, which the tokenize stage sets when it is built
// and the shard sink records in its manifest. Keys are dotted names
// ("tokenizer.encoding"). A Props is safe for concurrent use; the zero value
// is ready.
type Props struct {
	mu sync.Mutex
	m  map[string]string
}

// Set records key = value.
func (p *Props) Set(key, value string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.m == nil {
		p.m = map[string]string{}
	}
	p.m[key] = value
}

// Get returns the value of key, or "".
func (p *Props) Get(key string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.m[key]
}

// All returns a copy of every property.
func (p *Props) All() map[string]string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return maps.Clone(p.m)
}
