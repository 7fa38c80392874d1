package edgesim

import (
	"strings"
	"testing"
)

// ExpireCookies (and its admin call) makes every live cookie expire now:
// the next call with one is 401, and logging in again works.
func TestExpireCookies(t *testing.T) {
	s, _ := start(t, Options{})
	admin := login(t, s, V2020, "admin", "admin1234")
	viewer := login(t, s, V2020, "viewer", "viewer1234")
	resp, body := do(t, s, "GET", "/2020-04-30/things", "", admin)
	mustStatus(t, resp, body, 200)
	if n := s.ExpireCookies(); n != 2 {
		t.Fatalf("ExpireCookies expired %d cookies, want 2", n)
	}
	for _, ck := range []string{admin, viewer} {
		resp, body = do(t, s, "GET", "/2020-04-30/things", "", ck)
		mustStatus(t, resp, body, 401)
	}
	again := login(t, s, V2020, "admin", "admin1234")
	resp, body = do(t, s, "GET", "/2020-04-30/things", "", again)
	mustStatus(t, resp, body, 200)
	resp, body = do(t, s, "DELETE", "/__edgesim/cookies", "", "")
	mustStatus(t, resp, body, 200)
	if !strings.Contains(body, `"Expired":1`) {
		t.Fatalf("admin DELETE /__edgesim/cookies: %s", body)
	}
	resp, body = do(t, s, "GET", "/2020-04-30/things", "", again)
	mustStatus(t, resp, body, 401)
}
