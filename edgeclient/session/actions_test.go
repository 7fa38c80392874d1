package session

import (
	"context"
	"encoding/json"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"edgetop/edgeclient"
	"edgetop/edgeclient/edgesim"
	"edgetop/model"
)

// goldenT0 is the simulator's clock in its goldens (their Timestamps).
var goldenT0 = time.Date(2020, 4, 22, 17, 1, 50, 136_000_000, time.UTC)

// simGolden is one of the simulator's goldens: the request it documents
// (its body from edgesim's golden_test.go) and the exact answer.
type simGolden struct {
	method, path, body string
	status             int
	response           string
}

// goldenBodies reads the request bodies of the simulator's golden cases
// from its golden_test.go (the cases whose body is one string literal), so
// that this test cannot drift from them.
func goldenBodies(t *testing.T) map[string]string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "../edgesim/golden_test.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	ast.Inspect(f, func(n ast.Node) bool {
		cl, ok := n.(*ast.CompositeLit)
		if !ok || len(cl.Elts) != 4 {
			return true
		}
		name, ok1 := cl.Elts[0].(*ast.BasicLit)
		body, ok2 := cl.Elts[3].(*ast.BasicLit)
		if ok1 && ok2 && name.Kind == token.STRING && body.Kind == token.STRING {
			n, _ := strconv.Unquote(name.Value)
			b, _ := strconv.Unquote(body.Value)
			out[n] = b
		}
		return true
	})
	if len(out) < 10 {
		t.Fatalf("only %d golden cases read from golden_test.go", len(out))
	}
	return out
}

// readGolden reads testdata/golden/VERSION_NAME.golden of the simulator.
func readGolden(t *testing.T, bodies map[string]string, version, name string) simGolden {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "edgesim", "testdata", "golden", version+"_"+name+".golden"))
	if err != nil {
		t.Fatal(err)
	}
	head, resp, _ := strings.Cut(string(b), "\n\n")
	lines := strings.Split(head, "\n")
	method, path, _ := strings.Cut(lines[0], " ")
	status, err := strconv.Atoi(strings.TrimPrefix(lines[1], "HTTP "))
	if err != nil {
		t.Fatalf("%s: %q", name, lines[1])
	}
	body, ok := bodies[name]
	if !ok {
		t.Fatalf("no golden case %s in golden_test.go", name)
	}
	return simGolden{method: method, path: path, body: body, status: status, response: strings.TrimSuffix(resp, "\n")}
}

// actionRun is a session for actions: it logs in, then makes no other
// call for an hour, so every later record is an action's.
func actionRun(t *testing.T, version string, readOnly bool) (*run, *edgesim.Server, *edgeclient.Client) {
	t.Helper()
	s := newSim(t, edgesim.Options{Now: func() time.Time { return goldenT0 }})
	c, obs := newClient(t, s.URL, s, func(cfg *edgeclient.Config) { cfg.APIVersion = version })
	r := startEngine(t, c, obs, func(cfg *Config) { cfg.Interval, cfg.ReadOnly = time.Hour, readOnly })
	r.waitFor(t, 5*time.Second, "the login", func(evs []Event, _ []model.Record) bool {
		return len(having(evs, EventUp)) > 0
	})
	return r, s, c
}

// do runs an action and returns its outcome and the records that came
// with it.
func (r *run) do(t *testing.T, a Action) (ActionResult, []model.Record) {
	t.Helper()
	before := len(r.records())
	r.e.Do(a)
	var res *ActionResult
	r.waitFor(t, 5*time.Second, "the outcome of "+a.Summary(), func(evs []Event, _ []model.Record) bool {
		for _, ev := range having(evs, EventAction) {
			if ev.Action.Action.ID == a.ID {
				res = ev.Action
				return true
			}
		}
		return false
	})
	return *res, r.records()[before:]
}

