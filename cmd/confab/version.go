package main

import (
	"fmt"
	"io"
	"runtime/debug"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3"; otherwise the module
// version or the commit the binary was built from stands in.
var version = ""

func printVersion(w io.Writer) error {
	info, ok := debug.ReadBuildInfo()
	v := version
	if v == "" && ok {
		v = info.Main.Version
	}
	if v == "" {
		v = "(devel)"
	}
	fmt.Fprintf(w, "confab %s\n", v)
	if !ok {
		return nil
	}
	fmt.Fprintf(w, "go %s\n", info.GoVersion)
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision", "vcs.time", "vcs.modified", "CGO_ENABLED", "GOOS", "GOARCH":
			fmt.Fprintf(w, "%s %s\n", s.Key, s.Value)
		}
	}
	return nil
}
