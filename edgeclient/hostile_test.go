package edgeclient

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"edgetop/model"
)

// hostilePass is a password with characters that escape differently in
// JSON and in URLs, so that an echo in either form must be masked too.
const hostilePass = `pa"ss w/rd&1<x>`

// echoGW is a hostile gateway that echoes every secret it knows into every
// field it controls: error Messages and Codes, header names and values,
// bodies (a 201 that carries the token it issues), redirect targets, and
// a connection it cuts on a URL that carries a token.
type echoGW struct {
	srv    *httptest.Server
	mu     sync.Mutex
	issued []string
}

func newEchoGW(t *testing.T) *echoGW {
	g := &echoGW{}
	g.srv = httptest.NewUnstartedServer(g)
	g.srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	g.srv.StartTLS()
	t.Cleanup(g.srv.Close)
	return g
}

// echo is every secret in the forms a careless proxy would repeat them.
func (g *echoGW) echo(r *http.Request) string {
	g.mu.Lock()
	toks := strings.Join(g.issued, " ")
	g.mu.Unlock()
	basic := r.Header.Get("Authorization")
	return fmt.Sprintf("auth %s token %s cookie %s pw %s", basic, toks, r.Header.Get("Cookie"), hostilePass)
}

func (g *echoGW) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	msg := g.echo(r)
	jmsg, _ := json.Marshal(msg)
	if strings.HasSuffix(r.URL.Path, "/auth/cookies") && r.Method == http.MethodPost {
		b := make([]byte, 32)
		_, _ = rand.Read(b)
		tok := hex.EncodeToString(b)
		g.mu.Lock()
		g.issued = append(g.issued, tok)
		g.mu.Unlock()
		w.Header().Set("Set-Cookie", "token="+tok+"; Max-Age=3600; Path=/")
		w.Header().Set("X-Token-"+tok[:16], tok)
		w.WriteHeader(http.StatusCreated)
		// The token bare (not as token=...), the password JSON-escaped.
		fmt.Fprintf(w, `{"Code":201,"Message":%s,"Token":"%s"}`, jmsg, tok)
		return
	}
	w.Header().Set("X-Echo", url.QueryEscape(msg)+" "+msg)
	switch {
	case strings.Contains(r.URL.Path, "/things/pk/redirect/"):
		// A redirect whose target carries the token; the target cuts the
		// connection, so the transport error's text names the URL.
		g.mu.Lock()
		tok := g.issued[len(g.issued)-1]
		g.mu.Unlock()
		w.Header().Set("Location", "/2020-04-30/things/pk/cut/properties?identifiers=x&echo="+tok)
		w.WriteHeader(http.StatusFound)
	case strings.Contains(r.URL.Path, "/things/pk/cut/"):
		hj, _ := w.(http.Hijacker)
		conn, _, _ := hj.Hijack()
		_ = conn.Close()
	case strings.HasPrefix(r.URL.Path, "/2019-09-30/"):
		// A 2019 failure envelope under 200: the Message reaches the caller.
		fmt.Fprintf(w, `{"Code":500,"Message":%s}`, jmsg)
	case strings.HasSuffix(r.URL.Path, "/things"):
		// As Lua's cjson escapes: no HTML escapes, "/" as "\/".
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"Code":"InvalidParameter","Message":%s}`, cjson(msg))
	default:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"Code":%s,"Message":%s}`, jmsg, jmsg)
	}
}

func (g *echoGW) secrets(user string) []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	cred := base64.StdEncoding.EncodeToString([]byte(user + ":" + hostilePass))
	jpw, _ := json.Marshal(hostilePass)
	cj := cjson(hostilePass)
	out := []string{hostilePass, string(jpw[1 : len(jpw)-1]), cj[1 : len(cj)-1], url.QueryEscape(hostilePass), cred}
	for _, tok := range g.issued {
		out = append(out, tok, tok[12:]) // and enough of it to replay
	}
	return out
}

