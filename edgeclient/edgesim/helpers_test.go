package edgesim

import (
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is a settable clock for tests.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock {
	return &fakeClock{t: time.Date(2020, 4, 22, 17, 1, 50, 136_000_000, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// start runs a server with a fake clock and seed 1 unless opts say
// otherwise.
func start(t *testing.T, opts Options) (*Server, *fakeClock) {
	t.Helper()
	clk := newClock()
	if opts.Now == nil {
		opts.Now = clk.Now
	}
	if opts.Seed == 0 {
		opts.Seed = 1
	}
	s, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s, clk
}

// noRedirect is a client that does not follow redirects.
func noRedirect(s *Server) *http.Client {
	c := *s.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c
}

// do sends one request and returns the response with its body read.
func do(t *testing.T, s *Server, method, path, body, cookie string) (*http.Response, string) {
	t.Helper()
	return send(t, s, newReq(t, s, method, path, body, cookie))
}

// newReq builds a request with an optional body and Cookie header.
func newReq(t *testing.T, s *Server, method, path, body, cookie string) *http.Request {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, s.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	return req
}

// send sends req without following redirects and reads the body.
func send(t *testing.T, s *Server, req *http.Request) (*http.Response, string) {
	t.Helper()
	resp, err := noRedirect(s).Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading body: %v", req.Method, req.URL.Path, err)
	}
	return resp, string(b)
}

// login creates an auth cookie and returns the Cookie header value.
func login(t *testing.T, s *Server, ver, user, pass string) string {
	t.Helper()
	req, _ := http.NewRequest("POST", s.URL+"/"+ver+"/auth/cookies", nil)
	req.SetBasicAuth(user, pass)
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 201 {
		t.Fatalf("CreateAuthCookie: %d", resp.StatusCode)
	}
	sc := resp.Header.Get("Set-Cookie")
	tok, _, _ := strings.Cut(sc, ";")
	return tok
}

// mustStatus fails when resp has another status.
func mustStatus(t *testing.T, resp *http.Response, body string, want int) {
	t.Helper()
	if resp.StatusCode != want {
		t.Fatalf("%s %s: status %d, want %d; body %s", resp.Request.Method, resp.Request.URL.Path, resp.StatusCode, want, body)
	}
}
