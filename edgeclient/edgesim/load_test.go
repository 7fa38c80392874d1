package edgesim

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestConcurrentClients runs a mixed workload from many goroutines (run
// it with -race): every reply must be a status the request can get.
func TestConcurrentClients(t *testing.T) {
	s, clk := start(t, Options{ConnLimit: -1, MaxTokens: 256, Heartbeat: 5 * time.Millisecond, WatchInterval: time.Millisecond})
	ck := login(t, s, V2020, "admin", "admin1234")
	l := "/2020-04-30/things/" + KeyLight + "/Light0"
	reqs := []struct{ method, path, body string }{
		{"GET", "/2020-04-30/things", ""},
		{"GET", l + "1/properties?identifiers=LightSwitch&identifiers=MeasuredIlluminance", ""},
		{"POST", l + "2/properties", `{"Properties":{"Brightness":50}}`},
		{"POST", l + "3/services", `{"Services":[{"Name":"toggle"}]}`},
		{"POST", "/2020-04-30/things/bulk", `{"BulkAction":"GetProperties","Things":[{"ProductKey":"` + KeyMeter + `","DeviceName":"PowerMeter01","Identifiers":["Voltage"]}]}`},
		{"POST", "/2020-04-30/things/" + KeySensor + "/THSensor01/services", `{"Services":[{"Name":"calibrate","Args":{"offset":0.5}}]}`},
		{"POST", "/2020-04-30/scenes/" + SceneDusk + "/disable", ""},
		{"GET", "/2020-04-30/scenes", ""},
	}
	s.Faults().Add(FaultRule{Op: "ListScenes", Code: 503, Rate: 0.3})
	var wg sync.WaitGroup
	errs := make(chan string, 1000)
	for g := range 32 {
		wg.Go(func() {
			for i := range 30 {
				r := reqs[(g+i)%len(reqs)]
				req, _ := http.NewRequest(r.method, s.URL+r.path, strings.NewReader(r.body))
				req.Header.Set("Cookie", ck)
				resp, err := s.Client().Do(req)
				if err != nil {
					errs <- err.Error()
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 && !(resp.StatusCode == 500 && strings.Contains(r.path, "THSensor")) && !(resp.StatusCode == 503 && r.path == "/2020-04-30/scenes") {
					errs <- fmt.Sprintf("%s %s: %d", r.method, r.path, resp.StatusCode)
				}
				if i%10 == 0 {
					clk.Advance(time.Second)
					login(t, s, V2019, "viewer", "viewer1234")
				}
			}
		})
	}
	for range 4 { // watchers come and go meanwhile
		wg.Go(func() { churnWatchers(s, ck, errs) })
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if n := s.tokens.size(); n > 256 {
		t.Errorf("token table %d > 256", n)
	}
}

// churnWatchers opens Watch streams, reads a little and hangs up.
func churnWatchers(s *Server, ck string, errs chan<- string) {
	for range 5 {
		req, _ := http.NewRequest("POST", s.URL+"/2020-04-30/things/bulk", strings.NewReader(`{"BulkAction":"Watch","Things":[]}`))
		req.Header.Set("Cookie", ck)
		resp, err := s.Client().Do(req)
		if err != nil {
			errs <- err.Error()
			continue
		}
		buf := make([]byte, 512)
		_, _ = io.ReadAtLeast(resp.Body, buf, 100)
		resp.Body.Close()
	}
}

func TestDeterministicUnderSeed(t *testing.T) {
	path := "/2020-04-30/things/" + KeySensor + "/THSensor02/properties?identifiers=CurrentTemperature,CurrentHumidity"
	read := func(seed int64) string {
		s, _ := start(t, Options{Seed: seed})
		ck := login(t, s, V2020, "admin", "admin1234")
		_, body := do(t, s, "GET", path, "", ck)
		return body
	}
	if a, b := read(7), read(7); a != b {
		t.Errorf("same seed, different bodies:\n%s\n%s", a, b)
	}
	if a, b := read(7), read(8); a == b {
		t.Errorf("different seeds, same body %s", a)
	}
}

func TestDevicesAndCert(t *testing.T) {
	s, _ := start(t, Options{})
	ds := s.Devices()
	if len(ds) < 12 {
		t.Fatalf("%d devices", len(ds))
	}
	roles := map[string]string{}
	for _, d := range ds {
		roles[d.DeviceName] = d.Role
		if len(d.Properties) == 0 || len(d.Services) < 2 {
			t.Errorf("device %+v", d)
		}
	}
	if roles["Light04"] == "" || roles["THSensor04"] == "" || roles["PowerMeter02"] == "" {
		t.Errorf("demo roles missing: %v", roles)
	}
	leaf := s.cert.tls.Leaf
	if got := leaf.Subject.String(); got != "CN=Link IoT Edge,OU=Link IoT Edge,O=Link IoT Edge,L=Hangzhou,ST=Zhejiang,C=CN" {
		t.Errorf("subject %s", got)
	}
	if !strings.HasPrefix(s.Fingerprint(), "sha256:") || len(s.Fingerprint()) != 7+64 {
		t.Errorf("fingerprint %s", s.Fingerprint())
	}
	if !strings.Contains(string(s.CertPEM()), "BEGIN CERTIFICATE") {
		t.Error("CertPEM")
	}
}

func BenchmarkGetThingProperties(b *testing.B) {
	s, err := New(Options{ConnLimit: -1})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	req, _ := http.NewRequest("POST", s.URL+"/2020-04-30/auth/cookies", nil)
	req.SetBasicAuth("admin", "admin1234")
	resp, err := s.Client().Do(req)
	if err != nil {
		b.Fatal(err)
	}
	resp.Body.Close()
	ck, _, _ := strings.Cut(resp.Header.Get("Set-Cookie"), ";")
	url := s.URL + "/2020-04-30/things/" + KeyLight + "/Light01/properties?identifiers=LightSwitch&identifiers=MeasuredIlluminance"
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest("GET", url, nil)
			req.Header.Set("Cookie", ck)
			resp, err := s.Client().Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	})
}

func TestAccessLog(t *testing.T) {
	var buf syncBuffer
	s, _ := start(t, Options{AccessLog: &buf})
	ck := login(t, s, V2020, "admin", "admin1234")
	do(t, s, "GET", "/2020-04-30/things?productkey="+KeyDoor, "", ck)
	do(t, s, "GET", "/2020-04-30/nope", "", ck)
	// A line is written once its reply is complete, which the client may
	// see a moment before the server's handler has returned: wait for it.
	wants := []string{
		`127.0.0.1 - - [22/Apr/2020:17:01:50 +0000] "POST /2020-04-30/auth/cookies HTTP/1.1" 201 0`,
		`"GET /2020-04-30/things?productkey=` + KeyDoor + ` HTTP/1.1" 200 `,
		`"GET /2020-04-30/nope HTTP/1.1" 404 `,
	}
	var got string
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if got = buf.String(); strings.Count(got, "\n") >= len(wants) {
			break
		}
	}
	for _, want := range wants {
		if !strings.Contains(got, want) {
			t.Errorf("access log lacks %q:\n%s", want, got)
		}
	}
}

// syncBuffer is a goroutine-safe strings.Builder.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func TestWildcardListenerCertCoversInterfaces(t *testing.T) {
	s, _ := start(t, Options{Listen: "0.0.0.0:0"})
	if !strings.HasPrefix(s.URL, "https://127.0.0.1:") {
		t.Errorf("URL %s", s.URL)
	}
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		n, ok := a.(*net.IPNet)
		if !ok {
			continue
		}
		if err := s.cert.tls.Leaf.VerifyHostname(n.IP.String()); err != nil {
			t.Errorf("certificate does not cover %s: %v", n.IP, err)
		}
	}
	resp, body := do(t, s, "GET", "/2020-04-30/things", "", "")
	mustStatus(t, resp, body, 401)
}

// BenchmarkNew measures start-up: certificate generation, inventory and
// listener (part of the demo's time to first frame).
func BenchmarkNew(b *testing.B) {
	for b.Loop() {
		s, err := New(Options{})
		if err != nil {
			b.Fatal(err)
		}
		_ = s.Close()
	}
}