func TestHostileGatewayEchoesNoSecret(t *testing.T) {
	for _, v := range []string{Version2020, Version2019} {
		t.Run(v, func(t *testing.T) {
			g := newEchoGW(t)
			rec := &recorder{}
			c, err := New(Config{
				Gateway: g.srv.URL, APIVersion: v, User: "admin", Password: hostilePass,
				CAPEM: pemOf(g.srv), Observer: rec, Retry: fastRetry,
			})
			if err != nil {
				t.Fatal(err)
			}
			ctx := t.Context()
			var errs []error
			errs = append(errs, c.CreateAuthCookie(ctx))
			_, err = c.ListThings(ctx, ThingFilter{})
			errs = append(errs, err)
			_, err = c.GetThingProperties(ctx, "pk", "dev", "x")
			errs = append(errs, err)
			_, err = c.GetThingProperties(ctx, "pk", "redirect", "x")
			errs = append(errs, err)
			_, err = c.SetThingProperties(ctx, "pk", "dev", map[string]any{"p": hostilePass})
			errs = append(errs, err)
			errs = append(errs, c.CreateAuthCookie(ctx)) // a second token
			errs = append(errs, c.Close(ctx))
			secrets := g.secrets("admin")
			if len(rec.all()) < 7 {
				t.Fatalf("only %d records", len(rec.all()))
			}
			rec.checkNoSecrets(t, secrets)
			for _, err := range errs {
				if err == nil {
					continue
				}
				for _, s := range secrets {
					if strings.Contains(err.Error(), s) {
						t.Errorf("error to the caller holds a secret %q: %v", MaskToken(s), err)
					}
				}
			}
			// The masking keeps the record readable: the echoed Message is
			// there, with the secrets replaced.
			found := false
			for _, r := range rec.all() {
				if strings.Contains(r.APIMessage, "pw ******") {
					found = true
				}
			}
			if !found {
				t.Error("no record shows the echoed Message with the password masked")
			}
		})
	}
}

// TestTokenMaskedInItsOwnCreateRecord: the token a 201 issues is registered
// before the record of that very answer is reported, so its body preview
// and headers show the token masked.
func TestTokenMaskedInItsOwnCreateRecord(t *testing.T) {
	g := newEchoGW(t)
	rec := &recorder{}
	c, err := New(Config{Gateway: g.srv.URL, User: "admin", Password: hostilePass, CAPEM: pemOf(g.srv), Observer: rec})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.CreateAuthCookie(t.Context()); err != nil {
		t.Fatal(err)
	}
	r := rec.all()[0]
	tok := g.issued[0]
	if r.Operation != OpCreateAuthCookie || strings.Contains(r.ResponseBody.Preview, tok[8:]) ||
		!strings.Contains(r.ResponseBody.Preview, MaskToken(tok)) {
		t.Errorf("201 record: %+v", r.ResponseBody)
	}
}

// cjson quotes s as Lua's cjson would.
func cjson(s string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return strings.ReplaceAll(strings.TrimSuffix(b.String(), "\n"), "/", `\/`)
}

