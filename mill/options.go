package mill

import (
	"fmt"
	"maps"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Kind is the type of an option's value.
type Kind string

// The option kinds. Size accepts a byte count with an optional unit
// ("512", "64KB", "500MB", "1GiB"); Duration accepts Go durations ("250ms",
// "2s"); Strings is a YAML list or, on the command line, a comma-separated
// list.
const (
	String   Kind = "string"
	Int      Kind = "int"
	Float    Kind = "float"
	Bool     Kind = "bool"
	Size     Kind = "size"
	Duration Kind = "duration"
	Strings  Kind = "strings"
)

// Option declares one setting of a component. The same declaration drives
// pipeline YAML validation, command-line flags and the reference printed by
// `tokenmill schema`.
type Option struct {
	Name string
	Kind Kind
	// Default is the value used when the option is absent, as a string in
	// the option's own syntax ("" for none).
	Default string
	// Choices, when set, lists the only valid values.
	Choices []string
	// Min and Max bound Int, Float and Size values when HasMin/HasMax.
	Min, Max       float64
	HasMin, HasMax bool
	// Required options have no default and must be given.
	Required bool
	Doc      string
}

// Role says where a component sits in a pipeline.
type Role string

// The component roles.
const (
	RoleSource Role = "source"
	RoleStage  Role = "stage"
	RoleSink   Role = "sink"
)

// Spec declares a component: its name, its options and how to build it.
// Exactly one of NewSource, NewProcessor and NewSink is set, matching Role.
type Spec struct {
	Name string
	Role Role
	Doc  string
	// Options are the component's settings, in the order docs show them.
	Options []Option
	// Parallel marks a processor as safe to run on several workers.
	Parallel bool
	// Example is a YAML snippet showing typical use.
	Example string

	NewSource    func(cfg Config, env Env) (Source, error)
	NewProcessor func(cfg Config, env Env) (Processor, error)
	NewSink      func(cfg Config, env Env) (Sink, error)
}

// Option returns the declaration of the named option, or nil.
func (s *Spec) Option(name string) *Option {
	for i := range s.Options {
		if s.Options[i].Name == name {
			return &s.Options[i]
		}
	}
	return nil
}

// OptionNames lists the spec's option names, sorted.
func (s *Spec) OptionNames() []string {
	names := make([]string, len(s.Options))
	for i, o := range s.Options {
		names[i] = o.Name
	}
	sort.Strings(names)
	return names
}

// ValueError reports a bad option value. Key names the option; the
// pipeline loader adds the file position.
type ValueError struct {
	Key     string
	Msg     string
	Choices []string
}

func (e *ValueError) Error() string {
	s := fmt.Sprintf("%s: %s", e.Key, e.Msg)
	if len(e.Choices) > 0 {
		s += " (valid: " + strings.Join(e.Choices, ", ") + ")"
	}
	return s
}

// Parse converts a scalar written in the option's syntax to its typed value:
// string, int64, float64, bool, int64 bytes for Size, time.Duration, or
// []string (comma-separated) for Strings.
func (o *Option) Parse(s string) (any, error) {
	bad := func(what string) error {
		return &ValueError{Key: o.Name, Msg: fmt.Sprintf("%q is not %s", s, what), Choices: o.Choices}
	}
	var v any
	switch o.Kind {
	case String:
		v = s
	case Int:
		n, err := strconv.ParseInt(strings.ReplaceAll(s, "_", ""), 10, 64)
		if err != nil {
			return nil, bad("an integer")
		}
		v = n
	case Float:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, bad("a number")
		}
		v = f
	case Bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return nil, bad("true or false")
		}
		v = b
	case Size:
		n, err := ParseSize(s)
		if err != nil {
			return nil, bad("a size such as 512KB or 500MB")
		}
		v = n
	case Duration:
		d, err := time.ParseDuration(s)
		if err != nil {
			return nil, bad("a duration such as 500ms or 2s")
		}
		v = d
	case Strings:
		var list []string
		for _, part := range strings.Split(s, ",") {
			if part = strings.TrimSpace(part); part != "" {
				list = append(list, part)
			}
		}
		v = list
	default:
		return nil, fmt.Errorf("option %s: unknown kind %q", o.Name, o.Kind)
	}
	return v, o.Check(v)
}

