package edgeclient

import (
	"context"
	"errors"
	"testing"

	"edgetop/model"
)

func TestEveryOperationBothVersions(t *testing.T) {
	for _, v := range []string{Version2020, Version2019} {
		t.Run(v, func(t *testing.T) {
			f := newFakeGW(t)
			c, rec := newTestClient(t, f, v, nil)
			ctx := t.Context()
			exerciseThings(t, c, v)
			fr, err := c.InvokeFunction(ctx, "service:helloworld:function:helloworld", []byte("hi"))
			if err != nil || string(fr.Body) != "Hello World:hi" || fr.ContentType != "text/plain; charset=UTF-8" {
				t.Errorf("InvokeFunction = %+v, %v", fr, err)
			}
			var fe *FunctionError
			if fr, err := c.InvokeFunction(ctx, "service:s:function:fail", nil); !errors.As(err, &fe) || fe.Message != "boom" || fr.ErrorType != "Handled" {
				t.Errorf("InvokeFunction(fail) = %+v, %v", fr, err)
			}
			testWatchOnce(t, c)
			test2020Only(t, c, v)
			if err := c.Close(ctx); err != nil {
				t.Errorf("Close: %v", err)
			}
			if f.deletes.Load() != 1 {
				t.Errorf("deletes = %d", f.deletes.Load())
			}
			checkRecords(t, rec, v, f.srv.URL)
			if _, err := c.ListThings(ctx, ThingFilter{}); !errors.Is(err, ErrClosed) {
				t.Errorf("after Close: %v", err)
			}
		})
	}
}

// exerciseThings runs the device operations against the fake's fixtures.
func exerciseThings(t *testing.T, c *Client, v string) {
	ctx := t.Context()
	things, err := c.ListThings(ctx, ThingFilter{})
	if err != nil || len(things) != 2 {
		t.Fatalf("ListThings = %v, %v", things, err)
	}
	if things[0].DriverName != "LightSensor" || things[0].ConnectTime != 1587526047107 || len(things[0].Tags) != 0 ||
		things[1].Tags["Room"] != "kitchen" || things[1].ConnectTime != 0 {
		t.Errorf("things = %+v", things)
	}
	if th, err := c.ListThings(ctx, ThingFilter{ProductKey: "pkLamp"}); err != nil || (v == Version2019 && len(th) != 1) {
		t.Errorf("ListThings filtered = %v, %v", th, err)
	}
	p, err := c.GetThingProperties(ctx, "a1W****CGHU", "dev", "LightSwitch")
	if err != nil || string(p.Properties["LightSwitch"]) != "1" || p.Timestamp != 1587574910136 {
		t.Errorf("GetThingProperties = %+v, %v", p, err)
	}
	if sr, err := c.SetThingProperties(ctx, "pk", "dev", map[string]any{"LightSwitch": 0}); err != nil || sr.Timestamp == 0 {
		t.Errorf("SetThingProperties = %+v, %v", sr, err)
	}
	cs, err := c.CallThingServices(ctx, "pk", "dev", []ServiceCall{{Name: "setColor", Args: map[string]string{"color": "red"}}, {Name: "reboot"}})
	if err != nil || len(cs.Services) != 2 || !cs.Services[0].Returns.OK() || cs.Services[1].Returns.OK() ||
		cs.Services[1].Returns.Code != "Message.FailedReply" {
		t.Errorf("CallThingServices = %+v, %v", cs, err)
	}
	bg, err := c.BulkGetProperties(ctx, []PropertyQuery{{ProductKey: "pk", DeviceName: "d", Identifiers: []string{"LightSwitch"}}})
	if err != nil || len(bg.Results) != 1 || string(bg.Results[0].Returns.Data) != `{"LightSwitch":0}` {
		t.Errorf("BulkGetProperties = %+v, %v", bg, err)
	}
	if bs, err := c.BulkSetProperties(ctx, []PropertyUpdate{{ProductKey: "pk", DeviceName: "d", Properties: map[string]any{"x": 1}}}); err != nil || !bs.Results[0].Returns.OK() {
		t.Errorf("BulkSetProperties = %+v, %v", bs, err)
	}
	if bc, err := c.BulkCallServices(ctx, []ServiceBatch{{ProductKey: "pk", DeviceName: "d", Services: []ServiceCall{{Name: "setColor"}}}}); err != nil || bc.Results[0].Services[0].Name != "setColor" {
		t.Errorf("BulkCallServices = %+v, %v", bc, err)
	}
}

