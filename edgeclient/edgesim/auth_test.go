package edgesim

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestCookieExpiry(t *testing.T) {
	s, clk := start(t, Options{CookieMaxAge: 20 * time.Second})
	req := newReq(t, s, "POST", "/2020-04-30/auth/cookies", "", "")
	req.SetBasicAuth("admin", "admin1234")
	resp, body := send(t, s, req)
	mustStatus(t, resp, body, 201)
	sc := resp.Header.Get("Set-Cookie")
	if !regexp.MustCompile(`^token=[0-9a-f]{64}; Max-Age=20; Path=/$`).MatchString(sc) {
		t.Fatalf("Set-Cookie %q", sc)
	}
	ck, _, _ := strings.Cut(sc, ";")
	clk.Advance(19 * time.Second)
	resp, body = do(t, s, "GET", "/2020-04-30/things", "", ck)
	mustStatus(t, resp, body, 200)
	clk.Advance(time.Second)
	resp, body = do(t, s, "GET", "/2020-04-30/things", "", ck)
	mustStatus(t, resp, body, 401)
	if body != `{"Code":"Unauthorized","Message":"auth cookie invalid or expired: call CreateAuthCookie again"}` {
		t.Errorf("401 body %s", body)
	}
}

func TestDefaultMaxAgeAndCookieWithAttributes(t *testing.T) {
	s, clk := start(t, Options{})
	ck := login(t, s, V2020, "admin", "admin1234")
	// The docs echo the whole Set-Cookie value in the Cookie header.
	resp, body := do(t, s, "GET", "/2020-04-30/things", "", ck+"; Max-Age=3600; Path=/")
	mustStatus(t, resp, body, 200)
	clk.Advance(3599 * time.Second)
	resp, body = do(t, s, "GET", "/2020-04-30/things", "", "other=1; "+ck)
	mustStatus(t, resp, body, 200)
	clk.Advance(time.Second)
	resp, body = do(t, s, "GET", "/2020-04-30/things", "", ck)
	mustStatus(t, resp, body, 401)
}

func TestUnauthorized(t *testing.T) {
	s, _ := start(t, Options{})
	for _, ver := range []string{V2019, V2020} {
		resp, body := do(t, s, "GET", "/"+ver+"/things", "", "")
		mustStatus(t, resp, body, 401)
		resp, body = do(t, s, "GET", "/"+ver+"/things", "", "token="+strings.Repeat("ab", 32))
		mustStatus(t, resp, body, 401)
		req := newReq(t, s, "POST", "/"+ver+"/auth/cookies", "", "")
		req.SetBasicAuth("admin", "wrong")
		resp, body = send(t, s, req)
		mustStatus(t, resp, body, 401)
		if resp.Header.Get("WWW-Authenticate") == "" {
			t.Error("401 on CreateAuthCookie without WWW-Authenticate")
		}
		resp, body = do(t, s, "POST", "/"+ver+"/auth/cookies", "", "")
		mustStatus(t, resp, body, 401)
	}
}

func TestViewerForbidden(t *testing.T) {
	s, _ := start(t, Options{})
	ck := login(t, s, V2020, "viewer", "viewer1234")
	l := "/2020-04-30/things/" + KeyLight + "/Light01"
	allowed := [][3]string{
		{"GET", "/2020-04-30/things", ""},
		{"GET", l + "/properties?identifiers=Color", ""},
		{"POST", "/2020-04-30/things/bulk", `{"BulkAction":"GetProperties","Things":[]}`},
		{"GET", "/2020-04-30/scenes", ""},
	}
	for _, a := range allowed {
		resp, body := do(t, s, a[0], a[1], a[2], ck)
		mustStatus(t, resp, body, 200)
	}
	denied := [][3]string{
		{"POST", l + "/properties", `{"Properties":{"LightSwitch":0}}`},
		{"POST", l + "/services", `{"Services":[{"Name":"toggle"}]}`},
		{"POST", "/2020-04-30/things/bulk", `{"BulkAction":"SetProperties","Things":[]}`},
		{"POST", "/2020-04-30/things/bulk", `{"BulkAction":"CallServices","Things":[]}`},
		{"POST", "/2020-04-30/functions/" + FuncHello + "/invocations", ""},
		{"POST", "/2020-04-30/scenes/" + SceneTest + "/disable", ""},
		{"POST", "/2020-04-30/scenes/" + SceneTest + "/enable", ""},
	}
	for _, d := range denied {
		resp, body := do(t, s, d[0], d[1], d[2], ck)
		mustStatus(t, resp, body, 403)
		if !strings.Contains(body, `"Code":"Forbidden"`) {
			t.Errorf("%s: body %s", d[1], body)
		}
	}
}

