package edgeclient

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"edgetop/edgeclient/edgesim"
	"edgetop/model"
)

const (
	simUser = "admin"
	simPass = "admin1234"
	simPK   = edgesim.KeyLight
	simDev  = "Light01"
)

// tokenSpy wraps a transport and keeps every token the gateway sets, so the
// secret check does not rely on the client's own masking list.
type tokenSpy struct {
	base   http.RoundTripper
	mu     sync.Mutex
	tokens []string
}

func (s *tokenSpy) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := s.base.RoundTrip(r)
	if err == nil {
		for _, ck := range resp.Cookies() {
			if ck.Name == "token" {
				s.mu.Lock()
				s.tokens = append(s.tokens, ck.Value)
				s.mu.Unlock()
			}
		}
	}
	return resp, err
}

func (s *tokenSpy) secrets() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string{simPass, "YWRtaW46YWRtaW4xMjM0"}, s.tokens...)
}

func newSim(t testing.TB, opts edgesim.Options) *edgesim.Server {
	t.Helper()
	s, err := edgesim.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// newSimClient is a client of s through a token-spying transport built like
// the client's own (the sim's CA trusted, keep-alive, a connection cap).
func newSimClient(t testing.TB, s *edgesim.Server, version string, mod func(*Config)) (*Client, *recorder) {
	t.Helper()
	spy := &tokenSpy{base: simTransport(s, 8)}
	rec := &recorder{}
	cfg := Config{
		Gateway: s.URL, APIVersion: version, User: simUser, Password: simPass,
		Observer: rec, Retry: fastRetry, Transport: spy,
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
		if tt, ok := t.(*testing.T); ok {
			rec.checkNoSecrets(tt, spy.secrets())
		}
	})
	return c, rec
}

func simTransport(s *edgesim.Server, conns int) *http.Transport {
	tr := s.Client().Transport.(*http.Transport).Clone()
	tr.MaxConnsPerHost, tr.MaxIdleConnsPerHost, tr.MaxIdleConns = conns, conns, conns
	return tr
}

func TestSimEveryOperationBothVersions(t *testing.T) {
	s := newSim(t, edgesim.Options{Seed: 1})
	for _, v := range []string{Version2020, Version2019} {
		t.Run(v, func(t *testing.T) {
			c, rec := newSimClient(t, s, v, nil)
			ctx := t.Context()
			things, err := c.ListThings(ctx, ThingFilter{})
			if err != nil || len(things) != len(s.Devices()) {
				t.Fatalf("ListThings = %d things, %v", len(things), err)
			}
			if th, err := c.ListThings(ctx, ThingFilter{ProductKey: simPK, DeviceName: simDev}); err != nil || len(th) != 1 || th[0].Tags["Room"] != "Lobby" {
				t.Errorf("ListThings filtered = %+v, %v", th, err)
			}
			p, err := c.GetThingProperties(ctx, simPK, simDev, "LightSwitch", "Brightness")
			if err != nil || len(p.Properties) != 2 || p.Timestamp == 0 {
				t.Errorf("GetThingProperties = %+v, %v", p, err)
			}
			if _, err := c.SetThingProperties(ctx, simPK, simDev, map[string]any{"Brightness": 42}); err != nil {
				t.Errorf("SetThingProperties: %v", err)
			}
			if p, err := c.GetThingProperties(ctx, simPK, simDev, "Brightness"); err != nil || string(p.Properties["Brightness"]) != "42" {
				t.Errorf("after set: %+v, %v", p, err)
			}
			cs, err := c.CallThingServices(ctx, simPK, simDev, []ServiceCall{{Name: "setColor", Args: map[string]any{"color": "red"}}})
			if err != nil || len(cs.Services) != 1 || !cs.Services[0].Returns.OK() {
				t.Errorf("CallThingServices = %+v, %v", cs, err)
			}
			simBulk(t, c)
			fr, err := c.InvokeFunction(ctx, edgesim.FuncHello, nil)
			if err != nil || !strings.Contains(string(fr.Body), "Hello") {
				t.Errorf("InvokeFunction = %+v, %v", fr, err)
			}
			var fe *FunctionError
			if _, err := c.InvokeFunction(ctx, edgesim.FuncHandled, []byte(`{"a":1,"b":0}`)); !errors.As(err, &fe) || fe.Type != "Handled" {
				t.Errorf("InvokeFunction(handled) err = %v", err)
			}
			simWatch(t, c)
			sim2020Only(t, c, v)
			if err := c.Close(ctx); err != nil {
				t.Errorf("Close: %v", err)
			}
			recs := rec.all()
			if last := recs[len(recs)-1]; last.Operation != OpDeleteAuthCookie || last.Status != 200 {
				t.Errorf("last record %+v", last)
			}
			if n := rec.count(OpCreateAuthCookie); n != 1 {
				t.Errorf("CreateAuthCookie = %d", n)
			}
			for _, r := range recs {
				if r.Operation == OpUnknown || r.Status/100 != 2 && !(r.Operation == OpInvokeFunction) {
					t.Errorf("record %d %s %s -> %d %s", r.ID, r.Method, r.Path, r.Status, r.APIMessage)
				}
			}
		})
	}
}

