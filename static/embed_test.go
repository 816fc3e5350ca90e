package static

import (
	"io/fs"
	"path"
	"regexp"
	"strings"
	"testing"
)

// TestFSRoot checks the layout the server relies on: index.html at the root of FS.
func TestFSRoot(t *testing.T) {
	for _, name := range []string{"index.html", "style.css", "js/app.js"} {
		if _, err := fs.Stat(FS(), name); err != nil {
			t.Errorf("got %v for %s, want the file", err, name)
		}
	}
}

// importPath matches the relative module paths in import statements; with no build step, a
// wrong one shows only as a failed load in the browser.
var importPath = regexp.MustCompile(`(?m)^import .* from '(\./[^']+)';$`)

// TestImportsResolve checks that every module a module imports is embedded.
func TestImportsResolve(t *testing.T) {
	scripts, err := fs.Glob(FS(), "js/*.js")
	if err != nil || len(scripts) == 0 {
		t.Fatalf("got %v, %v for js/*.js, want the scripts", scripts, err)
	}
	for _, name := range scripts {
		src, err := fs.ReadFile(FS(), name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range importPath.FindAllStringSubmatch(string(src), -1) {
			target := path.Join(path.Dir(name), m[1])
			if _, err := fs.Stat(FS(), target); err != nil {
				t.Errorf("%s imports %s: got %v, want the file", name, m[1], err)
			}
		}
	}
}

// TestTestIDs checks that each element a browser test drives still carries its name.
func TestTestIDs(t *testing.T) {
	var all strings.Builder
	err := fs.WalkDir(FS(), ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		src, err := fs.ReadFile(FS(), name)
		all.Write(src)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}

	inHTML := []string{
		"login-username", "login-password", "login-submit", "register-submit", "display-name",
		"room-name", "room-join", "local-video", "toggle-mic", "toggle-camera", "leave",
		"chat-input", "chat-send", "raise-hand", "dm-input", "dm-send",
	}
	for _, id := range inHTML {
		if !strings.Contains(all.String(), `data-testid="`+id+`"`) {
			t.Errorf("got no element with data-testid=%q, want one", id)
		}
	}
	for _, id := range []string{"remote-video", "participant", "lobby-user", "dm-open",
		"hand-raised"} {
		if !strings.Contains(all.String(), `'data-testid': '`+id+`'`) {
			t.Errorf("got no code making data-testid=%q, want some", id)
		}
	}
	// Chat logs take the test id of their items as an argument.
	for _, id := range []string{"chat-message", "dm-message"} {
		if !strings.Contains(all.String(), `'`+id+`'`) {
			t.Errorf("got no code naming data-testid=%q, want some", id)
		}
	}
}