func TestCustomUsers(t *testing.T) {
	u, err := ParseUser("ops:ops12345:ListThings+GetTSL")
	if err != nil {
		t.Fatal(err)
	}
	s, _ := start(t, Options{Users: []User{u}})
	ck := login(t, s, V2020, "ops", "ops12345")
	resp, body := do(t, s, "GET", "/2020-04-30/things", "", ck)
	mustStatus(t, resp, body, 403)
	resp, body = do(t, s, "GET", "/2020-04-30/scenes", "", ck)
	mustStatus(t, resp, body, 200)
	for _, bad := range []string{"nopass", ":x", "a:b:NoSuchOp"} {
		if _, err := ParseUser(bad); err == nil {
			t.Errorf("ParseUser(%q) accepted", bad)
		}
	}
}

func TestDeleteAuthCookie(t *testing.T) {
	s, _ := start(t, Options{})
	for _, ver := range []string{V2019, V2020} {
		// Basic auth, as the 2019 docs and the live page show.
		ck := login(t, s, ver, "admin", "admin1234")
		tok := strings.TrimPrefix(ck, "token=")
		req := newReq(t, s, "DELETE", "/"+ver+"/auth/cookies/"+tok, "", "")
		req.SetBasicAuth("admin", "admin1234")
		resp, body := send(t, s, req)
		mustStatus(t, resp, body, 200)
		resp, body = do(t, s, "GET", "/"+ver+"/things", "", ck)
		mustStatus(t, resp, body, 401)
		// The cookie itself, as the 2021 doc source shows.
		ck = login(t, s, ver, "admin", "admin1234")
		tok = strings.TrimPrefix(ck, "token=")
		resp, body = do(t, s, "DELETE", "/"+ver+"/auth/cookies/"+tok, "", ck)
		mustStatus(t, resp, body, 200)
		// Neither: 401; deleting again: the cookie no longer authenticates.
		resp, body = do(t, s, "DELETE", "/"+ver+"/auth/cookies/"+tok, "", ck)
		mustStatus(t, resp, body, 401)
		req = newReq(t, s, "DELETE", "/"+ver+"/auth/cookies/"+tok, "", "")
		req.SetBasicAuth("admin", "admin1234")
		resp, body = send(t, s, req)
		mustStatus(t, resp, body, 404)
	}
}

func TestTokenTableBounded(t *testing.T) {
	s, clk := start(t, Options{MaxTokens: 8, CookieMaxAge: time.Minute})
	first := login(t, s, V2020, "admin", "admin1234")
	for range 7 {
		login(t, s, V2020, "admin", "admin1234")
		clk.Advance(time.Second)
	}
	req := newReq(t, s, "POST", "/2020-04-30/auth/cookies", "", "")
	req.SetBasicAuth("admin", "admin1234")
	resp, body := send(t, s, req)
	mustStatus(t, resp, body, 500) // full of live sessions: Cookie.Set
	if body != `{"Code":"Cookie.Set","Message":"the auth cookie could not be saved: too many live sessions"}` {
		t.Errorf("body %s", body)
	}
	resp, body = do(t, s, "GET", "/2020-04-30/things", "", first)
	mustStatus(t, resp, body, 200) // live sessions are kept
	clk.Advance(2 * time.Minute)
	login(t, s, V2020, "admin", "admin1234") // sweeps the expired ones
	if n := s.tokens.size(); n != 1 {
		t.Fatalf("after expiry and sweep: %d tokens, want 1", n)
	}
}
