package mill

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

var testSpec = Spec{Name: "t", Role: RoleStage, Options: []Option{
	{Name: "mode", Kind: String, Default: "a", Choices: []string{"a", "b"}},
	{Name: "n", Kind: Int, Default: "3", HasMin: true, Min: 1},
	{Name: "size", Kind: Size, Default: "1MiB"},
	{Name: "wait", Kind: Duration, Default: "2s"},
	{Name: "list", Kind: Strings},
	{Name: "must", Kind: Bool, Required: true},
}}

func TestNewConfigDefaultsAndValues(t *testing.T) {
	c, err := NewConfig(&testSpec, map[string]any{"must": true, "list": []string{"x"}})
	if err != nil {
		t.Fatal(err)
	}
	if c.String("mode") != "a" || c.Int("n") != 3 || c.Size("size") != 1<<20 ||
		c.Duration("wait") != 2*time.Second || !c.Bool("must") ||
		!reflect.DeepEqual(c.Strings("list"), []string{"x"}) {
		t.Errorf("unexpected config %+v", c.values)
	}
	c2, err := c.With("n", "7")
	if err != nil || c2.Int("n") != 7 || c.Int("n") != 3 {
		t.Errorf("With: %v %d %d", err, c2.Int("n"), c.Int("n"))
	}
}

func TestConfigErrors(t *testing.T) {
	tests := []struct {
		values map[string]any
		want   string
	}{
		{map[string]any{}, "must: is required"},
		{map[string]any{"must": true, "bogus": 1}, "unknown option of t (valid: list, mode, must, n, size, wait)"},
		{map[string]any{"must": true, "mode": "c"}, `"c" is not a valid choice (valid: a, b)`},
		{map[string]any{"must": true, "n": int64(0)}, "below the minimum"},
	}
	for _, tt := range tests {
		_, err := NewConfig(&testSpec, tt.values)
		var ve *ValueError
		if !errors.As(err, &ve) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("NewConfig(%v) error %v, want one containing %q", tt.values, err, tt.want)
		}
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"512": 512, "64KB": 64000, "500MB": 500e6,
		"1GiB": 1 << 30, "1.5 MiB": 3 << 19, "16m": 16 << 20} {
		if got, err := ParseSize(in); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "MB", "-1", "1XB"} {
		if _, err := ParseSize(bad); err == nil {
			t.Errorf("ParseSize(%q) accepted", bad)
		}
	}
}

func TestStableID(t *testing.T) {
	if StableID("a", "b") == StableID("ab") {
		t.Error("parts must be separated")
	}
	if got := StableID("x"); got != StableID("x") || len(got) != 32 {
		t.Errorf("StableID = %q", got)
	}
}