func pemOf(s *httptest.Server) []byte {
	return []byte("-----BEGIN CERTIFICATE-----\n" + base64.StdEncoding.EncodeToString(s.Certificate().Raw) + "\n-----END CERTIFICATE-----\n")
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC)
	limit := 30 * time.Second
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"0", 0, true},
		{"1", time.Second, true},
		{" 7 ", 7 * time.Second, true},
		{"29", 29 * time.Second, true},
		{"31", limit, true},
		{"9223372036", limit, true},                 // overflowed to a negative delay before
		{"9223372037", limit, true},                 // the value
		{"99999999999999999999999999", limit, true}, // past int64
		{"Tue, 01 Dec 2026 06:00:10 GMT", 10 * time.Second, true},
		{"Tue, 01 Dec 2026 05:59:00 GMT", 0, true},                 // in the past
		{"Fri, 01 Dec 2028 06:00:00 GMT", limit, true},             // far ahead
		{"Tuesday, 01-Dec-26 06:00:05 GMT", 5 * time.Second, true}, // RFC 850
		{"Tue Dec  1 06:00:03 2026", 3 * time.Second, true},        // asctime
		{"", 0, false},
		{"-1", 0, false},
		{"1.5", 0, false},
		{"soon", 0, false},
		{"12abc", 0, false},
	}
	for _, tt := range tests {
		got, ok := ParseRetryAfter(tt.in, now, limit)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseRetryAfter(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// TestRetryDelayBounds: every computed delay lies between the floor and the
// cap, whatever Retry-After says.
func TestRetryDelayBounds(t *testing.T) {
	p := RetryPolicy{}.withDefaults()
	now := time.Now()
	for _, ra := range []string{
		"0", "9223372037", "-5", "nonsense", now.Add(-time.Hour).UTC().Format(http.TimeFormat),
		now.Add(48 * time.Hour).UTC().Format(http.TimeFormat),
	} {
		for retry := range 40 {
			h := http.Header{"Retry-After": {ra}}
			d, ok := retryDelay(&p, h, now, retry)
			if !ok {
				d = backoffDelay(&p, retry)
			}
			if d < p.MinDelay || d > p.MaxRetryAfter {
				t.Fatalf("Retry-After %q retry %d: delay %v outside [%v, %v]", ra, retry, d, p.MinDelay, p.MaxRetryAfter)
			}
		}
	}
}

// TestWatchRetryAfterZeroDoesNotSpin: a gateway that answers every Watch
// with 503 and Retry-After: 0 made the endless retry loop spin at about a
// millisecond; now the backoff grows from the floor.
func TestWatchRetryAfterZeroDoesNotSpin(t *testing.T) {
	f := newFakeGW(t)
	var watches sync.WaitGroup
	n := 0
	var mu sync.Mutex
	f.setFault(func(w http.ResponseWriter, r *http.Request) bool {
		if !strings.HasSuffix(r.URL.Path, "/things/bulk") {
			return false
		}
		mu.Lock()
		n++
		mu.Unlock()
		w.Header().Set("Retry-After", "0")
		writeErr(w, Version2020, 503, "ServiceUnavailable", "busy")
		return true
	})
	c, _ := newTestClient(t, f, Version2020, func(cfg *Config) { cfg.Retry = RetryPolicy{} })
	ctx, cancel := contextWithTimeout(t, 2*time.Second)
	defer cancel()
	ch, err := c.Watch(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	watches.Add(1)
	go func() {
		defer watches.Done()
		for range ch {
		}
	}()
	watches.Wait()
	mu.Lock()
	defer mu.Unlock()
	// From a 50ms floor doubling to 5s, two seconds hold at most a handful
	// of attempts; the spinning loop made about a thousand.
	if n == 0 || n > 12 {
		t.Errorf("%d Watch requests in 2s with Retry-After: 0", n)
	}
}

// TestWatchShortStreamsBackOff: a gateway that accepts the stream, sends a
// heartbeat and hangs up at once must not be reconnected to in a tight loop.
func TestWatchShortStreamsBackOff(t *testing.T) {
	f := newFakeGW(t)
	var mu sync.Mutex
	n := 0
	f.setFault(func(w http.ResponseWriter, r *http.Request) bool {
		if !strings.HasSuffix(r.URL.Path, "/things/bulk") {
			return false
		}
		mu.Lock()
		n++
		mu.Unlock()
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprintln(w, `{"Message":"heartbeat","Data":{"Timestamp":1}}`)
		return true
	})
	c, _ := newTestClient(t, f, Version2020, func(cfg *Config) { cfg.Retry = RetryPolicy{} })
	ctx, cancel := contextWithTimeout(t, 2*time.Second)
	defer cancel()
	ch, err := c.Watch(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	for range ch {
	}
	mu.Lock()
	defer mu.Unlock()
	if n == 0 || n > 12 {
		t.Errorf("%d Watch streams in 2s from a gateway that hangs up after one line", n)
	}
}

// TestCallerErrorsAreMasked: the errors a caller gets (and may print) carry
// the masked Message, never the raw one.
func TestCallerErrorsAreMasked(t *testing.T) {
	g := newEchoGW(t)
	c, err := New(Config{Gateway: g.srv.URL, User: "admin", Password: hostilePass, CAPEM: pemOf(g.srv), Retry: fastRetry})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ListThings(t.Context(), ThingFilter{})
	var ae *APIError
	if !errors.As(err, &ae) || ae.Status != 400 || !strings.Contains(ae.Message, "pw ******") {
		t.Fatalf("error %v", err)
	}
}

func contextWithTimeout(t *testing.T, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(t.Context(), d)
}

// splitGW is a hostile gateway that hides the secrets it echoes: split by
// escape sequences, controls, bidi and zero-width characters (which the
// screen drops, joining the halves again), in other cases and encodings,
// in device names, a redirect's host, header names, across the body
// preview's end, and after setting many other cookies to push the token
// out of the client's memory.
type splitGW struct {
	mu  sync.Mutex
	tok string
}

func (g *splitGW) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	tok := g.tok
	g.mu.Unlock()
	pw := hostilePass
	half := func(s, sep string) string { return s[:len(s)/2] + sep + s[len(s)/2:] }
	switch {
	case strings.HasSuffix(r.URL.Path, "/auth/cookies") && r.Method == http.MethodPost:
		b := make([]byte, 32)
		_, _ = rand.Read(b)
		tok = hex.EncodeToString(b)
		g.mu.Lock()
		g.tok = tok
		g.mu.Unlock()
		w.Header().Add("Set-Cookie", "token="+tok+"; Max-Age=3600; Path=/")
		for i := range 20 { // more cookies than the client remembers
			w.Header().Add("Set-Cookie", fmt.Sprintf("c%d=%x; Path=/", i, b[:8+i%8]))
		}
		w.Header().Set("X-Split", half(tok, "\u2066"))
		w.WriteHeader(http.StatusCreated)
		return
	case strings.HasSuffix(r.URL.Path, "/things"):
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"Data":{"Things":[{"ProductKey":"pk","DeviceName":%q},{"ProductKey":%q,"DeviceName":"d2"}]}}`, pw, tok)
		return
	case strings.Contains(r.URL.Path, "/redirect/"):
		w.Header().Set("Location", "https://"+url.PathEscape(tok)+".invalid/x")
		w.WriteHeader(http.StatusFound)
		return
	case strings.Contains(r.URL.Path, "/cut/"):
		// The token across the preview's end.
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		pad := strings.Repeat("x", 4096-30)
		fmt.Fprintf(w, `{"Code":"BadRequest","Message":"%s %s"}`, pad, tok)
		return
	}
	cred := base64.StdEncoding.EncodeToString([]byte("admin:" + pw))
	msg := strings.Join([]string{
		half(pw, "\x1b[m"), half(pw, "\r"), half(pw, "\u202e"), half(pw, "\x00"), half(pw, "\u0086"), half(pw, "\u200b"),
		half(tok, "\x1b]0;x\x07"), half(tok, "\u00ad"), strings.ToUpper(tok), strings.TrimRight(cred, "="),
		base64.StdEncoding.EncodeToString([]byte(pw)),
	}, " | ")
	jm, _ := json.Marshal(msg)
	w.Header().Set("X-"+strings.ToLower(tok[:20]), "name")
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusBadRequest)
	fmt.Fprintf(w, `{"Code":%s,"Message":%s}`, jm, jm)
}

func TestHiddenSecretsAreMasked(t *testing.T) {
	g := &splitGW{}
	srv := httptest.NewUnstartedServer(g)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	rec := &recorder{}
	c, err := New(Config{Gateway: srv.URL, User: "admin", Password: hostilePass, CAPEM: pemOf(srv), Observer: rec, Retry: fastRetry})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	_ = c.CreateAuthCookie(ctx)
	_, _ = c.ListThings(ctx, ThingFilter{})
	_, _ = c.GetThingProperties(ctx, "pk", "dev", "x")
	_, _ = c.GetThingProperties(ctx, "pk", "redirect", "x")
	_, _ = c.GetThingProperties(ctx, "pk", "cut", "x")
	_ = c.Close(ctx)
	g.mu.Lock()
	tok := g.tok
	g.mu.Unlock()
	secrets := []string{hostilePass, tok, tok[12:52], base64.StdEncoding.EncodeToString([]byte("admin:" + hostilePass))[:20]}
	recs := rec.all()
	if len(recs) < 6 {
		t.Fatalf("only %d records", len(recs))
	}
	for _, r := range recs {
		b, _ := json.Marshal(r)
		// The record as it reads on screen: what a terminal drops removed.
		for _, view := range []string{string(b), joinHidden(string(b))} {
			lower := strings.ToLower(view)
			for _, s := range secrets {
				if strings.Contains(lower, strings.ToLower(s)) {
					t.Errorf("record %d (%s) shows a secret %q: %.300s", r.ID, r.Operation, MaskToken(s), view)
				}
			}
		}
	}
	if cut := recs[len(recs)-2].ResponseBody; len(cut.Preview) > model.BodyPreviewMax || !cut.Truncated {
		t.Errorf("the cut body: %d bytes, truncated %v", len(cut.Preview), cut.Truncated)
	}
	if got := c.Mask("cert for CN=" + hostilePass); strings.Contains(got, hostilePass) {
		t.Errorf("Mask left the password: %q", got)
	}
}

// TestWatchDropSaysWhy: a dropped stream's event says why in words (what
// the session shows), the cause still wrapped.
func TestWatchDropSaysWhy(t *testing.T) {
	f := newFakeGW(t)
	f.setFault(func(w http.ResponseWriter, r *http.Request) bool {
		if !strings.HasSuffix(r.URL.Path, "/things/bulk") {
			return false
		}
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprintln(w, `{"Message":"heartbeat","Data":{"Timestamp":1}}`)
		return true
	})
	c, _ := newTestClient(t, f, Version2020, nil)
	ctx, cancel := contextWithTimeout(t, 5*time.Second)
	defer cancel()
	ch, err := c.Watch(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	for ev := range ch {
		if ev.Kind != WatchDropped {
			continue
		}
		cancel()
		if ev.Err == nil || ev.Err.Error() != "the gateway closed the stream" || !errors.Is(ev.Err, io.EOF) {
			t.Errorf("drop error %v", ev.Err)
		}
	}
}

// loginThen is a TLS gateway that lets the login in (a cookie) and
// answers every other request with h, and a client of it (2020-04-30,
// the hostile password, retry) recording into rec.
func loginThen(t *testing.T, retry RetryPolicy, h http.HandlerFunc) (*httptest.Server, *Client, *recorder) {
	t.Helper()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			w.Header().Set("Set-Cookie", "token=0123456789abcdef0123456789abcdef; Max-Age=3600; Path=/")
			w.WriteHeader(201)
			return
		}
		h(w, r)
	}))
	rec := &recorder{}
	c, err := New(Config{
		Gateway: srv.URL, APIVersion: Version2020, User: "admin", Password: hostilePass,
		CAPEM: pemOf(srv), Observer: rec, Retry: retry,
	})
	if err != nil {
		srv.Close()
		t.Fatal(err)
	}
	return srv, c, rec
}

// TestHugeHeadersAreBounded: a gateway that sends tens of kilobytes of
// headers gets a record holding at most model.HeadersMax bytes of them
// (each value cut, the rest counted, a secret in them masked before the
// cut); one that sends more than net/http is allowed to read fails the
// exchange as a malformed answer, with one record.
func TestHugeHeadersAreBounded(t *testing.T) {
	srv, c, rec := loginThen(t, fastRetry, func(w http.ResponseWriter, r *http.Request) {
		n := 40
		if strings.Contains(r.URL.Path, "huge") {
			n = 200 // 240 KB: past maxResponseHeaderBytes
		}
		w.Header().Set("X-Echo", strings.Repeat("a", 1020)+hostilePass+strings.Repeat("b", 500))
		for i := range n {
			w.Header().Add(fmt.Sprintf("X-Pad-%03d", i), strings.Repeat("v", 1200))
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"code":200,"data":{}}`)
	})
	defer srv.Close()
	if _, err := c.Raw(t.Context(), "GET", "/2020-04-30/things/pk/big/properties", nil); err != nil {
		t.Fatal(err)
	}
	r := rec.all()[len(rec.all())-1]
	size := 0
	for _, h := range r.ResponseHeaders {
		size += len(h.Name) + len(h.Value)
		if len(h.Value) > model.HeaderValueMax+len("…") {
			t.Errorf("header %s kept %d bytes", h.Name, len(h.Value))
		}
		if strings.Contains(h.Value, hostilePass) || strings.Contains(h.Value, hostilePass[:6]) {
			t.Errorf("header %s holds the password: %q", h.Name, h.Value)
		}
	}
	if size > model.HeadersMax || r.HeadersCut == 0 || len(r.ResponseHeaders)+r.HeadersCut < 42 {
		t.Errorf("kept %d bytes in %d headers, cut %d, of 42 or more", size, len(r.ResponseHeaders), r.HeadersCut)
	}
	before := len(rec.all())
	if _, err := c.Raw(t.Context(), "GET", "/2020-04-30/things/pk/huge/properties", nil); err == nil {
		t.Fatal("240 KB of headers read")
	}
	after := rec.all()[before:]
	if len(after) == 0 || after[0].Err == nil || after[0].Err.Kind != model.ErrMalformed {
		t.Fatalf("records after huge headers: %+v", after)
	}
}

// TestRefusedHeaderLineIsMalformed: an answer whose header line net/http
// refuses (a control character in it) is a malformed answer, as the
// status table says (that device put off), not a lost gateway.
func TestRefusedHeaderLineIsMalformed(t *testing.T) {
	srv, c, _ := loginThen(t, RetryPolicy{MaxAttempts: 1}, func(w http.ResponseWriter, _ *http.Request) {
		hj, _ := w.(http.Hijacker)
		conn, buf, _ := hj.Hijack()
		defer conn.Close()
		_, _ = buf.WriteString("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\x1b[31m\r\nContent-Length: 2\r\n\r\n{}")
		_ = buf.Flush()
	})
	defer srv.Close()
	_, err := c.Raw(t.Context(), "GET", "/2020-04-30/things/pk/d/properties", nil)
	var ne *NetError
	if !errors.As(err, &ne) || ne.Kind != model.ErrMalformed {
		t.Fatalf("err %v, want a malformed answer", err)
	}
}