// checkRecords checks what every record of a clean session has.
func checkRecords(t *testing.T, rec *recorder, v, gateway string) {
	t.Helper()
	if n := rec.count(OpCreateAuthCookie); n != 1 {
		t.Errorf("CreateAuthCookie records = %d, want 1", n)
	}
	for _, r := range rec.all() {
		if r.Operation == OpUnknown || r.APIVersion != v || r.Gateway != gateway || r.ID == 0 || r.Attempt != 1 {
			t.Errorf("record %+v", r)
		}
		if v == Version2019 && r.Status == 200 && r.Operation != OpBulkWatch && r.Operation != OpInvokeFunction && r.APICode != "200" {
			t.Errorf("2019 record without Code: %+v", r)
		}
	}
}

func test2020Only(t *testing.T, c *Client, v string) {
	ctx := t.Context()
	th, errS := c.SearchThings(ctx, map[string]string{"Name": "LightSensor"})
	tsl, errT := c.GetTSL(ctx, "a1t****n42K")
	sc, errL := c.ListScenes(ctx)
	errE := c.EnableScene(ctx, "d1")
	errD := c.DisableScene(ctx, "d1")
	if v == Version2019 {
		wantUnsupported(t, errS, errT, errL, errE, errD)
		return
	}
	if errS != nil || len(th) != 1 || th[0].Tags["Name"] != "LightSensor" {
		t.Errorf("SearchThings = %+v, %v", th, errS)
	}
	if errT != nil || len(tsl.Properties) != 1 || tsl.Properties[0].DataType.Type != "double" || len(tsl.Events) != 2 || len(tsl.Raw) == 0 {
		t.Errorf("GetTSL = %+v, %v", tsl, errT)
	}
	if errL != nil || len(sc) != 1 || !sc[0].Running || sc[0].ID == "" {
		t.Errorf("ListScenes = %+v, %v", sc, errL)
	}
	if errE != nil || errD != nil {
		t.Errorf("Enable/DisableScene: %v %v", errE, errD)
	}
}

func testWatchOnce(t *testing.T, c *Client) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	ch, err := c.Watch(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []WatchKind
	for ev := range ch {
		kinds = append(kinds, ev.Kind)
		if ev.Kind == WatchDeviceEvent && (ev.Event != "propertiesChanged" || ev.ProductKey == "" || len(ev.Args) == 0) {
			t.Errorf("event %+v", ev)
		}
		if len(kinds) == 4 {
			cancel()
		}
	}
	want := []WatchKind{WatchOpened, WatchDeviceEvent, WatchHeartbeat, WatchDeviceEvent}
	if len(kinds) != 4 {
		t.Fatalf("watch kinds = %v, want %v", kinds, want)
	}
	for i := range want {
		if kinds[i] != want[i] {
			t.Errorf("watch kinds = %v, want %v", kinds, want)
		}
	}
}

func TestAPIErrorBothVersions(t *testing.T) {
	for _, tt := range []struct{ v, code string }{{Version2020, "NotFound"}, {Version2019, "404"}} {
		f := newFakeGW(t)
		c, rec := newTestClient(t, f, tt.v, nil)
		_, err := c.Raw(t.Context(), "GET", "/"+tt.v+"/nowhere", nil)
		var ae *APIError
		if !errors.As(err, &ae) || ae.Status != 404 || ae.Code != tt.code || ae.Message != "no such path" || ae.Operation != OpUnknown {
			t.Fatalf("%s: err = %#v", tt.v, err)
		}
		last := rec.all()[len(rec.all())-1]
		if last.ID != ae.RecordID || last.APICode != tt.code || last.Status != 404 || last.Action.Kind != model.ActionNone {
			t.Errorf("record %+v", last)
		}
	}
}

func TestBadCredentials(t *testing.T) {
	f := newFakeGW(t)
	c, rec := newTestClient(t, f, Version2020, func(cfg *Config) { cfg.Password = "wrongPassword1" })
	_, err := c.ListThings(t.Context(), ThingFilter{})
	var ae *APIError
	if !errors.As(err, &ae) || ae.Status != 401 || ae.Operation != OpCreateAuthCookie {
		t.Fatalf("err = %v", err)
	}
	if n := len(rec.all()); n != 1 || c.Auth().Authenticated {
		t.Errorf("records = %d, auth = %+v", n, c.Auth())
	}
	rec.checkNoSecrets(t, []string{"wrongPassword1"})
}

// wantUnsupported checks that every 2020-only call failed on 2019-09-30
// with UnsupportedError (and so sent no request).
func wantUnsupported(t *testing.T, errs ...error) {
	t.Helper()
	for _, err := range errs {
		var ue *UnsupportedError
		if !errors.As(err, &ue) {
			t.Errorf("2019: want UnsupportedError, got %v", err)
		}
	}
}
