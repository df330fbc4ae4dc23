package pipelines

import (
	"fmt"
	"sort"

	"github.com/tokenmill/tokenmill/clean"
	"github.com/tokenmill/tokenmill/crawl"
	"github.com/tokenmill/tokenmill/dedup"
	"github.com/tokenmill/tokenmill/mill"
	"github.com/tokenmill/tokenmill/shard"
	"github.com/tokenmill/tokenmill/tokenize"
)

// componentSets lists every package's component declarations. A new stage
// package adds its Specs function here and nowhere else.
var componentSets = []func() []mill.Spec{
	ownSpecs,
	crawl.Specs,
	clean.Specs,
	dedup.Specs,
	tokenize.Specs,
	shard.Specs,
}

var registry = map[mill.Role]map[string]*mill.Spec{}

func init() {
	for _, set := range componentSets {
		for _, s := range set() {
			s := s
			if registry[s.Role] == nil {
				registry[s.Role] = map[string]*mill.Spec{}
			}
			if _, dup := registry[s.Role][s.Name]; dup {
				panic(fmt.Sprintf("pipelines: %s %q declared twice", s.Role, s.Name))
			}
			registry[s.Role][s.Name] = &s
		}
	}
}

// Lookup returns the declaration of the named component of a role, or nil.
func Lookup(role mill.Role, name string) *mill.Spec { return registry[role][name] }

// Names lists the component names of a role, sorted.
func Names(role mill.Role) []string {
	var names []string
	for n := range registry[role] {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Specs returns every registered component, sorted by role and name.
func Specs() []*mill.Spec {
	var out []*mill.Spec
	for _, role := range []mill.Role{mill.RoleSource, mill.RoleStage, mill.RoleSink} {
		for _, n := range Names(role) {
			out = append(out, registry[role][n])
		}
	}
	return out
}
