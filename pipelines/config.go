package pipelines

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/tokenmill/tokenmill/mill"
)

// Config is a decoded pipeline file: its sources, its ordered stages and
// its output, each a component with validated options.
type Config struct {
	// File is the path the configuration was read from, for messages.
	File    string
	Name    string
	Workers int
	Buffer  int
	Sources []Component
	Stages  []Component
	Output  Component
}

// Component is one configured source, stage or sink.
type Component struct {
	Spec    *mill.Spec
	Config  mill.Config
	Workers int // stages only; 0 means the pipeline default
	// Path is the component's key path, such as "stages[2]".
	Path string
	node *yaml.Node
}

// ConfigError is a problem in a pipeline file, with its position.
type ConfigError struct {
	File      string
	Line, Col int
	// Path is the key path, such as "stages[1].min_chars".
	Path    string
	Msg     string
	Choices []string
}

func (e *ConfigError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s:%d:%d: ", e.File, e.Line, e.Col)
	if e.Path != "" {
		b.WriteString(e.Path + ": ")
	}
	b.WriteString(e.Msg)
	if len(e.Choices) > 0 {
		b.WriteString(" (valid: " + strings.Join(e.Choices, ", ") + ")")
	}
	return b.String()
}

// topKeys are the keys a pipeline file may have at its top level.
var topKeys = []string{"buffer", "name", "output", "sources", "stages", "workers"}

// LoadFile reads and validates the pipeline file at path.
func LoadFile(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading pipeline: %w", err)
	}
	return Parse(data, path)
}

// Parse decodes and validates a pipeline. Decoding is strict: unknown keys,
// wrong types and bad values are ConfigErrors naming the position, the key
// path and the valid choices.
func Parse(data []byte, file string) (*Config, error) {
	var root yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&root); err != nil {
		return nil, yamlSyntaxError(file, err)
	}
	c := &Config{File: file}
	p := &parser{file: file}
	if len(root.Content) == 0 {
		return nil, &ConfigError{File: file, Line: 1, Col: 1, Msg: "empty pipeline"}
	}
	top := root.Content[0]
	if top.Kind != yaml.MappingNode {
		return nil, p.errf(top, "", "a pipeline is a mapping with keys %s",
			strings.Join(topKeys, ", "))
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(top.Content); i += 2 {
		k, v := top.Content[i], top.Content[i+1]
		if seen[k.Value] {
			return nil, p.errf(k, k.Value, "duplicate key")
		}
		seen[k.Value] = true
		var err error
		switch k.Value {
		case "name":
			c.Name, err = p.scalar(v, "name")
		case "workers":
			c.Workers, err = p.intValue(v, "workers", 1)
		case "buffer":
			c.Buffer, err = p.intValue(v, "buffer", 1)
		case "sources":
			c.Sources, err = p.list(v, "sources", mill.RoleSource)
		case "stages":
			c.Stages, err = p.list(v, "stages", mill.RoleStage)
		case "output":
			var out Component
			out, err = p.component(v, "output", mill.RoleSink)
			c.Output = out
		default:
			err = &ConfigError{File: file, Line: k.Line, Col: k.Column, Path: k.Value,
				Msg: "unknown key", Choices: topKeys}
		}
		if err != nil {
			return nil, err
		}
	}
	switch {
	case len(c.Sources) == 0:
		return nil, p.errf(top, "sources", "a pipeline needs at least one source")
	case c.Output.Spec == nil:
		return nil, p.errf(top, "output", "a pipeline needs an output")
	}
	return c, nil
}

func yamlSyntaxError(file string, err error) error {
	// yaml.v3 reports "yaml: line N: msg"; keep its line as our position.
	msg := err.Error()
	line := 1
	if rest, ok := strings.CutPrefix(msg, "yaml: line "); ok {
		if n, after, ok := strings.Cut(rest, ":"); ok {
			if v, convErr := strconv.Atoi(n); convErr == nil {
				line, msg = v, strings.TrimSpace(after)
			}
		}
	}
	return &ConfigError{File: file, Line: line, Col: 1, Msg: "invalid YAML: " + msg}
}

type parser struct{ file string }

func (p *parser) errf(n *yaml.Node, path, format string, args ...any) *ConfigError {
	return &ConfigError{File: p.file, Line: n.Line, Col: n.Column, Path: path,
		Msg: fmt.Sprintf(format, args...)}
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	return "a scalar"
}

func (p *parser) scalar(n *yaml.Node, path string) (string, error) {
	if n.Kind != yaml.ScalarNode {
		return "", p.errf(n, path, "expected a single value, got %s", kindName(n))
	}
	return n.Value, nil
}

func (p *parser) intValue(n *yaml.Node, path string, min int) (int, error) {
	s, err := p.scalar(n, path)
	if err != nil {
		return 0, err
	}
	v, convErr := strconv.Atoi(s)
	if convErr != nil || v < min {
		return 0, p.errf(n, path, "%q is not an integer ≥ %d", s, min)
	}
	return v, nil
}

