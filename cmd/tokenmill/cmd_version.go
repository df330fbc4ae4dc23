package main

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3"; the
// module version recorded by `go install` is used otherwise.
var version = ""

func numCPU() int { return runtime.GOMAXPROCS(0) }

func init() {
	register(&command{
		name:    "version",
		args:    "",
		summary: "print the version and build information",
		help: `Examples:
  tokenmill version`,
		run: func(ctx context.Context, a *app, args []string) error {
			v := version
			info, ok := debug.ReadBuildInfo()
			if v == "" && ok {
				v = info.Main.Version
			}
			if v == "" {
				v = "(devel)"
			}
			fmt.Fprintf(a.stdout, "tokenmill %s %s %s/%s\n", v, runtime.Version(), runtime.GOOS,
				runtime.GOARCH)
			if ok {
				for _, s := range info.Settings {
					if s.Key == "vcs.revision" || s.Key == "vcs.modified" {
						fmt.Fprintf(a.stdout, "%s=%s\n", s.Key, s.Value)
					}
				}
			}
			return nil
		},
	})
}
