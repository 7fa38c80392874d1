package ui

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"edgetop/edgeclient"
)

// A wrong password must stop the workload: retrying cannot help and, on a
// real gateway, could lock the account.
func TestLoginRefusedStopsTheWorkload(t *testing.T) {
	api := &fakeAPI{err: &edgeclient.APIError{Status: 401, Code: "Unauthorized", Operation: "CreateAuthCookie"}}
	a := newTestApp(t, func(d *Deps) { d.Client = api })
	resize(a, 120, 40)
	cmd := update(t, a, workloadTickMsg{Gen: a.work.gen})
	m, ok := findMsg[callDoneMsg](t, cmd)
	if !ok || m.Call.Kind.String() != "auth" {
		t.Fatalf("first call: %+v", m)
	}
	update(t, a, m) // its cmd is the notice's 5 s expiry: not run here
	if !a.work.refused {
		t.Fatal("refused not recorded")
	}
	if cmd := update(t, a, workloadTickMsg{Gen: a.work.gen}); cmd != nil {
		t.Fatal("the workload made another call after the login was refused")
	}
	frame := ansi.Strip(a.View().Content)
	for _, want := range []string{"login refused", "check --user and the password"} {
		if !strings.Contains(frame, want) {
			t.Errorf("frame lacks %q:\n%s", want, frame)
		}
	}
}

// A transport error on login is not a refusal: the workload keeps trying.
func TestLoginTransportErrorKeepsTrying(t *testing.T) {
	api := &fakeAPI{err: &edgeclient.NetError{Operation: "CreateAuthCookie", Kind: "refused"}}
	a := newTestApp(t, func(d *Deps) { d.Client = api })
	cmd := update(t, a, workloadTickMsg{Gen: a.work.gen})
	m, _ := findMsg[callDoneMsg](t, cmd)
	update(t, a, m)
	cmd = update(t, a, workloadTickMsg{Gen: a.work.gen})
	if m, ok := findMsg[callDoneMsg](t, cmd); !ok || m.Call.Kind.String() != "auth" {
		t.Fatal("a transport error stopped the workload")
	}
}

func TestPlainLoginRefusedEndsWithTheReason(t *testing.T) {
	api := &fakeAPI{err: &edgeclient.APIError{Status: 401, Code: "Unauthorized", Operation: "CreateAuthCookie"}}
	cat, codes := testCatalog(t)
	var out bytes.Buffer
	err := RunPlain(context.Background(), Deps{Client: api, Catalog: cat, APICodes: codes, NoColor: true}, &out)
	if err == nil || !strings.Contains(err.Error(), "login refused (HTTP 401)") {
		t.Fatalf("err = %v", err)
	}
}
