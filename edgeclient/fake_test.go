package edgeclient

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"edgetop/model"
)

// fakeGW is a small gateway for unit tests: both versions, cookie auth,
// the doc examples as answers (testdata/), and a fault hook per test.
type fakeGW struct {
	t          *testing.T
	srv        *httptest.Server
	user, pass string

	mu         sync.Mutex
	tokens     map[string]bool
	issued     []string
	fault      func(w http.ResponseWriter, r *http.Request) bool
	deleteWith []string // "cookie" and/or "basic" per DELETE
	watchDrop  int32    // end the first watchDrop Watch streams after the fixture lines
	maxAge     int

	creates, deletes, watches atomic.Int32
}

const (
	testUser = "admin"
	testPass = "s3cretPassw0rd"
)

func newFakeGW(t *testing.T) *fakeGW {
	f := &fakeGW{t: t, user: testUser, pass: testPass, tokens: map[string]bool{}, maxAge: 3600}
	f.srv = httptest.NewUnstartedServer(f)
	f.srv.Config.ErrorLog = log.New(io.Discard, "", 0) // TLS failures are expected in tests
	f.srv.StartTLS()
	t.Cleanup(f.srv.Close)
	return f
}

// caPEM is the server's certificate, to trust it as a CA file would.
func (f *fakeGW) caPEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: f.srv.Certificate().Raw})
}

func (f *fakeGW) setFault(fn func(w http.ResponseWriter, r *http.Request) bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fault = fn
}

// expireAll makes every issued cookie invalid, as Max-Age running out does.
func (f *fakeGW) expireAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tokens = map[string]bool{}
}

func (f *fakeGW) secrets() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	cred := "YWRtaW46czNjcmV0UGFzc3cwcmQ=" // base64("admin:s3cretPassw0rd")
	return append([]string{f.pass, cred}, f.issued...)
}

func versionOf(path string) string {
	for _, s := range strings.Split(path, "/") {
		if s != "" {
			return s
		}
	}
	return ""
}

func writeErr(w http.ResponseWriter, v string, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	if v == Version2019 {
		fmt.Fprintf(w, `{"Code":%d,"Message":%q}`, status, msg)
		return
	}
	fmt.Fprintf(w, `{"Code":%q,"Message":%q}`, code, msg)
}

func (f *fakeGW) cookieOK(r *http.Request) bool {
	c := r.Header.Get("Cookie")
	i := strings.Index(c, "token=")
	if i < 0 {
		return false
	}
	tok := c[i+6:]
	if j := strings.IndexAny(tok, "; "); j >= 0 {
		tok = tok[:j]
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.tokens[tok]
}

func (f *fakeGW) basicOK(r *http.Request) bool {
	u, p, ok := r.BasicAuth()
	f.mu.Lock()
	defer f.mu.Unlock()
	return ok && u == f.user && p == f.pass
}

func (f *fakeGW) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	fault := f.fault
	f.mu.Unlock()
	if fault != nil && fault(w, r) {
		return
	}
	w.Header().Set("Server", "openresty/1.13.6.2")
	v := versionOf(r.URL.Path)
	op, _, _ := OperationFor(r.Method, r.URL.Path)
	switch op {
	case OpCreateAuthCookie:
		f.createCookie(w, r, v)
		return
	case OpDeleteAuthCookie:
		f.deleteCookie(w, r, v)
		return
	case OpUnknown:
		writeErr(w, v, 404, "NotFound", "no such path")
		return
	}
	if !f.cookieOK(r) {
		writeErr(w, v, 401, "Unauthorized", "cookie invalid or expired")
		return
	}
	body, _ := io.ReadAll(r.Body)
	if op == OpBulkActions {
		var b struct{ BulkAction string }
		_ = json.Unmarshal(body, &b)
		op += "." + b.BulkAction
	}
	f.serveOp(w, r, v, op, body)
}

func (f *fakeGW) createCookie(w http.ResponseWriter, r *http.Request, v string) {
	f.creates.Add(1)
	if !f.basicOK(r) {
		writeErr(w, v, 401, "Unauthorized", "bad credentials")
		return
	}
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	tok := hex.EncodeToString(b)
	f.mu.Lock()
	f.tokens[tok] = true
	f.issued = append(f.issued, tok)
	maxAge := f.maxAge
	f.mu.Unlock()
	w.Header().Set("Set-Cookie", fmt.Sprintf("token=%s; Max-Age=%d; Path=/", tok, maxAge))
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(201)
	if v == Version2019 {
		io.WriteString(w, `{"Code":201,"Message":"success"}`)
	}
}

