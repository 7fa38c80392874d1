package edgeclient

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"testing"
	"time"

	"edgetop/edgeclient/edgesim"
)

// benchSetup starts a simulated gateway and a logged-in client whose records
// go to a drained ChanObserver, as in the dashboard.
func benchSetup(b *testing.B) (*edgesim.Server, *Client, func()) {
	s, err := edgesim.New(edgesim.Options{Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	obs := NewChanObserver(1024)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-obs.C():
			case <-done:
				return
			}
		}
	}()
	c, err := New(Config{Gateway: s.URL, User: simUser, Password: simPass, CAPEM: s.CertPEM(), Observer: obs, MaxConnsPerHost: 8})
	if err != nil {
		b.Fatal(err)
	}
	if err := c.CreateAuthCookie(b.Context()); err != nil {
		b.Fatal(err)
	}
	return s, c, func() { close(done); _ = c.Close(b.Context()); _ = s.Close() }
}

// bareGet is a plain net/http request doing the same work as the client
// call: the cookie header, the whole body read, the typed decode.
func bareGet(b *testing.B, hc *http.Client, url, cookie string) {
	req, err := http.NewRequestWithContext(b.Context(), http.MethodGet, url, nil)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Cookie", cookie)
	req.Header.Set("Accept", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 {
		b.Fatalf("%d %v", resp.StatusCode, err)
	}
	var env struct{ Data Properties }
	if err := json.Unmarshal(body, &env); err != nil {
		b.Fatal(err)
	}
}

// bareClient is an http.Client with the client's own transport settings
// (same TLS trust, keep-alive and connection cap).
func bareClient(b *testing.B, s *edgesim.Server) *http.Client {
	cfg := Config{CAPEM: s.CertPEM()}
	tc, err := cfg.tlsConfig("127.0.0.1")
	if err != nil {
		b.Fatal(err)
	}
	return &http.Client{Transport: &http.Transport{TLSClientConfig: tc, MaxConnsPerHost: 8, MaxIdleConnsPerHost: 8, MaxIdleConns: 8, IdleConnTimeout: 90 * time.Second}}
}

func BenchmarkClientGetProperties(b *testing.B) {
	_, c, stop := benchSetup(b)
	defer stop()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.GetThingProperties(b.Context(), simPK, simDev, "LightSwitch"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBareGetProperties(b *testing.B) {
	s, c, stop := benchSetup(b)
	defer stop()
	hc := bareClient(b, s)
	url := s.URL + c.devicePath(simPK, simDev, "properties") + "?identifiers=LightSwitch"
	cookie := "token=" + c.token
	b.ReportAllocs()
	for b.Loop() {
		bareGet(b, hc, url, cookie)
	}
}

// BenchmarkGetPropertiesRatio interleaves the two so that both see the same
// machine state, the order alternating each iteration (whichever runs
// second finds the connection warmer), and reports client/bare as "ratio"
// (target ≤ 1.15) with the min, median and max of the ratio over rounds of
// 64 pairs.
func BenchmarkGetPropertiesRatio(b *testing.B) {
	s, c, stop := benchSetup(b)
	defer stop()
	hc := bareClient(b, s)
	url := s.URL + c.devicePath(simPK, simDev, "properties") + "?identifiers=LightSwitch"
	cookie := "token=" + c.token
	client := func() time.Duration {
		t0 := time.Now()
		if _, err := c.GetThingProperties(b.Context(), simPK, simDev, "LightSwitch"); err != nil {
			b.Fatal(err)
		}
		return time.Since(t0)
	}
	bare := func() time.Duration {
		t0 := time.Now()
		bareGet(b, hc, url, cookie)
		return time.Since(t0)
	}
	var tc, tb, rc, rb time.Duration
	var rounds []float64
	for i := 0; b.Loop(); i++ {
		var dc, db time.Duration
		if i%2 == 0 {
			dc, db = client(), bare()
		} else {
			db, dc = bare(), client()
		}
		tc, tb, rc, rb = tc+dc, tb+db, rc+dc, rb+db
		if i%64 == 63 {
			rounds = append(rounds, float64(rc)/float64(rb))
			rc, rb = 0, 0
		}
	}
	b.ReportMetric(float64(tc)/float64(tb), "ratio")
	if len(rounds) > 0 {
		slices.Sort(rounds)
		b.ReportMetric(rounds[0], "ratio-min")
		b.ReportMetric(rounds[len(rounds)/2], "ratio-median")
		b.ReportMetric(rounds[len(rounds)-1], "ratio-max")
	}
	b.ReportMetric(float64(tc.Nanoseconds())/float64(b.N), "client-ns/op")
	b.ReportMetric(float64(tb.Nanoseconds())/float64(b.N), "bare-ns/op")
}
