package crawl

import "github.com/tokenmill/tokenmill/mill"

// Specs declares the package's components for the pipeline registry.
func Specs() []mill.Spec {
	return []mill.Spec{
		filesSpec,
		WebSpec,
		WARCSpec,
	}
}
