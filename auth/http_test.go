package auth

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestRegister(t *testing.T) {
	e := newEnv(t)
	r := e.call(t, "POST", "/api/auth/register", map[string]string{
		"username": "Ada", "password": "correct horse", "displayName": "  Ada Lovelace "}, "")
	wantStatus(t, "register", r, http.StatusCreated)
	tk := sessionOf(t, r)

	if got := tk.user["username"]; got != "ada" {
		t.Errorf("username: got %v, want ada", got)
	}
	if got := tk.user["displayName"]; got != "Ada Lovelace" {
		t.Errorf("displayName: got %v, want %q", got, "Ada Lovelace")
	}
	if id, _ := tk.user["id"].(string); !strings.HasPrefix(id, "u_") {
		t.Errorf("id: got %q, want u_...", id)
	}
	if got := r.body["expiresIn"]; got != float64(900) {
		t.Errorf("expiresIn: got %v, want 900", got)
	}
	if _, ok := r.body["passwordHash"]; ok {
		t.Error("answer leaks the password hash")
	}

	me := e.call(t, "GET", "/api/users/me", nil, tk.access)
	wantStatus(t, "me", me, http.StatusOK)
	if me.body["id"] != tk.user["id"] || me.body["displayName"] != "Ada Lovelace" {
		t.Errorf("me: got %v, want the registered user", me.body)
	}

	dup := e.call(t, "POST", "/api/auth/register",
		map[string]string{"username": "ADA", "password": "another password"}, "")
	wantStatus(t, "duplicate in other case", dup, http.StatusConflict)
}

func TestRegisterRefusesCrossOriginSimpleRequests(t *testing.T) {
	e := newEnv(t)
	body := `{"username":"ada","password":"correct horse"}`
	for _, ct := range []string{"text/plain", "application/x-www-form-urlencoded", ""} {
		req, err := http.NewRequest("POST", e.srv.URL+"/api/auth/register",
			strings.NewReader(body))
		if err != nil {
			t.Fatalf("new request: %v", err)
		}
		req.Header.Set("Origin", "https://evil.example")
		if ct != "" {
			req.Header.Set("Content-Type", ct)
		}
		r := e.do(t, req)
		wantStatus(t, "register as "+ct, r, http.StatusUnsupportedMediaType)
	}
	e.register(t, "ada", "correct horse") // the name is still free
}

func TestRegisterRejectsBadInput(t *testing.T) {
	e := newEnv(t)
	long := strings.Repeat("x", 257)
	tests := []struct {
		name string
		body any
	}{
		{"short username", map[string]string{"username": "ab", "password": "password1"}},
		{"long username", map[string]string{"username": strings.Repeat("a", 33),
			"password": "password1"}},
		{"space in username", map[string]string{"username": "a b c", "password": "password1"}},
		{"slash in username", map[string]string{"username": "a/b/c", "password": "password1"}},
		{"no username", map[string]string{"password": "password1"}},
		{"short password", map[string]string{"username": "ada", "password": "1234567"}},
		{"long password", map[string]string{"username": "ada", "password": long}},
		{"no password", map[string]string{"username": "ada"}},
		{"control in display name", map[string]string{"username": "ada",
			"password": "password1", "displayName": "Ada\u0000"}},
		{"long display name", map[string]string{"username": "ada",
			"password": "password1", "displayName": strings.Repeat("d", 65)}},
		{"not JSON", []byte("username=ada")},
		{"JSON array", []byte(`["ada"]`)},
		{"empty body", []byte{}},
		{"invalid UTF-8 in display name", []byte("{\"username\":\"ada\"," +
			"\"password\":\"password1\",\"displayName\":\"a\xff\xfeb\"}")},
		{"invalid UTF-8 in password", []byte("{\"username\":\"ada\"," +
			"\"password\":\"\xff\xff\xff\xff\xff\xff\xff\xff\"}")},
		{"lone surrogate in password", []byte(`{"username":"ada",` +
			`"password":"\ud800\ud800\ud800\ud800\ud800\ud800\ud800\ud800"}`)},
		{"trailing data", []byte(`{"username":"ada","password":"password1"} GARBAGE`)},
		{"null", []byte(`null`)},
		{"spoofing display name", map[string]string{"username": "ada",
			"password": "password1", "displayName": "\u202eAdmin\u200b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.call(t, "POST", "/api/auth/register", tt.body, "")
			wantStatus(t, tt.name, r, http.StatusBadRequest)
		})
	}
}

