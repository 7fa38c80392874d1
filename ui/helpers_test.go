package ui

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"edgetop/assets"
	"edgetop/edgeclient"
	"edgetop/model"
)

// t0 is the fixed clock of the tests.
var t0 = time.Date(2026, 11, 26, 13, 7, 1, 234_000_000, time.UTC)

func testCatalog(t testing.TB) (*model.Catalog, *model.APICodes) {
	t.Helper()
	cat, err := model.ParseCatalog(bytes.NewReader(assets.StatusCodes()))
	if err != nil {
		t.Fatal(err)
	}
	codes, err := model.ParseAPICodes(bytes.NewReader(assets.APICodes()))
	if err != nil {
		t.Fatal(err)
	}
	return cat, codes
}

// newTestApp is an App with the no-colour theme, a fixed clock, no client
// and no observer: tests feed records and messages by hand.
func newTestApp(t testing.TB, opts ...func(*Deps)) *App {
	t.Helper()
	cat, codes := testCatalog(t)
	d := Deps{
		Catalog: cat, APICodes: codes, Now: func() time.Time { return t0.Add(2 * time.Second) },
		Gateway: "https://127.0.0.1:9999", Simulated: true, NoColor: true, RingCap: 1000,
	}
	for _, o := range opts {
		o(&d)
	}
	a := New(d)
	a.auth = authState{Known: true, Authenticated: true, User: "admin", Expires: t0.Add(58*time.Minute + 30*time.Second)}
	return a
}

// update sends msg to the app and returns the cmd.
func update(t testing.TB, a *App, msg tea.Msg) tea.Cmd {
	t.Helper()
	m, cmd := a.Update(msg)
	if m != a {
		t.Fatalf("Update returned another model")
	}
	return cmd
}

func resize(a *App, w, h int) { a.Update(tea.WindowSizeMsg{Width: w, Height: h}) }

func feed(a *App, rs ...model.Record) { a.Update(recordsMsg{Batch: rs}) }

func press(a *App, keys ...string) {
	for _, k := range keys {
		a.Update(keyMsg(k))
	}
}

// keyMsg builds the key press for a key name as key.Matches sees it.
func keyMsg(k string) tea.KeyPressMsg {
	switch k {
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "end":
		return tea.KeyPressMsg{Code: tea.KeyEnd}
	case "home":
		return tea.KeyPressMsg{Code: tea.KeyHome}
	case "pgup":
		return tea.KeyPressMsg{Code: tea.KeyPgUp}
	case "pgdown":
		return tea.KeyPressMsg{Code: tea.KeyPgDown}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	case "space":
		return tea.KeyPressMsg{Code: ' ', Text: " "}
	case "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	}
	r := []rune(k)[0]
	return tea.KeyPressMsg{Code: r, Text: k}
}

func hdr(kv ...string) []model.Header {
	var out []model.Header
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, model.Header{Name: kv[i], Value: kv[i+1]})
	}
	return out
}

// sampleRecords is one of each kind of exchange the dashboard explains.
func sampleRecords() []model.Record {
	gw := "https://127.0.0.1:9999"
	base := func(id uint64, ms int, op, method, path string, status int, dur time.Duration) model.Record {
		return model.Record{
			ID: id, Start: t0.Add(time.Duration(ms) * time.Millisecond), Duration: dur, Gateway: gw,
			APIVersion: "2020-04-30", Operation: op, Method: method, Path: path, Status: status, Attempt: 1,
			RequestHeaders:  hdr("Cookie", "token=e82c2e9b******"),
			ResponseHeaders: hdr("Server", "openresty/1.13.6.2", "Content-Type", "application/json; charset=utf-8"),
		}
	}
	auth := base(1, 0, "CreateAuthCookie", "POST", "/2020-04-30/auth/cookies", 201, 3*time.Millisecond)
	auth.RequestHeaders = hdr("Authorization", "Basic YWRt******")
	list := base(2, 6, "ListThings", "GET", "/2020-04-30/things", 200, 4200*time.Microsecond)
	list.BytesIn = 1834
	list.ResponseBody = model.Body{ContentType: "application/json", Preview: `{"Data":{"Things":[{"ProductKey":"a1Light","DeviceName":"Light01","Status":"Online"}]}}`, Size: 1834, Truncated: true}
	redir := base(3, 20, "GetThingProperties", "GET", "/2020-04-30/thing/a1Light/Light01/properties?identifiers=power", 302, 2*time.Millisecond)
	redir.ProductKey, redir.DeviceName = "a1Light", "Light01"
	redir.Action = model.Action{Kind: model.ActionRedirect, Detail: "to /2020-04-30/things/a1Light/Light01/properties"}
	hop := base(4, 23, "GetThingProperties", "GET", "/2020-04-30/things/a1Light/Light01/properties?identifiers=power", 200, 5*time.Millisecond)
	hop.ProductKey, hop.DeviceName, hop.Parent, hop.Link, hop.Attempt = "a1Light", "Light01", 3, model.LinkRedirect, 1
	hop.ResponseBody = model.Body{Preview: `{"Data":{"Properties":{"power":1},"Timestamp":1764162421234}}`, Size: 60}
	hop.BytesIn = 60
	bad := base(5, 40, "GetThingProperties", "GET", "/2020-04-30/things/a1Light/Light01/properties", 400, 3*time.Millisecond)
	bad.ProductKey, bad.DeviceName, bad.APICode, bad.APIMessage = "a1Light", "Light01", "MissingParameter", "identifiers is required"
	bad.ResponseBody = model.Body{Preview: `{"Code":"MissingParameter","Message":"identifiers is required"}`, Size: 62}
	unauth := base(6, 60, "GetThingProperties", "GET", "/2020-04-30/things/a1Sensor/TH01/properties?identifiers=temp", 401, 2*time.Millisecond)
	unauth.ProductKey, unauth.DeviceName, unauth.APICode = "a1Sensor", "TH01", "Unauthorized"
	unauth.Action = model.Action{Kind: model.ActionRenewed, Detail: "cookie expired"}
	conns := base(7, 80, "GetThingProperties", "GET", "/2020-04-30/things/a1Sensor/TH02/properties?identifiers=temp", 421, 1*time.Millisecond)
	conns.ProductKey, conns.DeviceName, conns.APICode, conns.APIMessage = "a1Sensor", "TH02", "TooManyConnections", "too many connections from 127.0.0.1"
	conns.Action = model.Action{Kind: model.ActionBackoff, Delay: 250 * time.Millisecond}
	svc := base(8, 100, "CallThingServices", "POST", "/2020-04-30/things/a1Light/Light04/services", 500, 12*time.Millisecond)
	svc.ProductKey, svc.DeviceName, svc.APICode, svc.APIMessage = "a1Light", "Light04", "Message.FailedReply", "device replied code 9201: lamp driver fault"
	svc.Action = model.Action{Kind: model.ActionGaveUp}
	svc.RequestBody = model.Body{Preview: `{"Services":[{"Name":"toggle"}]}`, Size: 32}
	maint := base(9, 120, "ListThings", "GET", "/2020-04-30/things", 503, 1*time.Millisecond)
	maint.APICode, maint.APIMessage = "ServiceUnavailable", "maintenance"
	maint.Action = model.Action{Kind: model.ActionBackoff, Delay: time.Second, Detail: "Retry-After: 1"}
	netErr := base(10, 140, "GetThingProperties", "GET", "/2020-04-30/things/a1Light/Light02/properties?identifiers=power", 0, 30*time.Second)
	netErr.ProductKey, netErr.DeviceName = "a1Light", "Light02"
	netErr.Err = &model.TransportError{Kind: model.ErrTimeout, Text: "context deadline exceeded (Client.Timeout exceeded while awaiting headers)"}
	netErr.ResponseHeaders = nil
	ok := base(11, 160, "GetThingProperties", "GET", "/2020-04-30/things/a1Light/Light01/properties?identifiers=power", 200, 3*time.Millisecond)
	ok.ProductKey, ok.DeviceName, ok.BytesIn = "a1Light", "Light01", 60
	return []model.Record{auth, list, redir, hop, bad, unauth, conns, svc, maint, netErr, ok}
}

