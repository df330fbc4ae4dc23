//go:build !unix

package crawl

import "os"

// lockJournal does nothing here.
//
// Limitation: without flock, nothing stops two crawls from sharing a
// state directory on this platform.
func lockJournal(*os.File) error { return nil }
