package edgesim

import (
	"bufio"
	"crypto/tls"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// dialTLS opens a TLS connection to s that trusts its certificate.
func dialTLS(t *testing.T, s *Server) *tls.Conn {
	t.Helper()
	c, err := tls.Dial("tcp", strings.TrimPrefix(s.URL, "https://"), &tls.Config{RootCAs: s.CertPool()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// rawGet sends a GET on conn and reads the reply.
func rawGet(t *testing.T, conn *tls.Conn, path, cookie string) (*http.Response, string) {
	t.Helper()
	req := "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: " + cookie + "\r\n\r\n"
	if _, err := io.WriteString(conn, req); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// waitConns polls until ip holds n connections (the server sees a close
// asynchronously); it fails after a generous deadline.
func waitConns(t *testing.T, s *Server, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, m := s.conns.snapshot()
		if m["127.0.0.1"] == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("connections from 127.0.0.1: %d, want %d", m["127.0.0.1"], n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestConnLimitPerIP(t *testing.T) {
	s, _ := start(t, Options{ConnLimit: 2})
	ck := login(t, s, V2020, "admin", "admin1234")
	s.Client().CloseIdleConnections()
	waitConns(t, s, 0)
	a, b := dialTLS(t, s), dialTLS(t, s)
	waitConns(t, s, 2)
	resp, body := rawGet(t, a, "/2020-04-30/things", ck)
	if resp.StatusCode != 200 {
		t.Fatalf("within the limit: %d %s", resp.StatusCode, body)
	}
	c := dialTLS(t, s)
	resp, body = rawGet(t, c, "/2020-04-30/things", ck)
	if resp.StatusCode != 421 || !resp.Close {
		t.Fatalf("over the limit: %d close=%v %s", resp.StatusCode, resp.Close, body)
	}
	if body != `{"Code":"TooManyConnections","Message":"too many connections from 127.0.0.1"}` {
		t.Errorf("421 body %s", body)
	}
	// The 421 connection is closed by the server; closing another frees a slot.
	_ = b.Close()
	waitConns(t, s, 1)
	d := dialTLS(t, s)
	resp, body = rawGet(t, d, "/2019-09-30/things", ck)
	if resp.StatusCode != 200 {
		t.Fatalf("after a close: %d %s", resp.StatusCode, body)
	}
	// Raising the limit at run time.
	s.SetConnLimit(10)
	e := dialTLS(t, s)
	if resp, body = rawGet(t, e, "/2020-04-30/things", ck); resp.StatusCode != 200 {
		t.Fatalf("after SetConnLimit: %d %s", resp.StatusCode, body)
	}
}

func TestConnLimitBurstWithWatchStreams(t *testing.T) {
	// Long-lived Watch streams hold connections, as on a gateway: with a
	// limit of 3, three streams and one more request make four.
	s, _ := start(t, Options{ConnLimit: 3, Heartbeat: time.Hour})
	ck := login(t, s, V2020, "admin", "admin1234")
	// The login's keep-alive connection may not be back in the idle pool
	// when the first stream starts, which then dials a fourth: start from
	// none.
	s.Client().CloseIdleConnections()
	waitConns(t, s, 0)
	for range 3 {
		resp := openWatch(t, s, V2020, ck, `{"BulkAction":"Watch","Things":[]}`)
		if resp.StatusCode != 200 {
			t.Fatalf("watch: %d", resp.StatusCode)
		}
	}
	resp, body := do(t, s, "GET", "/2020-04-30/things", "", ck)
	mustStatus(t, resp, body, 421)
}
