package edgesim

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// openWatch starts a Watch stream; its body is closed at cleanup.
func openWatch(t *testing.T, s *Server, ver, cookie, body string) *http.Response {
	t.Helper()
	req := newReq(t, s, "POST", "/"+ver+"/things/bulk", body, cookie)
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = resp.Body.Close() })
	return resp
}

// lines reads a stream's lines on a goroutine.
func lines(resp *http.Response) <-chan string {
	ch := make(chan string, 256)
	go func() {
		defer close(ch)
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			ch <- sc.Text()
		}
	}()
	return ch
}

// watchLine is one decoded stream line.
type watchLine struct {
	Code    any
	Message string
	Data    struct {
		ProductKey, DeviceName, Event string
		Args                          map[string]json.RawMessage
		Timestamp                     int64
	}
}

// await reads lines until one satisfies ok; it fails when the stream ends
// or nothing matches within a generous deadline (a hang guard, not a
// timing assertion).
func await(t *testing.T, ch <-chan string, ok func(watchLine) bool) watchLine {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case l, open := <-ch:
			if !open {
				t.Fatal("stream ended")
			}
			var wl watchLine
			if err := json.Unmarshal([]byte(l), &wl); err != nil {
				t.Fatalf("line %q: %v", l, err)
			}
			if ok(wl) {
				return wl
			}
		case <-deadline:
			t.Fatal("no matching line")
		}
	}
}

func fastWatch() Options {
	return Options{Heartbeat: 20 * time.Millisecond, WatchInterval: 5 * time.Millisecond}
}

func TestWatchStream(t *testing.T) {
	s, clk := start(t, fastWatch())
	ck := login(t, s, V2020, "admin", "admin1234")
	resp := openWatch(t, s, V2020, ck, `{"BulkAction":"Watch","Things":[]}`)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/plain" || resp.TransferEncoding[0] != "chunked" {
		t.Fatalf("watch reply: %d %v %v", resp.StatusCode, resp.Header, resp.TransferEncoding)
	}
	ch := lines(resp)
	hb := await(t, ch, func(l watchLine) bool { return l.Message == "heartbeat" })
	if hb.Data.Timestamp != clk.Now().UnixMilli() || hb.Code != nil {
		t.Errorf("heartbeat %+v", hb)
	}
	// A property set shows up as propertiesChanged with {time, value}.
	r, body := do(t, s, "POST", "/2020-04-30/things/"+KeyLight+"/Light03/properties", `{"Properties":{"Brightness":12}}`, ck)
	mustStatus(t, r, body, 200)
	ev := await(t, ch, func(l watchLine) bool { return l.Data.DeviceName == "Light03" })
	want := `{"time":1587574910136,"value":12}`
	if ev.Message != "success" || ev.Data.Event != "propertiesChanged" || string(ev.Data.Args["Brightness"]) != want {
		t.Errorf("event %+v", ev)
	}
	// A failing device emits its TSL error event.
	do(t, s, "POST", "/2020-04-30/things/"+KeyLight+"/Light04/services", `{"Services":[{"Name":"toggle"}]}`, ck)
	ev = await(t, ch, func(l watchLine) bool { return l.Data.Event == "LampFault" })
	if string(ev.Data.Args["ErrorCode"]) != "9201" {
		t.Errorf("LampFault %+v", ev)
	}
	// Drift: time passes, values change and are reported.
	clk.Advance(30 * time.Second)
	ev = await(t, ch, func(l watchLine) bool {
		return l.Data.Event == "propertiesChanged" && l.Data.DeviceName == "THSensor01"
	})
	if _, ok := ev.Data.Args["CurrentTemperature"]; !ok || ev.Data.Timestamp != clk.Now().UnixMilli() {
		t.Errorf("drift event %+v", ev)
	}
}

func TestWatchStream2019AndFilter(t *testing.T) {
	s, _ := start(t, fastWatch())
	ck := login(t, s, V2019, "admin", "admin1234")
	body := `{"BulkAction":"Watch","Things":[{"ProductKey":"` + KeyLight + `","DeviceName":"Light02","Watches":"events"}]}`
	ch := lines(openWatch(t, s, V2019, ck, body))
	hb := await(t, ch, func(l watchLine) bool { return l.Message == "heartbeat" })
	if hb.Code != float64(200) {
		t.Errorf("2019 heartbeat without Code 200: %+v", hb)
	}
	do(t, s, "POST", "/2019-09-30/things/"+KeyLight+"/Light02/properties", `{"Properties":{"Brightness":3}}`, ck)
	do(t, s, "POST", "/2019-09-30/things/"+KeyLight+"/Light04/services", `{"Services":[{"Name":"toggle"}]}`, ck)
	do(t, s, "POST", "/2019-09-30/things/"+KeyLight+"/Light02/services", `{"Services":[{"Name":"setColor","Args":{"color":"blue"}}]}`, ck)
	// Light02 is watched for events only: its property changes and
	// Light04's fault are not sent; the next heartbeats are.
	for range 3 {
		l := await(t, ch, func(watchLine) bool { return true })
		if l.Message != "heartbeat" {
			t.Errorf("unexpected line %+v", l)
		}
	}
}

