package edgeclient

import (
	"errors"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"edgetop/model"
)

func TestCookieExpiryManyCallersOneRenewal(t *testing.T) {
	f := newFakeGW(t)
	c, rec := newTestClient(t, f, Version2020, func(cfg *Config) { cfg.MaxConnsPerHost = 100 })
	ctx := t.Context()
	if _, err := c.ListThings(ctx, ThingFilter{}); err != nil {
		t.Fatal(err)
	}
	before := c.Auth()
	f.expireAll()
	// Hold every 401 until all 100 callers have sent the expired cookie, so
	// that all of them meet 401 with the same token generation.
	var arrived atomic.Int32
	gate := make(chan struct{})
	f.setFault(func(w http.ResponseWriter, r *http.Request) bool {
		if !strings.HasSuffix(r.URL.Path, "/properties") || f.cookieOK(r) {
			return false
		}
		if arrived.Add(1) == 100 {
			close(gate)
		}
		select {
		case <-gate:
		case <-r.Context().Done():
		}
		writeErr(w, Version2020, 401, "Unauthorized", "cookie expired")
		return true
	})
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for range 100 {
		wg.Go(func() {
			if _, err := c.GetThingProperties(ctx, "pk", "dev", "LightSwitch"); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := rec.count(OpCreateAuthCookie); n != 2 {
		t.Errorf("CreateAuthCookie records = %d, want 2 (first use + one renewal)", n)
	}
	if n := f.creates.Load(); n != 2 {
		t.Errorf("gateway saw %d CreateAuthCookie", n)
	}
	checkRenewals(t, rec, 100)
	if after := c.Auth(); !after.Authenticated || after.User != testUser || !after.Expires.After(before.Expires) && !after.Expires.Equal(before.Expires) {
		t.Errorf("auth %+v then %+v", before, after)
	}
}

// checkRenewals checks that want callers met 401, each marked renewed, and
// each retried once linked to its 401.
func checkRenewals(t *testing.T, rec *recorder, want int) {
	t.Helper()
	renewed, retried := 0, 0
	for _, r := range rec.all() {
		if r.Status == 401 {
			if r.Action.Kind != model.ActionRenewed {
				t.Errorf("401 record action %+v", r.Action)
			}
			renewed++
		}
		if r.Link == model.LinkRenewal {
			if r.Attempt != 2 || r.Parent == 0 || r.Status != 200 {
				t.Errorf("renewal retry %+v", r)
			}
			retried++
		}
	}
	if renewed != want || retried != want {
		t.Errorf("401 records = %d, renewal retries = %d, want %d each", renewed, retried, want)
	}
}

func TestRenewAheadOfMaxAge(t *testing.T) {
	f := newFakeGW(t)
	f.maxAge = 3600
	c, rec := newTestClient(t, f, Version2020, nil)
	now := time.Now()
	c.now = func() time.Time { return now }
	ctx := t.Context()
	if _, err := c.ListScenes(ctx); err != nil {
		t.Fatal(err)
	}
	now = now.Add(3600*time.Second - 30*time.Second) // inside the renewal margin
	if _, err := c.ListScenes(ctx); err != nil {
		t.Fatal(err)
	}
	if n := rec.count(OpCreateAuthCookie); n != 2 {
		t.Errorf("CreateAuthCookie = %d, want 2 (renewed ahead of Max-Age)", n)
	}
	for _, r := range rec.all() {
		if r.Status == 401 {
			t.Errorf("a 401 happened: %+v", r)
		}
	}
	// With early renewal off the same moment still uses the old cookie.
	c.cfg.RenewBefore = -1
	if err := c.CreateAuthCookie(ctx); err != nil {
		t.Fatal(err)
	}
	now = now.Add(2 * time.Hour) // past Max-Age by the client's clock
	if _, err := c.ListScenes(ctx); err != nil {
		t.Fatal(err)
	}
	if n := rec.count(OpCreateAuthCookie); n != 3 {
		t.Errorf("CreateAuthCookie = %d, want 3 (no time-based renewal)", n)
	}
}

func TestRenewalFailureGivesUp(t *testing.T) {
	f := newFakeGW(t)
	c, rec := newTestClient(t, f, Version2020, nil)
	if _, err := c.ListScenes(t.Context()); err != nil {
		t.Fatal(err)
	}
	f.expireAll()
	f.mu.Lock()
	f.pass = "changedPassw0rd" // the console password changed meanwhile
	f.mu.Unlock()
	_, err := c.ListScenes(t.Context())
	var ae *APIError
	if !errors.As(err, &ae) || ae.Status != 401 || ae.Operation != OpCreateAuthCookie {
		t.Fatalf("err = %v", err)
	}
	recs := rec.all()
	last := recs[len(recs)-1]
	if last.Operation != OpListScenes || last.Status != 401 || last.Action.Kind != model.ActionGaveUp {
		t.Errorf("last record %+v", last)
	}
}

func TestCloseDeletesCookieBothForms(t *testing.T) {
	for _, v := range []string{Version2020, Version2019} {
		f := newFakeGW(t)
		c, rec := newTestClient(t, f, v, nil)
		if err := c.CreateAuthCookie(t.Context()); err != nil {
			t.Fatal(err)
		}
		if err := c.Close(t.Context()); err != nil {
			t.Fatalf("%s: Close: %v", v, err)
		}
		f.mu.Lock()
		forms := strings.Join(f.deleteWith, ",")
		f.mu.Unlock()
		if forms != "cookie,basic" {
			t.Errorf("%s: delete sent %q", v, forms)
		}
		last := rec.all()[len(rec.all())-1]
		if last.Operation != OpDeleteAuthCookie || last.Status != 200 || !strings.Contains(last.Path, "******") {
			t.Errorf("%s: delete record %+v", v, last)
		}
		if c.Auth().Authenticated {
			t.Error("still authenticated after Close")
		}
	}
}

func TestTokenInRedirectIsMasked(t *testing.T) {
	f := newFakeGW(t)
	c, rec := newTestClient(t, f, Version2019, nil)
	f.setFault(func(w http.ResponseWriter, r *http.Request) bool {
		if r.Method == http.MethodDelete && r.URL.RawQuery == "" {
			w.Header().Set("X-Echo", r.Header.Get("Cookie")+" "+r.Header.Get("Authorization"))
			http.Redirect(w, r, r.URL.Path+"?hop=1", http.StatusTemporaryRedirect)
			return true
		}
		return false
	})
	if err := c.CreateAuthCookie(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteAuthCookie(t.Context()); err != nil {
		t.Fatal(err)
	}
	if n := rec.count(OpDeleteAuthCookie); n != 2 {
		t.Errorf("delete records = %d, want 2", n)
	}
	rec.checkNoSecrets(t, f.secrets()) // Location, X-Echo, paths and details included
}
