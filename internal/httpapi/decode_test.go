package httpapi

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"
)

type login struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// decode runs DecodeJSON on body sent as application/json and returns what it decoded, the
// status it wrote (0 for none) and its error.
func decode(body string) (login, int, error) {
	return decodeAs("application/json", body)
}

// decodeAs is decode with the Content-Type ct, none when empty.
func decodeAs(ct, body string) (login, int, error) {
	r := httptest.NewRequest("POST", "/api/auth/login", strings.NewReader(body))
	if ct != "" {
		r.Header.Set("Content-Type", ct)
	}
	w := httptest.NewRecorder()
	var in login
	err := DecodeJSON(w, r, &in)
	status := 0
	if w.Body.Len() > 0 {
		status = w.Code
	}
	return in, status, err
}

func TestDecodeJSON(t *testing.T) {
	tests := []struct {
		name       string
		body       string
		want       login
		wantStatus int
		wantErr    error
	}{
		{"object", `{"username":"ada","password":"pw"}`, login{"ada", "pw"}, 0, nil},
		{"white space around", " \r\n\t{\"username\":\"ada\"} \n", login{Username: "ada"}, 0,
			nil},
		{"characters beyond the BMP", `{"username":"🚀","password":"\ud83d\ude80"}`,
			login{"🚀", "🚀"}, 0, nil},
		{"escaped backslash before u", `{"username":"\\ud800"}`, login{Username: `\ud800`},
			0, nil},
		{"invalid UTF-8", "{\"username\":\"a\xff\xfeb\"}", login{}, 400, ErrNotUTF8},
		{"invalid UTF-8 outside strings", "{\"username\":\"a\"}\xff", login{}, 400,
			ErrNotUTF8},
		{"lone high surrogate", `{"username":"a\ud800b"}`, login{}, 400, ErrNotUTF8},
		{"lone low surrogate", `{"username":"a\udc00b"}`, login{}, 400, ErrNotUTF8},
		{"high surrogate at the end", `{"username":"a\uD800"}`, login{}, 400, ErrNotUTF8},
		{"two high surrogates", `{"username":"\ud800\ud800"}`, login{}, 400, ErrNotUTF8},
		{"trailing garbage", `{"username":"ada"} GARBAGE`, login{}, 400, ErrNotObject},
		{"two objects", `{"username":"ada"}{"username":"bob"}`, login{}, 400, ErrNotObject},
		{"null", `null`, login{}, 400, ErrNotObject},
		{"array", `[]`, login{}, 400, ErrNotObject},
		{"string", `"ada"`, login{}, 400, ErrNotObject},
		{"empty", ``, login{}, 400, ErrNotObject},
		{"malformed", `{"username":`, login{}, 400, ErrNotObject},
		{"wrong type", `{"username":5}`, login{}, 400, ErrNotObject},
		{"over 1 MiB", `{"username":"` + strings.Repeat("a", MaxBodyBytes) + `"}`, login{},
			413, ErrBodyTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, status, err := decode(tt.body)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Fatalf("got error %v, want %v", err, tt.wantErr)
			}
			if status != tt.wantStatus {
				t.Errorf("got status %d, want %d", status, tt.wantStatus)
			}
			if err == nil && got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestDecodeJSONContentType(t *testing.T) {
	tests := []struct {
		ct         string
		wantStatus int
		wantErr    error
	}{
		{"application/json", 0, nil},
		{"application/json; charset=utf-8", 0, nil},
		{"Application/JSON;charset=UTF-8", 0, nil},
		{"", 415, ErrNotJSON},
		{"text/plain", 415, ErrNotJSON},
		{"text/plain; charset=utf-8", 415, ErrNotJSON},
		{"application/x-www-form-urlencoded", 415, ErrNotJSON},
		{"multipart/form-data; boundary=x", 415, ErrNotJSON},
		{"application/jsonp", 415, ErrNotJSON},
		{"application/json; charset", 415, ErrNotJSON},
	}
	for _, tt := range tests {
		t.Run(tt.ct, func(t *testing.T) {
			got, status, err := decodeAs(tt.ct, `{"username":"ada"}`)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Fatalf("got error %v, want %v", err, tt.wantErr)
			}
			if status != tt.wantStatus {
				t.Errorf("got status %d, want %d", status, tt.wantStatus)
			}
			if err == nil && got.Username != "ada" {
				t.Errorf("got %+v, want username ada", got)
			}
		})
	}
}

// FuzzDecodeJSON checks that whatever DecodeJSON accepts decodes to valid UTF-8 without
// replacement characters the body did not spell, and that whatever it refuses is answered
// with a JSON error.
func FuzzDecodeJSON(f *testing.F) {
	for _, seed := range []string{
		`{"username":"ada","password":"pw"}`, `{"username":"\ud83d\ude80"}`,
		`{"username":"\ud800"}`, `{"username":"\\ud800"}`, "{\"username\":\"\xff\"}",
		`{} {}`, `null`, `{"username":"\ufffd"}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		got, status, err := decode(string(body))
		if err != nil {
			if status != 400 && status != 413 {
				t.Fatalf("refused with status %d, want 400 or 413", status)
			}
			return
		}
		for _, s := range []string{got.Username, got.Password} {
			if !utf8.ValidString(s) {
				t.Fatalf("accepted %q, which decodes to invalid UTF-8 %q", body, s)
			}
			if strings.ContainsRune(s, utf8.RuneError) && !spellsReplacement(body) {
				t.Fatalf("accepted %q, which decodes to a replacement character", body)
			}
		}
	})
}

// spellsReplacement reports whether body holds U+FFFD itself, raw or escaped.
func spellsReplacement(body []byte) bool {
	s := strings.ToLower(string(body))
	return strings.ContainsRune(s, utf8.RuneError) || strings.Contains(s, `\ufffd`)
}

func TestDecodeJSONErrorIsJSON(t *testing.T) {
	tests := []struct {
		name, ct, body string
		wantStatus     int
	}{
		{"bad body", "application/json", "{} x", http.StatusBadRequest},
		{"text/plain", "text/plain", "{}", http.StatusUnsupportedMediaType},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/", strings.NewReader(tt.body))
			r.Header.Set("Content-Type", tt.ct)
			w := httptest.NewRecorder()
			_ = DecodeJSON(w, r, &login{})
			var e struct{ Error string }
			if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil || e.Error == "" {
				t.Errorf("got body %q, want {\"error\": ...}", w.Body.String())
			}
			if ct := w.Header().Get("Content-Type"); ct != "application/json" {
				t.Errorf("got Content-Type %q, want application/json", ct)
			}
			if w.Code != tt.wantStatus {
				t.Errorf("got status %d, want %d", w.Code, tt.wantStatus)
			}
		})
	}
}
