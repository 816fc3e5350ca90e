package auth

import (
	"errors"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/confab/confab/store"
)

func TestAuthenticate(t *testing.T) {
	c := newClock()
	s := newTokenService(c)
	good, err := s.issueAccess(store.User{ID: "u_1", Username: "ada", DisplayName: "Ada"})
	if err != nil {
		t.Fatalf("issueAccess: %v", err)
	}
	c.Advance(-2 * DefaultAccessTTL)
	old, err := s.issueAccess(store.User{ID: "u_1", Username: "ada", DisplayName: "Ada"})
	if err != nil {
		t.Fatalf("issueAccess: %v", err)
	}
	c.Advance(2*DefaultAccessTTL + time.Second)

	tests := []struct {
		name, header, query string
		want                []error
	}{
		{"bearer", "Bearer " + good, "", nil},
		{"query", "", "?access_token=" + good, nil},
		{"header wins over query", "Bearer " + good, "?access_token=junk", nil},
		{"none", "", "", []error{ErrTokenInvalid, ErrNoToken}},
		{"empty bearer", "Bearer ", "", []error{ErrTokenInvalid, ErrNoToken}},
		{"expired", "Bearer " + old, "", []error{ErrTokenExpired}},
		{"junk", "Bearer junk", "", []error{ErrTokenInvalid}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/ws"+tt.query, nil)
			if tt.header != "" {
				r.Header.Set("Authorization", tt.header)
			}
			id, err := s.Authenticate(r)
			if tt.want == nil {
				if err != nil || id.UserID != "u_1" {
					t.Errorf("got %+v, %v, want u_1, nil", id, err)
				}
				return
			}
			for _, want := range tt.want {
				if !errors.Is(err, want) {
					t.Errorf("got %v, want it to match %v", err, want)
				}
			}
		})
	}
}
