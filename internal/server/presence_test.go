package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/confab/confab/internal/servertest"
)

func TestPresenceCountsDevicesPerUser(t *testing.T) {
	srv := servertest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	watcherAcct, ada := srv.Register(t, "watcher"), srv.Register(t, "ada")
	watcher := lobbyPeer(ctx, t, srv, watcherAcct)
	id := ada.User.ID

	// The watcher's snapshot already lists ada, who has registered but is not online.
	snap := watcher.next(ctx, t, "users")
	i := slices.IndexFunc(snap.Users, func(u userMsg) bool { return u.ID == id })
	if i < 0 || snap.Users[i].Online || snap.More {
		t.Fatalf("snapshot: got %+v, want ada offline in one message", snap)
	}

	phone := lobbyPeer(ctx, t, srv, ada)
	if u := watcher.nextUser(ctx, t, id); !u.Online || u.Devices != 1 {
		t.Errorf("one device: got %+v", u)
	}
	laptop := lobbyPeer(ctx, t, srv, ada)
	if u := watcher.nextUser(ctx, t, id); !u.Online || u.Devices != 2 {
		t.Errorf("two devices: got %+v", u)
	}
	assertUserList(t, srv, watcherAcct.AccessToken, id, 2)

	// In a room, ada's entry says where, and the room shows up with its size.
	inRoom := roomPeer(ctx, t, srv, ada, "demo")
	if r := watcher.next(ctx, t, "room"); r.Room.Name != "demo" || r.Room.Size != 1 {
		t.Errorf("room: got %+v, want demo with 1", r.Room)
	}
	if u := watcher.nextUser(ctx, t, id); !slices.Equal(u.Rooms, []string{"demo"}) {
		t.Errorf("ada's rooms: got %v, want [demo]", u.Rooms)
	}
	inRoom.Leave()
	if r := watcher.next(ctx, t, "room"); r.Room.Name != "demo" || r.Room.Size != 0 {
		t.Errorf("room after leaving: got %+v, want demo with 0", r.Room)
	}

	phone.Close()
	if u := watcher.nextUser(ctx, t, id); len(u.Rooms) != 0 || u.Devices != 2 {
		t.Errorf("after leaving the room: got %+v, want two devices and no rooms", u)
	}
	if u := watcher.nextUser(ctx, t, id); !u.Online || u.Devices != 1 {
		t.Errorf("one device left: got %+v, want online with 1", u)
	}
	laptop.Close()
	if u := watcher.nextUser(ctx, t, id); u.Online || u.Devices != 0 {
		t.Errorf("no device left: got %+v, want offline", u)
	}
}

// assertUserList checks GET /api/users: every user once, user id with its devices, and no
// field beyond the public ones.
func assertUserList(t *testing.T, srv *servertest.Server, token, id string, devices int) {
	t.Helper()
	code, body := apiGet(t, srv, token, "/api/users")
	if code != http.StatusOK {
		t.Fatalf("GET /api/users: got %d %s", code, body)
	}
	var list struct{ Users []map[string]json.RawMessage }
	if err := json.Unmarshal(body, &list); err != nil {
		t.Fatal(err)
	}
	want := []string{"devices", "displayName", "id", "online", "rooms", "username"}
	found := 0
	for _, u := range list.Users {
		var keys []string
		for k := range u {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		if !slices.Equal(keys, want) {
			t.Errorf("user fields: got %v, want %v", keys, want)
		}
		if string(u["id"]) == `"`+id+`"` {
			found++
			if string(u["devices"]) != strconv.Itoa(devices) || string(u["online"]) != "true" {
				t.Errorf("%s in the list: got %s, want %d devices", id, mustJSON(u), devices)
			}
		}
	}
	if found != 1 {
		t.Errorf("%s is listed %d times, want once", id, found)
	}
	if lower := strings.ToLower(string(body)); strings.Contains(lower, "hash") ||
		strings.Contains(lower, "token") || strings.Contains(lower, "argon") {
		t.Errorf("the user list leaks a secret: %s", body)
	}
	if code, _ := apiGet(t, srv, "", "/api/users"); code != http.StatusUnauthorized {
		t.Errorf("GET /api/users without a token: got %d, want 401", code)
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
