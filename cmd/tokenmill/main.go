// Command tokenmill builds LLM training corpora: it crawls and reads text,
// cleans and deduplicates it, tokenizes it and writes Arrow shards, either
// as one pipeline (`tokenmill run pipeline.yaml`) or as JSONL filters joined
// by pipes (`tokenmill clean < in.jsonl | tokenmill dedup | …`).
//
// Run `tokenmill help` for the list of commands and `tokenmill CMD --help`
// for each command's flags and examples.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"

	"golang.org/x/term"
)

// command is one subcommand. Each lives in its own cmd_<name>.go file and
// registers itself from init.
type command struct {
	name string
	// args is the usage after the command name, e.g. "[flags] [FILE...]".
	args    string
	summary string
	// help is the long description, with examples.
	help string
	// flags declares the command's own flags on fs.
	flags func(fs *flag.FlagSet)
	// run does the work; args are what remains after the flags.
	run func(ctx context.Context, app *app, args []string) error
}

var commands = map[string]*command{}

func register(c *command) {
	if _, dup := commands[c.name]; dup {
		panic("tokenmill: command " + c.name + " registered twice")
	}
	commands[c.name] = c
}

// exitError carries a specific exit status.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// usageError is a mistake on the command line (exit status 2).
func usageError(format string, args ...any) error {
	return &exitError{code: 2, err: fmt.Errorf(format, args...)}
}

// app is what every command gets: its streams, logger and common flags.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	log            *slog.Logger
	logFormat      string
	logLevel       string
	quiet          bool
	// interactive is true when stderr is a terminal: progress bars show.
	interactive bool
}

func main() {
	a := &app{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr,
		interactive: term.IsTerminal(int(os.Stderr.Fd()))}
	ctx, stop := signalContext()
	defer stop()
	os.Exit(a.main(ctx, os.Args[1:]))
}

// signalContext is cancelled by the first SIGINT or SIGTERM; a second one
// exits at once.
func signalContext() (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ch
		fmt.Fprintln(os.Stderr, "\ntokenmill: stopping: finishing and committing documents in "+
			"flight (press Ctrl-C again to quit at once)")
		cancel()
		<-ch
		fmt.Fprintln(os.Stderr, "tokenmill: quit without committing")
		os.Exit(130)
	}()
	return ctx, func() { signal.Stop(ch); cancel() }
}

func (a *app) main(ctx context.Context, args []string) int {
	if len(args) == 0 {
		a.usage(a.stderr)
		return 2
	}
	name := args[0]
	switch name {
	case "help", "-h", "--help", "-help":
		if len(args) > 1 {
			if c := commands[args[1]]; c != nil {
				a.commandUsage(a.stdout, c, nil)
				return 0
			}
		}
		a.usage(a.stdout)
		return 0
	case "--version", "-version":
		name = "version"
	}
	c := commands[name]
	if c == nil {
		fmt.Fprintf(a.stderr, "tokenmill: unknown command %q (valid: %s)\n", name,
			strings.Join(commandNames(), ", "))
		return 2
	}
	fs := flag.NewFlagSet("tokenmill "+c.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&a.logFormat, "log-format", "text", "log format: text or json")
	fs.StringVar(&a.logLevel, "log-level", "info", "log level: debug, info, warn or error")
	fs.BoolVar(&a.quiet, "quiet", false, "no progress bar and no summary")
	if c.flags != nil {
		c.flags(fs)
	}
	if err := fs.Parse(interleave(fs, args[1:])); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			a.commandUsage(a.stdout, c, fs)
			return 0
		}
		fmt.Fprintf(a.stderr, "tokenmill %s: %v\nRun 'tokenmill %s --help' for usage.\n",
			c.name, err, c.name)
		return 2
	}
	if err := a.setupLogger(); err != nil {
		fmt.Fprintf(a.stderr, "tokenmill: %v\n", err)
		return 2
	}
	err := c.run(ctx, a, fs.Args())
	if err == nil {
		return 0
	}
	fmt.Fprintf(a.stderr, "tokenmill %s: %v\n", c.name, err)
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.code == 2 {
			fmt.Fprintf(a.stderr, "Run 'tokenmill %s --help' for usage.\n", c.name)
		}
		return ee.code
	}
	return 1
}

// interleave moves flags that follow positional arguments to the front, so
// `tokenmill extract a.html --quiet` works like `tokenmill extract --quiet
// a.html`. Everything after "--" stays positional.
func interleave(fs *flag.FlagSet, args []string) []string {
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			pos = append(pos, args[i+1:]...)
			break
		}
		if len(a) < 2 || a[0] != '-' {
			pos = append(pos, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimLeft(a, "-")
		if strings.Contains(name, "=") {
			continue
		}
		f := fs.Lookup(name)
		if f == nil {
			continue
		}
		if bf, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && bf.IsBoolFlag() {
			continue
		}
		if i+1 < len(args) {
			flags = append(flags, args[i+1])
			i++
		}
	}
	return append(flags, pos...)
}

func (a *app) setupLogger() error {
	var level slog.Level
	if err := level.UnmarshalText([]byte(a.logLevel)); err != nil {
		return fmt.Errorf("--log-level %q: use debug, info, warn or error", a.logLevel)
	}
	opts := &slog.HandlerOptions{Level: level}
	switch a.logFormat {
	case "text":
		a.log = slog.New(slog.NewTextHandler(a.stderr, opts))
	case "json":
		a.log = slog.New(slog.NewJSONHandler(a.stderr, opts))
	default:
		return fmt.Errorf("--log-format %q: use text or json", a.logFormat)
	}
	return nil
}

func commandNames() []string {
	var names []string
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func (a *app) usage(w io.Writer) {
	fmt.Fprint(w, `tokenmill builds LLM training corpora: crawl, clean, deduplicate, tokenize, shard.

Usage:
  tokenmill COMMAND [flags] [arguments]

Commands:
`)
	for _, n := range commandNames() {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprint(w, `
Run 'tokenmill COMMAND --help' for a command's flags and examples.
Quick start: 'tokenmill run' processes a small embedded demo corpus into ./out.
`)
}

func (a *app) commandUsage(w io.Writer, c *command, fs *flag.FlagSet) {
	fmt.Fprintf(w, "Usage: tokenmill %s %s\n\n%s\n", c.name, c.args, c.summary)
	if c.help != "" {
		fmt.Fprintf(w, "\n%s\n", strings.TrimSpace(c.help))
	}
	if fs == nil {
		return
	}
	fmt.Fprintln(w, "\nFlags:")
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
}
