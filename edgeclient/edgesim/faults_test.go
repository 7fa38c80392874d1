package edgesim

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestParseFault(t *testing.T) {
	good := map[string]FaultRule{
		"op=SetThingProperties,code=500,rate=0.2": {Op: "SetThingProperties", Code: 500, Rate: 0.2},
		"op=*;latency=50ms;jitter=20ms":           {Op: "*", Latency: 50 * time.Millisecond, Jitter: 20 * time.Millisecond},
		"op=BulkActions,action=reset":             {Op: "BulkActions", Action: ActionReset},
		"code=503,apicode=ServiceUnavailable,after=10s,for=5s,every=1m,count=3,message=busy": {
			Code: 503, APICode: "ServiceUnavailable", After: 10 * time.Second, For: 5 * time.Second, Every: time.Minute, Count: 3, Message: "busy",
		},
		"op=GetThingProperties, action=stall, stall=2s": {Op: "GetThingProperties", Action: ActionStall, Stall: 2 * time.Second},
	}
	for spec, want := range good {
		got, err := ParseFault(spec)
		if err != nil || got != want {
			t.Errorf("ParseFault(%q) = %+v, %v; want %+v", spec, got, err, want)
		}
		again, err := ParseFault(got.String())
		if err != nil || again != got {
			t.Errorf("round trip of %q via %q: %+v, %v", spec, got.String(), again, err)
		}
	}
	bad := []string{"", "op=Nope,code=500", "code=99", "code=100", "code=101", "code=500,rate=2", "action=explode", "op=ListThings", "code", "latency=fast", "color=red"}
	for _, spec := range bad {
		if _, err := ParseFault(spec); err == nil {
			t.Errorf("ParseFault(%q) accepted", spec)
		}
	}
	if _, err := New(Options{Faults: []FaultRule{{Op: "Nope", Code: 500}}}); err == nil {
		t.Error("New accepted an invalid fault")
	}
}

func TestFaultRateAndOp(t *testing.T) {
	s, _ := start(t, Options{Faults: []FaultRule{{Op: "ListThings", Code: 500, Rate: 0.5, APICode: "Message.SendAndReply"}}})
	ck := login(t, s, V2020, "admin", "admin1234")
	seen := map[int]int{}
	for range 100 {
		resp, body := do(t, s, "GET", "/2020-04-30/things", "", ck)
		seen[resp.StatusCode]++
		if resp.StatusCode == 500 && body != `{"Code":"Message.SendAndReply","Message":"injected fault"}` {
			t.Fatalf("500 body %s", body)
		}
	}
	if seen[200] == 0 || seen[500] == 0 || seen[200]+seen[500] != 100 {
		t.Errorf("statuses %v", seen)
	}
	// Other operations are untouched.
	resp, body := do(t, s, "GET", "/2020-04-30/scenes", "", ck)
	mustStatus(t, resp, body, 200)
	if f := s.Faults().List(); len(f) != 1 || f[0].Fired != seen[500] {
		t.Errorf("List %+v, fired %d", f, seen[500])
	}
}

func TestFaultTimedScriptAndCount(t *testing.T) {
	s, clk := start(t, Options{})
	ck := login(t, s, V2019, "admin", "admin1234")
	s.Faults().Add(FaultRule{Code: 503, After: 10 * time.Second, For: 5 * time.Second, Every: time.Minute})
	status := func() int {
		resp, _ := do(t, s, "GET", "/2019-09-30/things", "", ck)
		return resp.StatusCode
	}
	want := map[time.Duration]int{0: 200, 10 * time.Second: 503, 14 * time.Second: 503, 15 * time.Second: 200, 70 * time.Second: 503, 76 * time.Second: 200}
	var at time.Duration
	for _, step := range []time.Duration{0, 10 * time.Second, 14 * time.Second, 15 * time.Second, 70 * time.Second, 76 * time.Second} {
		clk.Advance(step - at)
		at = step
		if got := status(); got != want[step] {
			t.Errorf("at +%v: %d, want %d", step, got, want[step])
		}
	}
	s.Faults().Clear()
	id := s.Faults().Add(FaultRule{Op: "ListThings", Code: 404, Count: 2})
	got := []int{status(), status(), status()}
	if got[0] != 404 || got[1] != 404 || got[2] != 200 {
		t.Errorf("count=2: %v", got)
	}
	if !s.Faults().Remove(id) || s.Faults().Remove(id) {
		t.Error("Remove")
	}
}