func (p *parser) list(n *yaml.Node, path string, role mill.Role) ([]Component, error) {
	if n.Kind != yaml.SequenceNode {
		return nil, p.errf(n, path, "expected a list of components, got %s", kindName(n))
	}
	var out []Component
	for i, item := range n.Content {
		c, err := p.component(item, fmt.Sprintf("%s[%d]", path, i), role)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// component decodes a component: either a bare name ("- dedup") or a
// mapping with `kind` and the component's options.
func (p *parser) component(n *yaml.Node, path string, role mill.Role) (Component, error) {
	c := Component{Path: path, node: n}
	choices := Names(role)
	lookup := func(kn *yaml.Node, name string) (*mill.Spec, error) {
		s := Lookup(role, name)
		if s == nil {
			e := p.errf(kn, path+".kind", "unknown %s %q", role, name)
			e.Choices = choices
			return nil, e
		}
		return s, nil
	}
	if n.Kind == yaml.ScalarNode {
		s, err := lookup(n, n.Value)
		if err != nil {
			return c, err
		}
		c.Spec = s
		c.Config, err = mill.NewConfig(s, nil)
		if err != nil {
			return c, p.valueError(n, path, err)
		}
		return c, nil
	}
	if n.Kind != yaml.MappingNode {
		return c, p.errf(n, path, "expected a mapping with a kind, got %s", kindName(n))
	}
	var kindNode *yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == "kind" {
			kindNode = n.Content[i+1]
		}
	}
	if kindNode == nil {
		e := p.errf(n, path, "missing key kind")
		e.Choices = choices
		return c, e
	}
	name, err := p.scalar(kindNode, path+".kind")
	if err != nil {
		return c, err
	}
	if c.Spec, err = lookup(kindNode, name); err != nil {
		return c, err
	}
	values := map[string]any{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		kp := path + "." + k.Value
		switch {
		case k.Value == "kind":
			continue
		case k.Value == "workers" && role == mill.RoleStage:
			if c.Workers, err = p.intValue(v, kp, 1); err != nil {
				return c, err
			}
			if c.Workers > 1 && !c.Spec.Parallel {
				return c, p.errf(v, kp, "%s is stateful and runs on one worker", name)
			}
			continue
		}
		if _, dup := values[k.Value]; dup {
			return c, p.errf(k, kp, "duplicate key")
		}
		o := c.Spec.Option(k.Value)
		if o == nil {
			e := p.errf(k, kp, "unknown option of %s %s", role, name)
			e.Choices = c.Spec.OptionNames()
			if role == mill.RoleStage {
				e.Choices = append(e.Choices, "workers")
			}
			return c, e
		}
		val, err := p.optionValue(o, v, kp)
		if err != nil {
			return c, err
		}
		values[k.Value] = val
	}
	c.Config, err = mill.NewConfig(c.Spec, values)
	if err != nil {
		return c, p.valueError(n, path, err)
	}
	return c, nil
}

func (p *parser) optionValue(o *mill.Option, v *yaml.Node, path string) (any, error) {
	if o.Kind == mill.Strings && v.Kind == yaml.SequenceNode {
		var list []string
		for _, item := range v.Content {
			s, err := p.scalar(item, path)
			if err != nil {
				return nil, err
			}
			list = append(list, s)
		}
		if err := o.Check(list); err != nil {
			return nil, p.valueError(v, path, err)
		}
		return list, nil
	}
	s, err := p.scalar(v, path)
	if err != nil {
		if o.Kind == mill.Strings {
			err = p.errf(v, path, "expected a list of strings, got %s", kindName(v))
		}
		return nil, err
	}
	val, err := o.Parse(s)
	if err != nil {
		return nil, p.valueError(v, path, err)
	}
	return val, nil
}

// valueError places a mill.ValueError at node n (or at the named key's value
// when n is the component's mapping and holds that key).
func (p *parser) valueError(n *yaml.Node, path string, err error) error {
	var ve *mill.ValueError
	if !errors.As(err, &ve) {
		return p.errf(n, path, "%v", err)
	}
	at, kp := n, path
	if n.Kind == yaml.MappingNode {
		kp = path + "." + ve.Key
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == ve.Key {
				at = n.Content[i+1]
			}
		}
	}
	e := p.errf(at, kp, "%s", strings.TrimPrefix(ve.Msg, ve.Key+": "))
	e.Choices = ve.Choices
	return e
}

// PositionOf returns a ConfigError at the component's option key (or the
// component itself) for err, which a constructor returned; errors that are
// not ValueErrors keep their text.
func (c *Config) PositionOf(comp Component, err error) error {
	p := &parser{file: c.File}
	if comp.node == nil {
		return fmt.Errorf("%s: %w", comp.Path, err)
	}
	return p.valueError(comp.node, comp.Path, err)
}
