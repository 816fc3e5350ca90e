// Package static holds the browser client, embedded in the binary so that one executable
// serves both the API and the pages that use it, with nothing to install beside it.
package static

import (
	"embed"
	"io/fs"
)

//go:embed all:web
var files embed.FS

// FS returns the client's files, rooted so that index.html is at "index.html".
func FS() fs.FS {
	sub, err := fs.Sub(files, "web")
	if err != nil {
		// fs.Sub fails only on an invalid path, and "web" is a constant, valid one.
		panic(err)
	}
	return sub
}