func TestFaultInjectedBodies(t *testing.T) {
	s, _ := start(t, Options{})
	ck := login(t, s, V2019, "admin", "admin1234")
	s.Faults().Add(FaultRule{Op: "ListThings", Code: 421})
	resp, body := do(t, s, "GET", "/2019-09-30/things", "", ck)
	mustStatus(t, resp, body, 421)
	if !resp.Close || body != `{"Code":421,"Message":"injected fault"}` {
		t.Errorf("421: close=%v %s", resp.Close, body)
	}
	s.Faults().Clear()
	s.Faults().Add(FaultRule{Op: "ListThings", Action: ActionMalformed})
	resp, body = do(t, s, "GET", "/2019-09-30/things", "", ck)
	mustStatus(t, resp, body, 200)
	if json.Valid([]byte(body)) || !strings.HasPrefix(body, `{"Code":200,"Message":"success","Data":{"Things":[`) {
		t.Errorf("malformed body is valid or unrelated: %.80s", body)
	}
}

func TestFaultTransportErrors(t *testing.T) {
	s, _ := start(t, Options{})
	ck := login(t, s, V2020, "admin", "admin1234")
	path := "/2020-04-30/things"
	for _, r := range []FaultRule{
		{Op: "ListThings", Action: ActionReset},
		{Op: "ListThings", Action: ActionStall, Stall: 10 * time.Millisecond},
	} {
		s.Faults().Clear()
		s.Faults().Add(r)
		resp, err := s.Client().Do(newReq(t, s, "GET", path, "", ck))
		if err == nil {
			resp.Body.Close()
			t.Errorf("%s: got %d, want a transport error", r.Action, resp.StatusCode)
		}
	}
	s.Faults().Clear()
	s.Faults().Add(FaultRule{Op: "ListThings", Action: ActionTruncate})
	resp, err := s.Client().Do(newReq(t, s, "GET", path, "", ck))
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !errors.Is(err, io.ErrUnexpectedEOF) || len(b) == 0 {
		t.Errorf("truncate: %d, %d bytes, err %v", resp.StatusCode, len(b), err)
	}
}

func TestFaultLatency(t *testing.T) {
	s, _ := start(t, Options{Faults: []FaultRule{{Op: "GetTSL", Latency: 30 * time.Millisecond, Jitter: 5 * time.Millisecond}}})
	ck := login(t, s, V2020, "admin", "admin1234")
	t0 := time.Now()
	resp, body := do(t, s, "GET", "/2020-04-30/tsls/"+KeyDoor, "", ck)
	mustStatus(t, resp, body, 200)
	if el := time.Since(t0); el < 30*time.Millisecond {
		t.Errorf("latency fault: answered after %v", el) // a lower bound only
	}
}

