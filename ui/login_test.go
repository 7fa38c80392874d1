package ui

import (
	"bytes"
	"context"
	"crypto/x509"
	"io"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
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
	update(t, a, m)
	if !strings.HasPrefix(a.work.halted, "login refused") {
		t.Fatalf("halted = %q", a.work.halted)
	}
	if cmd := update(t, a, workloadTickMsg{Gen: a.work.gen}); cmd != nil {
		t.Fatal("the workload made another call after the login was refused")
	}
	frame := ansi.Strip(a.View().Content)
	for _, want := range []string{"login refused", "check --user and the password", "■ stopped"} {
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

// An untrusted certificate stops the workload too, and the notice gives
// the fingerprint to pin.
func TestUntrustedCertificateStopsTheWorkload(t *testing.T) {
	cert := &x509.Certificate{Raw: []byte("gateway certificate")}
	api := &fakeAPI{err: &edgeclient.NetError{Operation: "CreateAuthCookie", Kind: "tls", PeerCertificate: cert}}
	a := newTestApp(t, func(d *Deps) { d.Client = api })
	resize(a, 200, 50)
	m, _ := findMsg[callDoneMsg](t, update(t, a, workloadTickMsg{Gen: a.work.gen}))
	update(t, a, m)
	if want := "--pin " + edgeclient.Fingerprint(cert.Raw); !strings.Contains(a.work.halted, want) {
		t.Fatalf("halted = %q, want it to name %q", a.work.halted, want)
	}
	if cmd := update(t, a, workloadTickMsg{Gen: a.work.gen}); cmd != nil {
		t.Fatal("the workload went on with an untrusted certificate")
	}
}

// A call's 401 is observed after the renewal it caused, but started first:
// within a batch the list is chronological by start.
func TestBatchIsListedByStart(t *testing.T) {
	a := newTestApp(t)
	rs := manyRecords(1, 2)
	rs[0].Start = rs[1].Start.Add(time.Millisecond)
	later, earlier := rs[0].ID, rs[1].ID
	feed(a, rs...)
	if a.view.At(0).ID != earlier || a.view.At(1).ID != later {
		t.Fatalf("order %d, %d; want %d then %d", a.view.At(0).ID, a.view.At(1).ID, earlier, later)
	}
}

// The footer's key help is cached; pausing changes a label in it.
func TestFooterSaysResumeWhilePaused(t *testing.T) {
	a := newTestApp(t)
	resize(a, 120, 40)
	feed(a, sampleRecords()...)
	_ = a.View() // fills the footer cache
	press(a, "p")
	if frame := ansi.Strip(a.View().Content); !strings.Contains(frame, "p resume") {
		t.Fatalf("paused footer lacks 'p resume':\n%s", frame)
	}
	press(a, "p")
	if frame := ansi.Strip(a.View().Content); !strings.Contains(frame, "p pause") {
		t.Fatalf("resumed footer lacks 'p pause':\n%s", frame)
	}
}

// After the screen is gone, Run says once more why the workload stopped.
func TestRunReturnsTheHaltReason(t *testing.T) {
	api := &fakeAPI{err: &edgeclient.APIError{Status: 401, Code: "Unauthorized", Operation: "CreateAuthCookie"}}
	cat, codes := testCatalog(t)
	deps := Deps{Client: api, Catalog: cat, APICodes: codes, NoColor: true, Duration: 300 * time.Millisecond}
	err := Run(context.Background(), deps, tea.WithInput(nil), tea.WithOutput(io.Discard), tea.WithWindowSize(120, 40))
	if err == nil || !strings.Contains(err.Error(), "login refused (HTTP 401)") {
		t.Fatalf("Run = %v, want the halt reason", err)
	}
}