// manyRecords makes n successful polls with increasing IDs from id0.
func manyRecords(id0 uint64, n int) []model.Record {
	out := make([]model.Record, n)
	for i := range out {
		out[i] = model.Record{
			ID: id0 + uint64(i), Start: t0.Add(time.Duration(i) * time.Millisecond), Duration: 4 * time.Millisecond,
			Gateway: "https://127.0.0.1:9999", Operation: "GetThingProperties", Method: "GET",
			Path: "/2020-04-30/things/a1Light/Light01/properties?identifiers=power", ProductKey: "a1Light",
			DeviceName: "Light01", Status: 200, Attempt: 1, BytesIn: 60,
		}
		if i%10 == 7 {
			out[i].Status, out[i].APICode = 404, "NotFound"
		}
	}
	return out
}

// fakeAPI is a scriptable stand-in for the edge client.
type fakeAPI struct {
	mu     sync.Mutex
	calls  []string
	closed bool
	things []edgeclient.Thing
	err    error
}

func (f *fakeAPI) record(s string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, s)
}

func (f *fakeAPI) Calls() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return strings.Join(f.calls, ",")
}

func (f *fakeAPI) Auth() edgeclient.AuthState {
	return edgeclient.AuthState{Authenticated: true, User: "admin", Expires: t0.Add(time.Hour)}
}

func (f *fakeAPI) Close(context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.closed = true
	return nil
}

func (f *fakeAPI) CreateAuthCookie(context.Context) error { f.record("auth"); return f.err }

func (f *fakeAPI) ListThings(context.Context, edgeclient.ThingFilter) ([]edgeclient.Thing, error) {
	f.record("list")
	return f.things, f.err
}

func (f *fakeAPI) GetThingProperties(_ context.Context, pk, dn string, _ ...string) (*edgeclient.Properties, error) {
	f.record("get " + pk + "/" + dn)
	return &edgeclient.Properties{}, f.err
}

func (f *fakeAPI) CallThingServices(_ context.Context, pk, dn string, _ []edgeclient.ServiceCall) (*edgeclient.ServicesResult, error) {
	f.record("service " + pk + "/" + dn)
	return &edgeclient.ServicesResult{}, f.err
}

func (f *fakeAPI) GetTSL(_ context.Context, pk string) (*edgeclient.TSL, error) {
	f.record("tsl " + pk)
	return &edgeclient.TSL{Properties: []edgeclient.TSLProperty{{Identifier: "power"}}}, nil
}

func (f *fakeAPI) Raw(_ context.Context, method, path string, _ []byte) (*edgeclient.RawResponse, error) {
	f.record("raw " + method + " " + path)
	return &edgeclient.RawResponse{}, f.err
}

// fakeSource is a RecordSource over a channel.
type fakeSource struct {
	ch      chan model.Record
	dropped uint64
}

func (s *fakeSource) C() <-chan model.Record { return s.ch }
func (s *fakeSource) Dropped() uint64        { return s.dropped }