func TestCloseEndsStalledRequest(t *testing.T) {
	s, _ := start(t, Options{Faults: []FaultRule{{Op: "ListScenes", Action: ActionStall, Stall: time.Hour}}})
	ck := login(t, s, V2020, "admin", "admin1234")
	errc := make(chan error, 1)
	go func() {
		resp, err := s.Client().Do(newReq(t, s, "GET", "/2020-04-30/scenes", "", ck))
		if err == nil {
			resp.Body.Close()
		}
		errc <- err
	}()
	deadline := time.Now().Add(10 * time.Second)
	for s.Faults().List()[0].Fired == 0 && time.Now().Before(deadline) {
		time.Sleep(2 * time.Millisecond)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-errc; err == nil {
		t.Error("stalled request got a response")
	}
}

func TestAdminEndpoint(t *testing.T) {
	s, clk := start(t, Options{})
	ck := login(t, s, V2020, "admin", "admin1234")
	admin := func(method, path, body string) (int, string) {
		resp, b := do(t, s, method, "/__edgesim"+path, body, "")
		return resp.StatusCode, b
	}
	if code, b := admin("POST", "/faults", `{"Spec":"op=ListThings,code=500,apicode=Message.FailedReply"}`); code != 201 || !strings.Contains(b, `"ID":1`) {
		t.Fatalf("add: %d %s", code, b)
	}
	if code, b := admin("POST", "/faults", `{"Op":"GetTSL","Code":404}`); code != 201 {
		t.Fatalf("add object: %d %s", code, b)
	}
	if code, _ := admin("POST", "/faults", `{"Spec":"op=Nope,code=500"}`); code != 400 {
		t.Fatalf("bad spec: %d", code)
	}
	resp, body := do(t, s, "GET", "/2020-04-30/things", "", ck)
	mustStatus(t, resp, body, 500)
	if code, b := admin("GET", "/faults", ""); code != 200 || !strings.Contains(b, `"Fired":1`) {
		t.Fatalf("list: %d %s", code, b)
	}
	if code, _ := admin("DELETE", "/faults/1", ""); code != 200 {
		t.Fatalf("remove: %d", code)
	}
	if code, _ := admin("DELETE", "/faults/1", ""); code != 404 {
		t.Fatalf("remove again: %d", code)
	}
	if code, _ := admin("DELETE", "/faults", ""); code != 200 || len(s.Faults().List()) != 0 {
		t.Fatal("clear")
	}
	if code, b := admin("POST", "/maintenance", `{"For":"30s"}`); code != 200 {
		t.Fatalf("maintenance: %d %s", code, b)
	}
	resp, body = do(t, s, "GET", "/2020-04-30/things", "", ck)
	mustStatus(t, resp, body, 503)
	if code, b := admin("GET", "/", ""); code != 200 || !strings.Contains(b, `"Maintenance":true`) {
		t.Fatalf("status: %d %s", code, b)
	}
	clk.Advance(31 * time.Second)
	resp, body = do(t, s, "GET", "/2020-04-30/things", "", ck)
	mustStatus(t, resp, body, 200)
	if code, b := admin("POST", "/connlimit", `{"Limit":5}`); code != 200 || !strings.Contains(b, `"Limit":5`) {
		t.Fatalf("connlimit: %d %s", code, b)
	}
	if code, b := admin("GET", "/devices", ""); code != 200 || !strings.Contains(b, "Message.FailedReply") {
		t.Fatalf("devices: %d %.200s", code, b)
	}
	// Not from loopback: 403.
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/__edgesim/faults", nil)
	req.RemoteAddr = "192.0.2.7:40000"
	s.ServeHTTP(rec, req)
	if rec.Code != http.StatusForbidden {
		t.Errorf("non-loopback admin: %d", rec.Code)
	}
}

func TestFaultForOneDevice(t *testing.T) {
	s, _ := start(t, Options{Faults: []FaultRule{{Op: "GetThingProperties", Device: "Light02", Code: 500}}})
	ck := login(t, s, V2020, "admin", "admin1234")
	resp, body := do(t, s, "GET", "/2020-04-30/things/"+KeyLight+"/Light01/properties?identifiers=LightSwitch", "", ck)
	mustStatus(t, resp, body, 200)
	resp, body = do(t, s, "GET", "/2020-04-30/things/"+KeyLight+"/Light02/properties?identifiers=LightSwitch", "", ck)
	mustStatus(t, resp, body, 500)
	r, err := ParseFault("op=GetThingProperties,device=" + KeyLight + "/Light03,action=stall")
	if err != nil || r.Device != KeyLight+"/Light03" || !strings.Contains(r.String(), "device="+KeyLight+"/Light03") {
		t.Fatalf("%+v %v", r, err)
	}
}