// TestActionsSendTheDocumentedBodies: each action sends exactly the
// request the simulator's goldens document (method, path, body) and gets
// exactly their answer; the body an action says it sends (for the
// confirmation) is the one sent.
func TestActionsSendTheDocumentedBodies(t *testing.T) {
	bodies := goldenBodies(t)
	cases := []struct {
		version, golden string
		a               Action
	}{
		{edgeclient.Version2020, "SetThingProperties", Action{
			Kind: ActionSetProperties, ProductKey: edgesim.KeyLight, DeviceName: "Light01",
			Properties: model.Object{{Key: "LightSwitch", Value: int64(0)}, {Key: "Brightness", Value: int64(40)}},
		}},
		{edgeclient.Version2020, "CallThingServices_failed", Action{
			Kind: ActionCallService, ProductKey: edgesim.KeyLight, DeviceName: "Light04", Service: "toggle",
		}},
		{edgeclient.Version2020, "EnableScene", Action{Kind: ActionEnableScene, Scene: edgesim.SceneAlarm}},
		{edgeclient.Version2020, "DisableScene", Action{Kind: ActionDisableScene, Scene: edgesim.SceneTest}},
		{edgeclient.Version2020, "InvokeFunction", Action{Kind: ActionInvokeFunction, Function: edgesim.FuncHello}},
		{edgeclient.Version2020, "InvokeFunction_echo", Action{
			Kind: ActionInvokeFunction, Function: "acs:fc:cn-shanghai:1234567890123456:service:demo:function:echo",
			Payload: []byte(`{"hello":"edge"}`),
		}},
		{edgeclient.Version2020, "GetTSL", Action{Kind: ActionTSL, ProductKey: edgesim.KeyMeter}},
		{edgeclient.Version2020, "CreateAuthCookie", Action{Kind: ActionLogin}},
		// 2019-09-30 has no TSL: the forms send raw JSON, as typed.
		{edgeclient.Version2019, "SetThingProperties", Action{
			Kind: ActionSetProperties, ProductKey: edgesim.KeyLight, DeviceName: "Light01",
			Raw: json.RawMessage(`{"LightSwitch":0,"Brightness":40}`),
		}},
		{edgeclient.Version2019, "CallThingServices_failed", Action{
			Kind: ActionCallService, ProductKey: edgesim.KeyLight, DeviceName: "Light04", Service: "toggle",
		}},
		{edgeclient.Version2019, "InvokeFunction_echo", Action{
			Kind: ActionInvokeFunction, Function: "acs:fc:cn-shanghai:1234567890123456:service:demo:function:echo",
			Payload: []byte(`{"hello":"edge"}`),
		}},
	}
	for i, c := range cases {
		t.Run(c.version+"/"+c.golden, func(t *testing.T) {
			r, _, _ := actionRun(t, c.version, false)
			g := readGolden(t, bodies, c.version, c.golden)
			c.a.ID = uint64(i + 1)
			res, recs := r.do(t, c.a)
			if !res.Sent {
				t.Fatalf("not sent: %v", res.Err)
			}
			ops := firstAttempts(recs, c.a.Kind.Operation())
			if len(ops) != 1 {
				t.Fatalf("%d %s records", len(ops), c.a.Kind.Operation())
			}
			rec := ops[0]
			if rec.Method+" "+rec.Path != g.method+" "+g.path || rec.RequestBody.Preview != g.body {
				t.Errorf("sent %s %s %s\nwant %s %s %s", rec.Method, rec.Path, rec.RequestBody.Preview, g.method, g.path, g.body)
			}
			if rec.Status != g.status || rec.ResponseBody.Preview != g.response {
				t.Errorf("answer %d %s\nwant %d %s", rec.Status, rec.ResponseBody.Preview, g.status, g.response)
			}
			want, err := c.a.Body()
			if err != nil || string(want) != rec.RequestBody.Preview {
				t.Errorf("Body() %s (%v), sent %s", want, err, rec.RequestBody.Preview)
			}
			if m, p := c.a.Request(c.version); m+" "+p != rec.Method+" "+rec.Path {
				t.Errorf("Request() %s %s, sent %s %s", m, p, rec.Method, rec.Path)
			}
		})
	}
}

