package static

import (
	"io/fs"
	"net/http"
	"regexp"
)

// Handler serves the client's files with the headers that keep its pages safe. It lists no
// directory: the root serves index.html, and any other directory is not found, so that the
// layout of the files is no one's business.
func Handler() http.Handler {
	files := http.FileServerFS(noDirs{FS()})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", policy(r.Host))
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		files.ServeHTTP(w, r)
	})
}

// plainHost matches a Host header that may go into the policy as it is: a name or an
// address, and a port.
var plainHost = regexp.MustCompile(`^[A-Za-z0-9.\-]+(:[0-9]+)?$|^\[[0-9A-Fa-f:.]+\](:[0-9]+)?$`)

// policy is the Content-Security-Policy of the pages: scripts, styles and connections of our
// own origin only, no inline script or style, no plugins, no framing. The client opens its
// WebSocket on the page's host; CSP Level 3 counts ws: and wss: of that host as 'self', and
// for browsers older than that the host is named as well, when the request names it plainly.
// The camera's picture plays from a MediaStream, which media-src does not govern; blob: is
// there for a client that records one. img-src allows data: for the page's empty icon.
func policy(host string) string {
	connect := "'self'"
	if plainHost.MatchString(host) {
		connect += " ws://" + host + " wss://" + host
	}
	return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
		"media-src 'self' blob:; connect-src " + connect + "; base-uri 'none'; " +
		"form-action 'self'; frame-ancestors 'none'"
}

// noDirs is a file system whose only directory is its root.
type noDirs struct{ fs.FS }

func (n noDirs) Open(name string) (fs.File, error) {
	f, err := n.FS.Open(name)
	if err != nil || name == "." {
		return f, err
	}
	info, err := f.Stat()
	if err == nil && info.IsDir() {
		err = &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	if err != nil {
		_ = f.Close()
		return nil, err
	}
	return f, nil
}