func simBulk(t *testing.T, c *Client) {
	ctx := t.Context()
	bg, err := c.BulkGetProperties(ctx, []PropertyQuery{
		{ProductKey: simPK, DeviceName: simDev, Identifiers: []string{"LightSwitch"}},
		{ProductKey: simPK, DeviceName: "Light02", Identifiers: []string{"Brightness"}},
	})
	if err != nil || len(bg.Results) != 2 || !bg.Results[0].Returns.OK() || len(bg.Results[0].Returns.Data) == 0 {
		t.Errorf("BulkGetProperties = %+v, %v", bg, err)
	}
	bs, err := c.BulkSetProperties(ctx, []PropertyUpdate{{ProductKey: simPK, DeviceName: "Light02", Properties: map[string]any{"Brightness": 10}}})
	if err != nil || len(bs.Results) != 1 || !bs.Results[0].Returns.OK() {
		t.Errorf("BulkSetProperties = %+v, %v", bs, err)
	}
	bc, err := c.BulkCallServices(ctx, []ServiceBatch{
		{ProductKey: simPK, DeviceName: "Light02", Services: []ServiceCall{{Name: "toggle"}}},
		{ProductKey: simPK, DeviceName: "Light04", Services: []ServiceCall{{Name: "toggle"}}},
	})
	if err != nil || len(bc.Results) != 2 || len(bc.Results[0].Services) != 1 || !bc.Results[0].Services[0].Returns.OK() ||
		bc.Results[1].Services[0].Returns.OK() {
		t.Errorf("BulkCallServices = %+v, %v", bc, err)
	}
}

func simWatch(t *testing.T, c *Client) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	ch, err := c.Watch(ctx, []WatchTarget{{ProductKey: simPK, DeviceName: simDev}})
	if err != nil {
		t.Fatal(err)
	}
	if ev := <-ch; ev.Kind != WatchOpened {
		t.Fatalf("first event %+v", ev)
	}
	cancel()
	for ev := range ch {
		if ev.Kind == WatchFailed || ev.Kind == WatchDropped {
			t.Errorf("event %+v", ev)
		}
	}
}

func sim2020Only(t *testing.T, c *Client, v string) {
	ctx := t.Context()
	th, errS := c.SearchThings(ctx, map[string]string{"Name": "LightSensor"})
	tsl, errT := c.GetTSL(ctx, simPK)
	sc, errL := c.ListScenes(ctx)
	errE := c.EnableScene(ctx, edgesim.SceneDusk)
	errD := c.DisableScene(ctx, edgesim.SceneDusk)
	if v == Version2019 {
		wantUnsupported(t, errS, errT, errL, errE, errD)
		return
	}
	if errS != nil || len(th) != 1 || th[0].DeviceName != simDev {
		t.Errorf("SearchThings = %+v, %v", th, errS)
	}
	if errT != nil || len(tsl.Properties) == 0 || tsl.Properties[0].Identifier != "LightSwitch" || len(tsl.Services) == 0 {
		t.Errorf("GetTSL = %+v, %v", tsl, errT)
	}
	if errL != nil || len(sc) < 4 {
		t.Errorf("ListScenes = %+v, %v", sc, errL)
	}
	if errE != nil || errD != nil {
		t.Errorf("Enable/DisableScene: %v, %v", errE, errD)
	}
}

// fakeClock is a settable clock for the simulator.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (f *fakeClock) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.t
}

func (f *fakeClock) Add(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.t = f.t.Add(d)
}