// TestActionCallsOneServiceOfTheGolden: a service with arguments is sent
// as the first call of the golden's two-service request.
func TestActionCallsOneServiceOfTheGolden(t *testing.T) {
	g := readGolden(t, goldenBodies(t), edgeclient.Version2020, "CallThingServices")
	var doc struct{ Services []json.RawMessage }
	if err := json.Unmarshal([]byte(g.body), &doc); err != nil {
		t.Fatal(err)
	}
	want := `{"Services":[` + string(doc.Services[0]) + `]}`
	r, _, _ := actionRun(t, edgeclient.Version2020, false)
	res, recs := r.do(t, Action{
		ID: 1, Kind: ActionCallService, ProductKey: edgesim.KeyLight, DeviceName: "Light02", Service: "setColor",
		Args: model.Object{{Key: "color", Value: "red"}},
	})
	if !res.OK() || len(recs) != 1 || recs[0].RequestBody.Preview != want {
		t.Fatalf("%v: sent %+v, want %s", res.Err, recs, want)
	}
	if !strings.Contains(res.Action.Summary(), `setColor(color="red") on a1LgtQx7n42/Light02`) {
		t.Errorf("summary %q", res.Action.Summary())
	}
}

// TestActionServiceFailure: a service the device refuses fails the
// action, whether the gateway says so with its status (the simulator, for
// a call of one service: 500) or only in the service's Returns (200).
func TestActionServiceFailure(t *testing.T) {
	r, _, _ := actionRun(t, edgeclient.Version2020, false)
	res, _ := r.do(t, Action{ID: 7, Kind: ActionCallService, ProductKey: edgesim.KeyLight, DeviceName: "Light04", Service: "toggle"})
	var ae *edgeclient.APIError
	if !errors.As(res.Err, &ae) || ae.Code != "Message.FailedReply" {
		t.Fatalf("outcome %v", res.Err)
	}
	ev := having(r.events(), EventAction)[0]
	if ev.Text != "call toggle on a1LgtQx7n42/Light04 failed: CallThingServices: HTTP 500 Message.FailedReply: "+
		"device replied code 9201: lamp driver fault" {
		t.Errorf("text %q", ev.Text)
	}

	f := servicesFake{res: &edgeclient.ServicesResult{Services: []edgeclient.ServiceResult{{
		Name: "setColor", Returns: edgeclient.Returns{Code: "InvalidParameter", Message: "property Color: want a string"},
	}}}}
	_, err := callService(t.Context(), f, Action{Kind: ActionCallService, Service: "setColor"})
	var se *ServiceError
	if !errors.As(err, &se) || err.Error() != "service setColor failed: InvalidParameter: property Color: want a string" {
		t.Errorf("a failure in Returns: %v", err)
	}
}

// servicesFake answers CallThingServices with res (and nothing else).
type servicesFake struct {
	API
	res *edgeclient.ServicesResult
}

func (f servicesFake) CallThingServices(context.Context, string, string, []edgeclient.ServiceCall) (*edgeclient.ServicesResult, error) {
	return f.res, nil
}

