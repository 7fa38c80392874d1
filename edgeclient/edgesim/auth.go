package edgesim

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
)

// tokenTable holds the live auth cookies, bounded: expired tokens are swept
// when it is full, and if it is still full of live ones no new token is
// issued (CreateAuthCookie answers 500 Cookie.Set) rather than evicting a
// session someone is using.
type tokenTable struct {
	mu  sync.Mutex
	m   map[string]tokenEntry
	max int
}

// tokenEntry is one auth cookie: whose, and until when.
type tokenEntry struct {
	user    string
	expires time.Time
}

func newTokenTable(max int) *tokenTable {
	return &tokenTable{m: map[string]tokenEntry{}, max: max}
}

// create issues a new 64-hex token for user, valid for ttl from now;
// false when the table is full of live tokens.
func (t *tokenTable) create(user string, now time.Time, ttl time.Duration) (string, bool) {
	var b [32]byte
	_, _ = rand.Read(b[:])
	tok := hex.EncodeToString(b[:])
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.m) >= t.max {
		t.sweepLocked(now)
	}
	if len(t.m) >= t.max {
		return "", false
	}
	t.m[tok] = tokenEntry{user: user, expires: now.Add(ttl)}
	return tok, true
}

// sweepLocked drops expired tokens.
func (t *tokenTable) sweepLocked(now time.Time) {
	for k, e := range t.m {
		if !now.Before(e.expires) {
			delete(t.m, k)
		}
	}
}

// lookup returns the user of a live token; an expired one is removed.
func (t *tokenTable) lookup(tok string, now time.Time) (string, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	e, ok := t.m[tok]
	if !ok {
		return "", false
	}
	if !now.Before(e.expires) {
		delete(t.m, tok)
		return "", false
	}
	return e.user, true
}

// remove deletes a token; false when it was not live.
func (t *tokenTable) remove(tok string, now time.Time) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	e, ok := t.m[tok]
	delete(t.m, tok)
	return ok && now.Before(e.expires)
}

// expireAll makes every live token expire at now; it returns how many
// were live.
func (t *tokenTable) expireAll(now time.Time) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := 0
	for k, e := range t.m {
		if now.Before(e.expires) {
			n++
			e.expires = now
			t.m[k] = e
		}
	}
	return n
}

// ExpireCookies makes every auth cookie expire now, as if its Max-Age had
// run out: the next call with any of them is 401 (the client logs in
// again). It returns how many cookies were live.
func (s *Server) ExpireCookies() int { return s.tokens.expireAll(s.opts.Now()) }

// size is the number of tokens held (live or not yet swept).
func (t *tokenTable) size() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.m)
}

// cookieToken finds token=<value> in the request's Cookie headers. It is
// lenient: the docs echo the whole Set-Cookie value back
// ("token=...; Max-Age=3600; Path=/"), so other pairs are ignored.
func cookieToken(r *http.Request) string {
	for _, line := range r.Header.Values("Cookie") {
		for part := range strings.SplitSeq(line, ";") {
			part = strings.TrimSpace(part)
			if v, ok := strings.CutPrefix(part, "token="); ok && v != "" {
				return strings.Trim(v, `"`)
			}
		}
	}
	return ""
}

// userByName finds a console user.
func (s *Server) userByName(name string) *User {
	for i := range s.opts.Users {
		if s.opts.Users[i].Name == name {
			return &s.opts.Users[i]
		}
	}
	return nil
}

// basicUser checks HTTP Basic credentials; nil when absent or wrong.
func (s *Server) basicUser(r *http.Request) (*User, bool) {
	name, pass, ok := r.BasicAuth()
	if !ok {
		return nil, false
	}
	u := s.userByName(name)
	if u == nil || u.Password != pass {
		return nil, true
	}
	return u, true
}

// cookieUser checks the auth cookie; nil when absent, unknown or expired.
func (s *Server) cookieUser(c *call) *User {
	tok := cookieToken(c.r)
	if tok == "" {
		return nil
	}
	name, ok := s.tokens.lookup(tok, c.now)
	if !ok {
		return nil
	}
	c.token = tok
	return s.userByName(name)
}

// authorize checks the cookie and the user's permission for c.op, writing
// 401 or 403 when they fail. The cookie operations check their own auth.
func (s *Server) authorize(c *call) bool {
	if c.op == "CreateAuthCookie" || c.op == "DeleteAuthCookie" {
		return true
	}
	if cookieToken(c.r) == "" {
		c.fail(401, "Unauthorized", "auth cookie missing: call CreateAuthCookie")
		return false
	}
	c.user = s.cookieUser(c)
	if c.user == nil {
		c.fail(401, "Unauthorized", "auth cookie invalid or expired: call CreateAuthCookie again")
		return false
	}
	if !permitted(c.user, c.op) {
		c.fail(403, "Forbidden", fmt.Sprintf("user %s has no permission for %s", c.user.Name, c.op))
		return false
	}
	return true
}

// permitted applies a user's permissions; a bulk write also needs the
// single-device permission it stands for.
func permitted(u *User, op string) bool {
	if !u.allows(op) {
		return false
	}
	switch op {
	case "BulkActions.SetProperties":
		return u.allows("SetThingProperties")
	case "BulkActions.CallServices":
		return u.allows("CallThingServices")
	}
	return true
}

// createAuthCookie is CreateAuthCookie: Basic credentials in, a token
// cookie out (201).
func (s *Server) createAuthCookie(c *call) {
	u, present := s.basicUser(c.r)
	if u == nil {
		c.w.Header().Set("WWW-Authenticate", `Basic realm="Link IoT Edge"`)
		msg := "invalid username or password"
		if !present {
			msg = "Authorization header with Basic credentials required"
		}
		c.fail(401, "Unauthorized", msg)
		return
	}
	maxAge := s.opts.CookieMaxAge
	tok, ok := s.tokens.create(u.Name, c.now, maxAge)
	if !ok {
		c.fail(500, "Cookie.Set", "the auth cookie could not be saved: too many live sessions")
		return
	}
	secs := int((maxAge + time.Second - 1) / time.Second)
	c.w.Header().Set("Set-Cookie", fmt.Sprintf("token=%s; Max-Age=%d; Path=/", tok, secs))
	c.okEmpty(201)
}

// deleteAuthCookie is DeleteAuthCookie: Basic credentials or a valid
// cookie, and the token to delete in the path (200).
func (s *Server) deleteAuthCookie(c *call) {
	u, _ := s.basicUser(c.r)
	if u == nil {
		u = s.cookieUser(c)
	}
	if u == nil {
		c.fail(401, "Unauthorized", "Basic credentials or a valid auth cookie required")
		return
	}
	c.user = u
	if !u.allows(c.op) {
		c.fail(403, "Forbidden", fmt.Sprintf("user %s has no permission for %s", u.Name, c.op))
		return
	}
	if !s.tokens.remove(c.params["token"], c.now) {
		c.fail(404, "NotFound", "no such auth cookie")
		return
	}
	c.okEmpty(200)
}