// Check validates an already typed value against Choices and bounds.
func (o *Option) Check(v any) error {
	if len(o.Choices) > 0 {
		vals, ok := v.([]string)
		if !ok {
			vals = []string{fmt.Sprint(v)}
		}
		for _, val := range vals {
			found := false
			for _, c := range o.Choices {
				found = found || c == val
			}
			if !found {
				return &ValueError{Key: o.Name, Msg: fmt.Sprintf("%q is not a valid choice", val),
					Choices: o.Choices}
			}
		}
	}
	var f float64
	switch x := v.(type) {
	case int64:
		f = float64(x)
	case float64:
		f = x
	default:
		return nil
	}
	if o.HasMin && f < o.Min {
		return &ValueError{Key: o.Name, Msg: fmt.Sprintf("%v is below the minimum %v", v, o.Min)}
	}
	if o.HasMax && f > o.Max {
		return &ValueError{Key: o.Name, Msg: fmt.Sprintf("%v is above the maximum %v", v, o.Max)}
	}
	return nil
}

// ParseSize reads a byte size: a number with an optional unit B, KB, MB,
// GB (powers of 1000) or KiB, MiB, GiB (powers of 1024), case-insensitive.
func ParseSize(s string) (int64, error) {
	t := strings.TrimSpace(strings.ToUpper(s))
	units := []struct {
		suffix string
		mult   float64
	}{{"KIB", 1 << 10}, {"MIB", 1 << 20}, {"GIB", 1 << 30}, {"TIB", 1 << 40},
		{"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12}, {"K", 1 << 10}, {"M", 1 << 20},
		{"G", 1 << 30}, {"B", 1}}
	mult := 1.0
	for _, u := range units {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.mult
			break
		}
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || f < 0 {
		return 0, fmt.Errorf("bad size %q", s)
	}
	return int64(f * mult), nil
}

// Config holds a component's validated option values, defaults filled in.
type Config struct {
	spec   *Spec
	values map[string]any
}

// NewConfig validates values (already typed, as Option.Parse returns them)
// against spec and fills in defaults. Unknown keys and missing required
// options are ValueErrors.
func NewConfig(spec *Spec, values map[string]any) (Config, error) {
	c := Config{spec: spec, values: make(map[string]any, len(spec.Options))}
	for k, v := range values {
		o := spec.Option(k)
		if o == nil {
			return c, &ValueError{Key: k, Msg: "unknown option of " + spec.Name,
				Choices: spec.OptionNames()}
		}
		if err := o.Check(v); err != nil {
			return c, err
		}
		c.values[k] = v
	}
	for i := range spec.Options {
		o := &spec.Options[i]
		if _, ok := c.values[o.Name]; ok {
			continue
		}
		if o.Required {
			return c, &ValueError{Key: o.Name, Msg: "is required by " + spec.Name}
		}
		if o.Default == "" && o.Kind != String && o.Kind != Strings {
			continue
		}
		v, err := o.Parse(o.Default)
		if err != nil {
			return c, fmt.Errorf("default of %s.%s: %w", spec.Name, o.Name, err)
		}
		c.values[o.Name] = v
	}
	return c, nil
}

// Has reports whether the option has a value (given or default).
func (c Config) Has(name string) bool { _, ok := c.values[name]; return ok }

func (c Config) get(name string) any {
	if c.spec != nil && c.spec.Option(name) == nil {
		panic("mill: option " + name + " is not declared by " + c.spec.Name)
	}
	return c.values[name]
}

// String returns a String option's value.
func (c Config) String(name string) string { s, _ := c.get(name).(string); return s }

// Int returns an Int option's value.
func (c Config) Int(name string) int { n, _ := c.get(name).(int64); return int(n) }

// Float returns a Float option's value.
func (c Config) Float(name string) float64 { f, _ := c.get(name).(float64); return f }

// Bool returns a Bool option's value.
func (c Config) Bool(name string) bool { b, _ := c.get(name).(bool); return b }

// Size returns a Size option's value in bytes.
func (c Config) Size(name string) int64 { n, _ := c.get(name).(int64); return n }

// Duration returns a Duration option's value.
func (c Config) Duration(name string) time.Duration {
	d, _ := c.get(name).(time.Duration)
	return d
}

// Strings returns a Strings option's value.
func (c Config) Strings(name string) []string { s, _ := c.get(name).([]string); return s }

// With returns a copy of c with the named option set to v, validated.
func (c Config) With(name string, v any) (Config, error) {
	o := c.spec.Option(name)
	if o == nil {
		return c, &ValueError{Key: name, Msg: "unknown option of " + c.spec.Name,
			Choices: c.spec.OptionNames()}
	}
	if s, ok := v.(string); ok && o.Kind != String {
		parsed, err := o.Parse(s)
		if err != nil {
			return c, err
		}
		v = parsed
	}
	if err := o.Check(v); err != nil {
		return c, err
	}
	out := Config{spec: c.spec, values: maps.Clone(c.values)}
	out.values[name] = v
	return out, nil
}
