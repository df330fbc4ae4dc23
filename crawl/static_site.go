package crawl

import (
	"net/http"
	"os"
	"path"
	"path/filepath"
)

// StaticSite serves dir the way a plain static web server (nginx, python -m
// http.server) does: files as they are, a directory's index.html at the
// directory's path, and, unlike http.FileServer, no redirect from
// …/index.html to …/. The crawl tests and `tokenmill bench crawl` serve real
// sites on loopback with it.
func StaticSite(dir string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := filepath.Join(dir, filepath.FromSlash(path.Clean("/"+r.URL.Path)))
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			p = filepath.Join(p, "index.html")
		}
		f, err := os.Open(p)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil || st.IsDir() {
			http.NotFound(w, r)
			return
		}
		http.ServeContent(w, r, p, st.ModTime(), f)
	})
}