// TestActionReadOnlySendsNothing: with ReadOnly every action that changes
// state is refused, the gateway receives nothing, the event says why;
// reads still go.
func TestActionReadOnlySendsNothing(t *testing.T) {
	r, s, _ := actionRun(t, edgeclient.Version2020, true)
	if !r.e.State().ReadOnly {
		t.Error("the state does not say read-only")
	}
	before := s.Requests()
	acts := []Action{
		{Kind: ActionSetProperties, ProductKey: edgesim.KeyLight, DeviceName: "Light01", Properties: model.Object{{Key: "LightSwitch", Value: int64(0)}}},
		{Kind: ActionCallService, ProductKey: edgesim.KeyLight, DeviceName: "Light01", Service: "toggle"},
		{Kind: ActionEnableScene, Scene: edgesim.SceneAlarm},
		{Kind: ActionDisableScene, Scene: edgesim.SceneTest},
		{Kind: ActionInvokeFunction, Function: edgesim.FuncHello},
		{Kind: ActionLogin},
	}
	for i, a := range acts {
		a.ID = uint64(100 + i)
		res, recs := r.do(t, a)
		var re *RefusedError
		if res.Sent || !errors.As(res.Err, &re) || len(recs) != 0 {
			t.Errorf("%s: sent %v, %d records, err %v", a.Summary(), res.Sent, len(recs), res.Err)
		}
	}
	if got := s.Requests(); got != before {
		t.Errorf("the gateway received %d requests in a read-only session", got-before)
	}
	evs := having(r.events(), EventAction)
	if !strings.Contains(evs[0].Text, "not sent: read-only session (--read-only): edgetop sends no SetThingProperties") {
		t.Errorf("text %q", evs[0].Text)
	}
	if res, _ := r.do(t, Action{ID: 200, Kind: ActionTSL, ProductKey: edgesim.KeyLight}); !res.OK() || !res.Sent {
		t.Errorf("a read in a read-only session: %v", res.Err)
	}
}

// TestActionTSLCached: a product's TSL is read once; the second answer
// comes from the cache, without a request.
func TestActionTSLCached(t *testing.T) {
	r, _, _ := actionRun(t, edgeclient.Version2020, false)
	first, recs := r.do(t, Action{ID: 1, Kind: ActionTSL, ProductKey: edgesim.KeyLight, DeviceName: "Light01"})
	if !first.OK() || len(recs) != 1 || len(first.Schema.Writable()) != 4 {
		t.Fatalf("first read: %v, %d records, schema %+v", first.Err, len(recs), first.Schema)
	}
	again, recs := r.do(t, Action{ID: 2, Kind: ActionTSL, ProductKey: edgesim.KeyLight, DeviceName: "Light03"})
	if !again.OK() || again.Sent || len(recs) != 0 || again.Schema != first.Schema {
		t.Fatalf("second read: sent %v, %d records", again.Sent, len(recs))
	}
}

// TestActionRefusals: what cannot be sent is refused with a reason and
// no request: a TSL or a scene on 2019-09-30, an action without its
// device or scene.
func TestActionRefusals(t *testing.T) {
	r, s, _ := actionRun(t, edgeclient.Version2019, false)
	before := s.Requests()
	for i, c := range []struct {
		a   Action
		why string
	}{
		{Action{Kind: ActionTSL, ProductKey: edgesim.KeyLight}, "GetTSL is not in the 2019-09-30 API"},
		{Action{Kind: ActionEnableScene, Scene: edgesim.SceneAlarm}, "EnableScene is not in the 2019-09-30 API"},
		{Action{Kind: ActionSetProperties, ProductKey: edgesim.KeyLight}, "no device"},
		{Action{Kind: ActionSetProperties, ProductKey: edgesim.KeyLight, DeviceName: "Light01"}, "no property to set"},
		{Action{Kind: ActionInvokeFunction}, "no function"},
	} {
		c.a.ID = uint64(i + 1)
		res, _ := r.do(t, c.a)
		var re *RefusedError
		if !errors.As(res.Err, &re) || re.Why != c.why {
			t.Errorf("%s: %v, want %q", c.a.Summary(), res.Err, c.why)
		}
	}
	if s.Requests() != before {
		t.Errorf("refused actions sent %d requests", s.Requests()-before)
	}
}

// TestActionLogin: logging in again makes a new cookie and says so.
func TestActionLogin(t *testing.T) {
	r, _, c := actionRun(t, edgeclient.Version2020, false)
	res, recs := r.do(t, Action{ID: 9, Kind: ActionLogin})
	if !res.OK() || len(recs) != 1 || recs[0].Status != 201 || !c.Auth().Authenticated {
		t.Fatalf("login: %v, %d records", res.Err, len(recs))
	}
	if ev := having(r.events(), EventAction)[0]; !strings.HasPrefix(ev.Text, "logged in again as admin") {
		t.Errorf("text %q", ev.Text)
	}
}