func TestLogin(t *testing.T) {
	e := newEnv(t)
	reg := e.register(t, "grace", "hopper1906")

	tests := []struct {
		name, username, password string
		want                     int
	}{
		{"right", "grace", "hopper1906", http.StatusOK},
		{"right, other case", "GRACE", "hopper1906", http.StatusOK},
		{"wrong password", "grace", "hopper1907", http.StatusUnauthorized},
		{"unknown user", "nobody", "hopper1906", http.StatusUnauthorized},
		{"invalid username", "no body", "hopper1906", http.StatusUnauthorized},
		{"missing password", "grace", "", http.StatusBadRequest},
	}
	var messages []string
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.call(t, "POST", "/api/auth/login",
				map[string]string{"username": tt.username, "password": tt.password}, "")
			wantStatus(t, tt.name, r, tt.want)
			if tt.want == http.StatusUnauthorized {
				messages = append(messages, r.str("error"))
			}
			if tt.want == http.StatusOK && sessionOf(t, r).user["id"] != reg.user["id"] {
				t.Errorf("logged in as %v, want %v", r.body["user"], reg.user)
			}
		})
	}
	for _, m := range messages[1:] {
		if m != messages[0] {
			t.Errorf("401 messages differ: %q and %q", messages[0], m)
		}
	}
}

func TestLoginRehashesCheapHash(t *testing.T) {
	e := newEnv(t)
	reg := e.register(t, "linus", "penguins!")
	id, _ := reg.user["id"].(string)
	err := e.st.UpdatePasswordHash(t.Context(), id, hashPassword("penguins!", cheap))
	if err != nil {
		t.Fatalf("UpdatePasswordHash: %v", err)
	}

	r := e.call(t, "POST", "/api/auth/login",
		map[string]string{"username": "linus", "password": "penguins!"}, "")
	wantStatus(t, "login", r, http.StatusOK)

	u, err := e.st.UserByID(t.Context(), id)
	if err != nil {
		t.Fatalf("UserByID: %v", err)
	}
	if needsRehash(u.PasswordHash) {
		t.Errorf("hash after login: got %q, want current cost", u.PasswordHash)
	}
}

func TestBodyTooLarge(t *testing.T) {
	e := newEnv(t)
	big := bytes.Repeat([]byte("a"), 1<<20+10)
	body := append(append([]byte(`{"username":"ada","password":"`), big...), `"}`...)
	for _, path := range []string{"/api/auth/register", "/api/auth/login",
		"/api/auth/refresh"} {
		r := e.call(t, "POST", path, body, "")
		wantStatus(t, path, r, http.StatusRequestEntityTooLarge)
	}
}

func TestRequireUser(t *testing.T) {
	e := newEnv(t)
	tk := e.register(t, "ada", "password1")

	tests := []struct {
		name        string
		header      string
		query       string
		want        int
		wantExpired bool
	}{
		{"bearer", "Bearer " + tk.access, "", http.StatusOK, false},
		{"bearer lower case", "bearer " + tk.access, "", http.StatusOK, false},
		{"query parameter", "", "?access_token=" + tk.access, http.StatusUnauthorized,
			false},
		{"missing", "", "", http.StatusUnauthorized, false},
		{"basic scheme", "Basic " + tk.access, "", http.StatusUnauthorized, false},
		{"refresh token as access", "Bearer " + tk.refresh, "", http.StatusUnauthorized, false},
		{"tampered", "Bearer " + tamperSignature(tk.access), "", http.StatusUnauthorized,
			false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.get(t, "/api/users/me"+tt.query, tt.header)
			wantStatus(t, tt.name, r, tt.want)
			if got := r.header.Get("Token-Expired") == "true"; got != tt.wantExpired {
				t.Errorf("Token-Expired: got %v, want %v", got, tt.wantExpired)
			}
			if tt.want == http.StatusUnauthorized && r.header.Get("WWW-Authenticate") == "" {
				t.Error("401 without WWW-Authenticate")
			}
		})
	}

	e.clock.Advance(DefaultAccessTTL + time.Second)
	r := e.get(t, "/api/users/me", "Bearer "+tk.access)
	wantStatus(t, "expired", r, http.StatusUnauthorized)
	if got := r.header.Get("Token-Expired"); got != "true" {
		t.Errorf("expired: Token-Expired got %q, want true", got)
	}
}

func TestRequireUserPutsIdentityInContext(t *testing.T) {
	e := newEnv(t)
	tk := e.register(t, "ada", "password1")
	req := httptest.NewRequest("GET", "/x", nil)
	req.Header.Set("Authorization", "Bearer "+tk.access)

	var got Identity
	h := e.svc.RequireUser(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, _ = IdentityFrom(r.Context())
	}))
	h.ServeHTTP(httptest.NewRecorder(), req)

	want := Identity{UserID: tk.user["id"].(string), Username: "ada", DisplayName: "ada",
		CanPublish: true, CanSubscribe: true}
	if got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if _, ok := IdentityFrom(t.Context()); ok {
		t.Error("IdentityFrom on a bare context: got ok, want none")
	}
}
