package edgeclient

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"edgetop/edgeclient/edgesim"
	"edgetop/model"
)

func TestSimTruncatedAndMalformed(t *testing.T) {
	s := newSim(t, edgesim.Options{Seed: 1, Faults: []edgesim.FaultRule{
		{Op: OpListThings, Action: edgesim.ActionTruncate, Count: 1},
		{Op: OpListScenes, Action: edgesim.ActionMalformed, Count: 1},
		{Op: OpSetThingProperties, Action: edgesim.ActionTruncate, Count: 1},
		// POST: a GET would be replayed by net/http itself, unseen.
		{Op: OpBulkGetProperties, Action: edgesim.ActionReset, Count: 1},
	}})
	c, rec := newSimClient(t, s, Version2020, nil)
	ctx := t.Context()
	if _, err := c.ListThings(ctx, ThingFilter{}); err != nil { // a read: retried
		t.Errorf("ListThings after a truncated body: %v", err)
	}
	var ne *NetError
	if _, err := c.SetThingProperties(ctx, simPK, simDev, map[string]any{"Brightness": 5}); !errors.As(err, &ne) || ne.Kind != model.ErrTruncated {
		t.Errorf("Set with a truncated body: %v", err)
	}
	if _, err := c.ListScenes(ctx); !errors.As(err, &ne) || ne.Kind != model.ErrMalformed {
		t.Errorf("ListScenes malformed: %v", err)
	}
	q := []PropertyQuery{{ProductKey: simPK, DeviceName: simDev, Identifiers: []string{"LightSwitch"}}}
	if _, err := c.BulkGetProperties(ctx, q); err != nil { // reset on a read: retried
		t.Errorf("BulkGetProperties after a reset: %v", err)
	}
	kinds := map[string][]model.ErrKind{}
	for _, r := range rec.all() {
		if r.Err != nil {
			kinds[r.Operation] = append(kinds[r.Operation], r.Err.Kind)
			if r.Err.Kind == model.ErrTruncated && !r.ResponseBody.Truncated {
				t.Errorf("truncated record without the mark: %+v", r)
			}
		}
	}
	want := map[string]model.ErrKind{
		OpListThings: model.ErrTruncated, OpSetThingProperties: model.ErrTruncated,
		OpListScenes: model.ErrMalformed, OpBulkGetProperties: model.ErrReset,
	}
	for op, k := range want {
		if len(kinds[op]) != 1 || kinds[op][0] != k {
			t.Errorf("%s: error kinds %v, want [%s]", op, kinds[op], k)
		}
	}
	if n := rec.count(OpSetThingProperties); n != 1 {
		t.Errorf("Set records = %d, want 1", n)
	}
}

// cutProxy forwards TCP to target and can cut every open connection, as a
// gateway dropping its streams would.
type cutProxy struct {
	ln    net.Listener
	mu    sync.Mutex
	conns []net.Conn
}

func newCutProxy(t *testing.T, target string) *cutProxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cutProxy{ln: ln}
	t.Cleanup(func() { ln.Close(); p.cut() })
	go func() {
		for {
			in, err := ln.Accept()
			if err != nil {
				return
			}
			out, err := net.Dial("tcp", target)
			if err != nil {
				in.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, in, out)
			p.mu.Unlock()
			go func() { _, _ = io.Copy(out, in); out.Close() }()
			go func() { _, _ = io.Copy(in, out); in.Close() }()
		}
	}()
	return p
}

func (p *cutProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

func TestSimWatchReconnectsAfterDrop(t *testing.T) {
	s := newSim(t, edgesim.Options{Seed: 1, Heartbeat: 20 * time.Millisecond, WatchInterval: 10 * time.Millisecond})
	p := newCutProxy(t, strings.TrimPrefix(s.URL, "https://"))
	c, rec := newSimClient(t, s, Version2020, func(cfg *Config) {
		cfg.Gateway = "https://" + p.ln.Addr().String()
		cfg.Transport = nil
		cfg.CAPEM = s.CertPEM()
	})
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	ch, err := c.Watch(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	opened, dropped, beats := 0, 0, 0
	for ev := range ch {
		switch ev.Kind {
		case WatchOpened:
			opened++
		case WatchHeartbeat:
			beats++
			if opened == 1 && beats == 1 {
				p.cut() // the gateway drops the stream
			}
			if opened == 2 {
				cancel()
			}
		case WatchDropped:
			dropped++
		case WatchFailed:
			t.Fatal(ev.Err)
		}
	}
	if opened != 2 || dropped != 1 {
		t.Errorf("opened %d dropped %d", opened, dropped)
	}
	var w []model.Record
	for _, r := range rec.all() {
		if r.Operation == OpBulkWatch {
			w = append(w, r)
		}
	}
	if len(w) < 2 || w[0].Action.Kind != model.ActionReconnect || w[len(w)-1].Parent == 0 || w[len(w)-1].Action.Kind != model.ActionNone {
		t.Errorf("watch records %+v", w)
	}
}

func TestSimTLS(t *testing.T) {
	s := newSim(t, edgesim.Options{Seed: 1})
	caFile := filepath.Join(t.TempDir(), "ca.x509.pem")
	if err := os.WriteFile(caFile, s.CertPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		mod  func(*Config)
		ok   bool
	}{
		{"unknown certificate", func(*Config) {}, false},
		{"CA file", func(c *Config) { c.CAFile = caFile }, true},
		{"pin", func(c *Config) { c.Pin = s.Fingerprint() }, true},
		{"wrong pin", func(c *Config) { c.Pin = "sha256:" + strings.Repeat("ab", 32) }, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, rec := newSimClient(t, s, Version2020, func(cfg *Config) {
				cfg.Transport = nil
				cfg.Retry.MaxAttempts = 1
				tt.mod(cfg)
			})
			_, err := c.ListThings(t.Context(), ThingFilter{})
			if tt.ok != (err == nil) {
				t.Fatalf("err = %v", err)
			}
			var ne *NetError
			if !tt.ok && (!errors.As(err, &ne) || ne.Kind != model.ErrTLS || rec.all()[0].Err.Kind != model.ErrTLS) {
				t.Errorf("err = %v, records %+v", err, rec.all())
			}
		})
	}
}