func TestSimCookieExpiryHundredCallersOneRenewal(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)}
	s := newSim(t, edgesim.Options{Seed: 1, Now: clock.Now})
	c, rec := newSimClient(t, s, Version2020, nil)
	ctx := t.Context()
	if _, err := c.ListThings(ctx, ThingFilter{}); err != nil {
		t.Fatal(err)
	}
	clock.Add(2 * time.Hour) // the gateway's cookie expired; the client's clock did not move
	var wg sync.WaitGroup
	for range 100 {
		wg.Go(func() {
			if _, err := c.GetThingProperties(ctx, simPK, simDev, "LightSwitch"); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := rec.count(OpCreateAuthCookie); n != 2 {
		t.Errorf("CreateAuthCookie records = %d, want 2 (first use + exactly one renewal)", n)
	}
	n401 := 0
	for _, r := range rec.all() {
		if r.Status == 401 {
			n401++
		}
	}
	if n401 == 0 {
		t.Error("no 401 seen: the cookie did not expire")
	}
}

func TestSimBackoff503(t *testing.T) {
	s := newSim(t, edgesim.Options{Seed: 1, Faults: []edgesim.FaultRule{{Op: OpListThings, Code: 503, Count: 2}}})
	c, rec := newSimClient(t, s, Version2020, nil)
	if _, err := c.ListThings(t.Context(), ThingFilter{}); err != nil {
		t.Fatal(err)
	}
	var got []model.Record
	for _, r := range rec.all() {
		if r.Operation == OpListThings {
			got = append(got, r)
		}
	}
	if len(got) != 3 || got[0].Status != 503 || got[1].Status != 503 || got[2].Status != 200 {
		t.Fatalf("records %+v", got)
	}
	for _, r := range got[:2] {
		if r.Action.Kind != model.ActionBackoff || !strings.Contains(r.Action.Detail, "Retry-After: 1") || r.APICode != "ServiceUnavailable" {
			t.Errorf("503 record %+v", r)
		}
	}
	// A maintenance window: the client backs off until it gives up.
	s.Faults().Maintenance(time.Hour)
	_, err := c.ListScenes(t.Context())
	var ae *APIError
	if !errors.As(err, &ae) || ae.Status != 503 {
		t.Fatalf("during maintenance: %v", err)
	}
}

func TestSimBackoff421(t *testing.T) {
	s := newSim(t, edgesim.Options{Seed: 1, Faults: []edgesim.FaultRule{{Op: OpListScenes, Code: 421, Count: 1}}})
	c, rec := newSimClient(t, s, Version2020, func(cfg *Config) { cfg.MaxConnsPerHost = 8 })
	if _, err := c.ListScenes(t.Context()); err != nil {
		t.Fatal(err)
	}
	if c.Concurrency() != 4 {
		t.Errorf("concurrency = %d, want 4", c.Concurrency())
	}
	// The real cause: more connections than the gateway allows per IP.
	s.SetConnLimit(2)
	c2, rec2 := newSimClient(t, s, Version2020, func(cfg *Config) {
		cfg.MaxConnsPerHost = 8
		cfg.Retry.MaxAttempts = 30
	})
	if err := c2.CreateAuthCookie(t.Context()); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			_, err := c2.GetThingProperties(t.Context(), simPK, simDev, "LightSwitch")
			var ae *APIError
			if err != nil && !(errors.As(err, &ae) && ae.Status == 421) {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	n := 0
	for _, r := range append(rec.all(), rec2.all()...) {
		if r.Status == 421 {
			n++
			if r.Action.Kind != model.ActionBackoff && r.Action.Kind != model.ActionGaveUp {
				t.Errorf("421 record %+v", r)
			}
		}
	}
	if n < 2 {
		t.Errorf("421 records = %d", n)
	}
}

func TestSimRedirectHops(t *testing.T) {
	s := newSim(t, edgesim.Options{Seed: 1})
	c, rec := newSimClient(t, s, Version2020, nil)
	res, err := c.Raw(t.Context(), "GET", "/2020-04-30/thing/"+simPK+"/"+simDev+"/properties?identifiers=LightSwitch", nil)
	if err != nil || res.Status != 200 || !strings.Contains(string(res.Body), "LightSwitch") {
		t.Fatalf("Raw = %+v, %v", res, err)
	}
	var hops []model.Record
	for _, r := range rec.all() {
		if r.Operation != OpCreateAuthCookie {
			hops = append(hops, r)
		}
	}
	if len(hops) != 2 || hops[0].Status != 302 || hops[0].Action.Kind != model.ActionRedirect ||
		hops[1].Parent != hops[0].ID || hops[1].Link != model.LinkRedirect || hops[1].Status != 200 ||
		hops[0].Operation != OpGetThingProperties || hops[1].Operation != OpGetThingProperties || hops[1].DeviceName != simDev {
		t.Errorf("hops %+v", hops)
	}
	if !strings.HasPrefix(hops[1].Path, "/2020-04-30/things/") {
		t.Errorf("second hop path %q", hops[1].Path)
	}
}

func TestSimFailedSetNotRetried(t *testing.T) {
	s := newSim(t, edgesim.Options{Seed: 1})
	c, rec := newSimClient(t, s, Version2020, nil)
	var prop string
	for _, d := range s.Devices() {
		if d.DeviceName == "THSensor04" && len(d.Writable) > 0 {
			prop = d.Writable[0]
		}
	}
	_, err := c.SetThingProperties(t.Context(), edgesim.KeySensor, "THSensor04", map[string]any{prop: 21})
	var ae *APIError
	if !errors.As(err, &ae) || ae.Status != 500 {
		t.Fatalf("err = %v", err)
	}
	_, err = c.CallThingServices(t.Context(), simPK, "Light04", []ServiceCall{{Name: "toggle"}})
	if !errors.As(err, &ae) || ae.Status != 500 || ae.Code != "Message.FailedReply" {
		t.Fatalf("err = %v", err)
	}
	if n, m := rec.count(OpSetThingProperties), rec.count(OpCallThingServices); n != 1 || m != 1 {
		t.Errorf("Set records %d, Call records %d, want 1 each", n, m)
	}
}
