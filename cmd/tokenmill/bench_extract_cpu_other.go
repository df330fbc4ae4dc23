//go:build !unix

package main

import "time"

// extractCPUTime is unavailable here; bench extract reports wall time only.
func extractCPUTime() (time.Duration, bool) { return 0, false }