func (f *fakeGW) deleteCookie(w http.ResponseWriter, r *http.Request, v string) {
	f.deletes.Add(1)
	tok := r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
	var forms []string
	if f.cookieOK(r) {
		forms = append(forms, "cookie")
	}
	if f.basicOK(r) {
		forms = append(forms, "basic")
	}
	f.mu.Lock()
	f.deleteWith = forms
	known := f.tokens[tok]
	delete(f.tokens, tok)
	f.mu.Unlock()
	if len(forms) == 0 || !known {
		writeErr(w, v, 401, "Unauthorized", "no such cookie")
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if v == Version2019 {
		io.WriteString(w, `{"Code":200,"Message":"success"}`)
	}
}

func (f *fakeGW) serveOp(w http.ResponseWriter, r *http.Request, v, op string, body []byte) {
	switch op {
	case OpBulkWatch:
		f.serveWatch(w, r, v)
		return
	case OpInvokeFunction:
		if strings.Contains(r.URL.Path, "fail") {
			w.Header().Set("X-Fc-Error-Type", "Handled")
			io.WriteString(w, `{"Message":"boom","StackTrace":[]}`)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=UTF-8")
		io.WriteString(w, "Hello World:"+string(body))
		return
	case OpEnableScene, OpDisableScene:
		if v == Version2019 {
			writeErr(w, v, 404, "NotFound", "no scenes in 2019")
		}
		return
	}
	data, err := os.ReadFile("testdata/" + op + ".json")
	if err != nil {
		writeErr(w, v, 404, "NotFound", "no fixture for "+op)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if v == Version2019 {
		data = append([]byte(`{"Code":200,"Message":"success",`), data[1:]...)
	}
	w.Write(data)
}

func (f *fakeGW) serveWatch(w http.ResponseWriter, r *http.Request, v string) {
	n := f.watches.Add(1)
	lines, _ := os.ReadFile("testdata/BulkActions.Watch.jsonl")
	w.Header().Set("Content-Type", "text/plain")
	w.WriteHeader(200)
	fl := w.(http.Flusher)
	for _, l := range strings.Split(strings.TrimSpace(string(lines)), "\n") {
		if v == Version2019 {
			l = `{"Code":200,` + l[1:]
		}
		io.WriteString(w, l+"\n")
		fl.Flush()
	}
	if n <= f.watchDrop {
		return
	}
	<-r.Context().Done()
}

// recorder is an Observer that keeps every record; at the end of the test
// it checks that no record's JSON holds the password or any token.
type recorder struct {
	mu   sync.Mutex
	recs []model.Record
}

func (r *recorder) Observe(rec model.Record) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.recs = append(r.recs, rec)
}

func (r *recorder) all() []model.Record {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]model.Record(nil), r.recs...)
}

func (r *recorder) count(op string) int {
	n := 0
	for _, rec := range r.all() {
		if rec.Operation == op {
			n++
		}
	}
	return n
}

func (r *recorder) checkNoSecrets(t *testing.T, secrets []string) {
	t.Helper()
	for _, rec := range r.all() {
		b, err := json.Marshal(rec)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range secrets {
			if s != "" && strings.Contains(string(b), s) {
				t.Errorf("record %d (%s) holds a secret %q: %s", rec.ID, rec.Operation, MaskToken(s), b)
			}
		}
	}
}

// fastRetry keeps backoff short so tests run fast.
var fastRetry = RetryPolicy{
	BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond, MinDelay: time.Millisecond, MaxRetryAfter: 5 * time.Millisecond,
	StreamBaseDelay: time.Millisecond, StreamMaxDelay: 5 * time.Millisecond,
}

func newTestClient(t *testing.T, f *fakeGW, version string, mod func(*Config)) (*Client, *recorder) {
	t.Helper()
	rec := &recorder{}
	cfg := Config{
		Gateway: f.srv.URL, APIVersion: version, User: f.user, Password: f.pass,
		CAPEM: f.caPEM(), Observer: rec, Retry: fastRetry, WatchIdle: 5 * time.Second,
	}
	if mod != nil {
		mod(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = c.Close(context.Background())
		rec.checkNoSecrets(t, f.secrets())
	})
	return c, rec
}