func TestWatchValidation(t *testing.T) {
	s, _ := start(t, Options{MaxWatchers: 1, Heartbeat: time.Hour})
	ck := login(t, s, V2020, "admin", "admin1234")
	resp, body := do(t, s, "POST", "/2020-04-30/things/bulk", `{"BulkAction":"Watch","Things":[{"ProductKey":"`+KeyLight+`","DeviceName":"Nope"}]}`, ck)
	mustStatus(t, resp, body, 404)
	resp, body = do(t, s, "POST", "/2020-04-30/things/bulk", `{"BulkAction":"Watch","Things":[{"ProductKey":"`+KeyLight+`","DeviceName":"Light01","Watches":"sometimes"}]}`, ck)
	mustStatus(t, resp, body, 400)
	if r := openWatch(t, s, V2020, ck, `{"BulkAction":"Watch"}`); r.StatusCode != 200 {
		t.Fatalf("first watch: %d", r.StatusCode)
	}
	resp, body = do(t, s, "POST", "/2020-04-30/things/bulk", `{"BulkAction":"Watch","Things":[]}`, ck)
	mustStatus(t, resp, body, 503)
}

func TestWatchClientDisconnect(t *testing.T) {
	s, _ := start(t, fastWatch())
	ck := login(t, s, V2020, "admin", "admin1234")
	resp := openWatch(t, s, V2020, ck, `{"BulkAction":"Watch","Things":[]}`)
	ch := lines(resp)
	await(t, ch, func(l watchLine) bool { return l.Message == "heartbeat" })
	if n := watcherCount(s); n != 1 {
		t.Fatalf("watchers %d", n)
	}
	_ = resp.Body.Close()
	deadline := time.Now().Add(10 * time.Second)
	for watcherCount(s) != 0 {
		if time.Now().After(deadline) {
			t.Fatal("stream still open after the client went away")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func watcherCount(s *Server) int {
	s.streamMu.Lock()
	defer s.streamMu.Unlock()
	return s.watchers
}

func TestCloseEndsWatchStreams(t *testing.T) {
	s, _ := start(t, Options{Heartbeat: time.Hour})
	ck := login(t, s, V2020, "admin", "admin1234")
	var chans []<-chan string
	for range 3 {
		chans = append(chans, lines(openWatch(t, s, V2020, ck, `{"BulkAction":"Watch","Things":[]}`)))
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if n := watcherCount(s); n != 0 {
		t.Fatalf("Close returned with %d watchers", n)
	}
	for _, ch := range chans {
		for range ch { // drains until the stream ends
		}
	}
	if !strings.HasPrefix(s.URL, "https://127.0.0.1:") {
		t.Errorf("URL %s", s.URL)
	}
}

func TestWatchFaultsAndDrop(t *testing.T) {
	s, _ := start(t, fastWatch())
	ck := login(t, s, V2020, "admin", "admin1234")
	// truncate: one line, then the connection is dropped.
	id := s.Faults().Add(FaultRule{Op: "BulkActions.Watch", Action: ActionTruncate})
	resp := openWatch(t, s, V2020, ck, `{"BulkAction":"Watch","Things":[]}`)
	b, err := io.ReadAll(resp.Body)
	if err == nil || strings.Count(string(b), "\n") != 1 {
		t.Errorf("truncated stream: %q, %v", b, err)
	}
	s.Faults().Remove(id)
	// malformed: the first line is not JSON, the next ones are.
	s.Faults().Add(FaultRule{Op: "BulkActions", Action: ActionMalformed, Count: 1})
	sc := bufio.NewScanner(openWatch(t, s, V2020, ck, `{"BulkAction":"Watch"}`).Body)
	for i := range 2 {
		if !sc.Scan() {
			t.Fatal("stream ended")
		}
		if json.Valid(sc.Bytes()) != (i == 1) {
			t.Errorf("line %d: %s", i, sc.Text())
		}
	}
	// DropWatchers cuts the open streams.
	ch := lines(openWatch(t, s, V2020, ck, `{"BulkAction":"Watch"}`))
	await(t, ch, func(l watchLine) bool { return l.Message == "heartbeat" })
	if n := s.DropWatchers(); n != 2 { // the malformed one is open too
		t.Errorf("DropWatchers: %d streams", n)
	}
	for range ch { // drains until the cut stream ends
	}
}
