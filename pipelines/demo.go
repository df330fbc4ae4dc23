package pipelines

import "embed"

// DemoFS holds the demo corpus (demo/) and the default pipeline
// (default.yaml). `tokenmill run` without a file runs DefaultPipeline with
// its file sources reading from DemoFS.
//
//go:embed default.yaml demo
var DemoFS embed.FS

// DefaultPipeline is the embedded default pipeline's YAML.
//
//go:embed default.yaml
var DefaultPipeline []byte
