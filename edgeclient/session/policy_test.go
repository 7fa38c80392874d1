package session

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"edgetop/edgeclient"
	"edgetop/edgeclient/edgesim"
	"edgetop/model"
)

// policyCase is one row of the policy table (doc.go), run against the
// simulator: what the engine does, how often it tries again, and what the
// operator is told.
type policyCase struct {
	name   string
	opts   edgesim.Options
	url    func(t *testing.T, s *edgesim.Server) string // default s.URL
	trust  bool                                         // the client trusts the simulator (default true, see noTrust)
	client func(*edgeclient.Config)
	// backoff sets ServerBase/ServerMax (0: the fast policy's), long
	// enough that the count of calls tells backoff from the pace.
	backoff time.Duration
	check   func(t *testing.T, r *run, s *edgesim.Server)
}

const policyRun = 1500 * time.Millisecond

func TestPolicyTable(t *testing.T) {
	dev := func(code int, apicode string) edgesim.Options {
		return edgesim.Options{Faults: []edgesim.FaultRule{{Op: "GetThingProperties", Device: "Light02", Code: code, APICode: apicode}}}
	}
	neverResent := func(code int) func(*testing.T, *run, *edgesim.Server) {
		return func(t *testing.T, r *run, _ *edgesim.Server) {
			recs := r.records()
			if n := count(recs, edgeclient.OpGetThingProperties, "Light02"); n != 1 {
				t.Errorf("the refused read (%d) was sent %d times", code, n)
			}
			if n := count(recs, edgeclient.OpGetThingProperties, "Light03"); n < 3 {
				t.Errorf("the other devices were read %d times", n)
			}
			noHalt(t, r)
		}
	}
	cases := []policyCase{
		{name: "200", check: func(t *testing.T, r *run, _ *edgesim.Server) {
			noHalt(t, r)
			if len(having(r.events(), EventUp)) != 1 || len(having(r.events(), EventLost)) != 0 {
				t.Errorf("events %s", kinds(r.events()))
			}
		}},
		{name: "400", opts: dev(400, "InvalidParameter"), check: neverResent(400)},
		{name: "403", opts: dev(403, "Forbidden"), check: neverResent(403)},
		{name: "404", opts: dev(404, "NotFound"), check: neverResent(404)},
		{name: "405", opts: dev(405, "MethodNotAllowed"), check: neverResent(405)},
		{
			name: "400 on the watch", opts: edgesim.Options{Faults: []edgesim.FaultRule{{Op: "BulkActions.Watch", Code: 400}}},
			check: func(t *testing.T, r *run, _ *edgesim.Server) {
				if n := count(r.records(), edgeclient.OpBulkWatch, ""); n != 1 {
					t.Errorf("the refused Watch was sent %d times", n)
				}
				closed := having(r.events(), EventWatchClosed)
				if len(closed) != 1 || !strings.Contains(closed[0].Text, "not reopened until the device list changes") {
					t.Errorf("watch closed events %+v", closed)
				}
			},
		},
		{
			name: "401 on login", client: func(c *edgeclient.Config) { c.Password = "wrong1234" },
			check: halts("login refused (HTTP 401)", "check --user and the password", edgeclient.OpCreateAuthCookie),
		},
		{
			name: "403 on login", opts: edgesim.Options{Faults: []edgesim.FaultRule{{Op: "CreateAuthCookie", Code: 403}}},
			check: halts("login refused (HTTP 403)", "password", edgeclient.OpCreateAuthCookie),
		},
		{
			name: "404 on ListThings", opts: edgesim.Options{Faults: []edgesim.FaultRule{{Op: "ListThings", Code: 404}}},
			check: halts("ListThings: HTTP 404", "--api-version", edgeclient.OpListThings),
		},
		{name: "500 on a device", opts: dev(500, "Message.FailedReply"), backoff: time.Second, check: func(t *testing.T, r *run, _ *edgesim.Server) {
			calls := firstAttempts(r.records(), edgeclient.OpGetThingProperties)
			var mine []model.Record
			for _, c := range calls {
				if c.DeviceName == "Light02" {
					mine = append(mine, c)
				}
			}
			// Put off 0.5-1s, then 1-2s: three calls at most in 1.5s (each
			// a read the client tries twice); at the pace it would be about
			// six (14 devices, a call every 20ms).
			if len(mine) == 0 || len(mine) > 3 {
				t.Errorf("the failing device was called %d times", len(mine))
			}
			spaced(t, mine, 500*time.Millisecond)
			noHalt(t, r)
		}},
		{
			name: "503", opts: edgesim.Options{Faults: []edgesim.FaultRule{{Code: 503}}}, backoff: time.Second,
			check: func(t *testing.T, r *run, _ *edgesim.Server) {
				logins := firstAttempts(r.records(), edgeclient.OpCreateAuthCookie)
				if len(logins) == 0 || len(logins) > 3 {
					t.Errorf("%d logins during maintenance", len(logins))
				}
				spaced(t, logins, 500*time.Millisecond)
				noHalt(t, r)
			},
		},
		{name: "refused", url: deadURL, check: func(t *testing.T, r *run, _ *edgesim.Server) {
			lost(t, r, model.ErrRefused, "Nothing accepted the connection")
			spaced(t, firstAttempts(r.records(), edgeclient.OpCreateAuthCookie), fast.LinkBase/2)
		}},
		{
			name: "dns", url: func(*testing.T, *edgesim.Server) string { return "https://no-such-host.invalid:9999" },
			check: func(t *testing.T, r *run, _ *edgesim.Server) {
				lost(t, r, model.ErrDNS, "did not resolve")
				logins := firstAttempts(r.records(), edgeclient.OpCreateAuthCookie)
				spaced(t, logins, fast.DNSBase/2)
				for _, l := range r.records() {
					if l.Attempt > 1 {
						t.Errorf("a name that does not exist was looked up again at once: %+v", l)
					}
				}
			},
		},
		{
			name: "timeout", opts: edgesim.Options{Faults: []edgesim.FaultRule{{Op: "ListThings", Action: edgesim.ActionStall, Stall: 5 * time.Second}}},
			client: func(c *edgeclient.Config) { c.Timeout = 150 * time.Millisecond },
			check: func(t *testing.T, r *run, _ *edgesim.Server) {
				lost(t, r, model.ErrTimeout, "did not answer in time")
			},
		},
		{
			name: "reset", opts: edgesim.Options{Faults: []edgesim.FaultRule{{Op: "ListThings", Action: edgesim.ActionReset}}},
			check: func(t *testing.T, r *run, _ *edgesim.Server) {
				lost(t, r, model.ErrReset, "connection was cut")
			},
		},
		{
			name: "truncated", opts: edgesim.Options{Faults: []edgesim.FaultRule{{Op: "ListThings", Action: edgesim.ActionTruncate}}},
			check: func(t *testing.T, r *run, _ *edgesim.Server) {
				lost(t, r, model.ErrTruncated, "cut short")
			},
		},
		{
			name: "malformed", opts: edgesim.Options{Faults: []edgesim.FaultRule{{Op: "GetThingProperties", Device: "Light02", Action: edgesim.ActionMalformed}}},
			backoff: time.Second, check: func(t *testing.T, r *run, _ *edgesim.Server) {
				var mine []model.Record
				for _, c := range firstAttempts(r.records(), edgeclient.OpGetThingProperties) {
					if c.DeviceName == "Light02" {
						mine = append(mine, c)
						if c.Class() != model.ClassNet || !c.Unusable() {
							t.Errorf("a malformed 200 shown as %v", c.Class())
						}
					}
				}
				if len(mine) == 0 || len(mine) > 3 {
					t.Errorf("the device answering garbage was called %d times", len(mine))
				}
				spaced(t, mine, 500*time.Millisecond)
				noHalt(t, r)
			},
		},
		{name: "tls unknown authority", trust: false, check: func(t *testing.T, r *run, s *edgesim.Server) {
			halts("not trusted", "--pin "+s.Fingerprint(), edgeclient.OpCreateAuthCookie)(t, r, s)
		}},
		{
			name: "tls pin mismatch", trust: false, client: func(c *edgeclient.Config) { c.Pin = "sha256:" + strings.Repeat("ab", 32) },
			check: func(t *testing.T, r *run, s *edgesim.Server) {
				halts("not the pinned sha256:abab", "--pin "+s.Fingerprint(), edgeclient.OpCreateAuthCookie)(t, r, s)
			},
		},
		{
			name: "tls name mismatch", url: otherNameGateway, trust: false, client: trustOtherName,
			check: func(t *testing.T, r *run, s *edgesim.Server) {
				halts("is for gateway.example, not this host", "--pin sha256:", edgeclient.OpCreateAuthCookie)(t, r, s)
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newSim(t, tc.opts)
			url := s.URL
			if tc.url != nil {
				url = tc.url(t, s)
			}
			var trusted *edgesim.Server
			if tc.trust || !strings.HasPrefix(tc.name, "tls") {
				trusted = s
			}
			c, obs := newClient(t, url, trusted, tc.client)
			r := startEngine(t, c, obs, func(cfg *Config) {
				if tc.backoff > 0 {
					cfg.Policy.ServerBase, cfg.Policy.ServerMax = tc.backoff, 4*tc.backoff
				}
			})
			time.Sleep(policyRun)
			tc.check(t, r, s)
		})
	}
}

// noHalt fails when the session halted.
func noHalt(t *testing.T, r *run) {
	t.Helper()
	if h := having(r.events(), EventHalted); len(h) > 0 {
		t.Errorf("halted: %s; %s", h[0].Text, h[0].Fix)
	}
}

// halts checks that the session halted saying text and fix, after exactly
// one call of op and nothing after it.
func halts(text, fix, op string) func(*testing.T, *run, *edgesim.Server) {
	return func(t *testing.T, r *run, _ *edgesim.Server) {
		t.Helper()
		h := having(r.events(), EventHalted)
		if len(h) != 1 || !strings.Contains(h[0].Text, text) || !strings.Contains(h[0].Fix, fix) {
			t.Fatalf("halt events %+v, want %q / %q", h, text, fix)
		}
		recs := r.records()
		if n := count(recs, op, ""); n != 1 {
			t.Errorf("%s sent %d times", op, n)
		}
		if last := recs[len(recs)-1]; last.Operation != op {
			t.Errorf("called %s after halting", last.Operation)
		}
		if st := r.e.State(); st.Link != LinkHalted || st.Fix == "" {
			t.Errorf("state %v %q", st.Link, st.Fix)
		}
	}
}

// lost checks that the gateway was reported lost once, of kind, with the
// kind's advice, and not halted.
func lost(t *testing.T, r *run, kind model.ErrKind, advice string) {
	t.Helper()
	l := having(r.events(), EventLost)
	if len(l) != 1 || l[0].Why != kind || !strings.Contains(l[0].Fix, advice) {
		t.Fatalf("lost events %+v, want one of kind %s saying %q; all: %s", l, kind, advice, kinds(r.events()))
	}
	if st := r.e.State(); st.Link != LinkLost || st.Why != kind {
		t.Errorf("state %v %s", st.Link, st.Why)
	}
	noHalt(t, r)
}

// spaced checks that calls started at least floor apart.
func spaced(t *testing.T, calls []model.Record, floor time.Duration) {
	t.Helper()
	for i := 1; i < len(calls); i++ {
		if gap := calls[i].Start.Sub(calls[i-1].Start); gap < floor {
			t.Errorf("calls %d and %d only %v apart (floor %v)", calls[i-1].ID, calls[i].ID, gap, floor)
		}
	}
}

// deadURL is a loopback address where nothing listens.
func deadURL(t *testing.T, _ *edgesim.Server) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "https://" + addr
}

// otherName is a certificate for gateway.example only, and its PEM.
var otherName = func() (tls.Certificate, []byte) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "gateway.example"},
		DNSNames: []string{"gateway.example"}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, IsCA: true, BasicConstraintsValid: true,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, _ := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

// otherNameGateway is a TLS server on 127.0.0.1 whose certificate names
// another host.
func otherNameGateway(t *testing.T, _ *edgesim.Server) string {
	cert, _ := otherNameCert()
	srv := httptest.NewUnstartedServer(http.NotFoundHandler())
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv.URL
}

func trustOtherName(c *edgeclient.Config) { _, p := otherNameCert(); c.CAPEM = p }

var otherNameCert = sync.OnceValues(otherName)

// TestCertificateChangesMidSession: the simulator is restarted on the same
// port with a new certificate. Pinned or trusted by its old CA, the
// session halts at once, naming the old and the new fingerprint, and sends
// nothing more (no storm of refused handshakes).
func TestCertificateChangesMidSession(t *testing.T) {
	for _, how := range []string{"pin", "ca"} {
		t.Run(how, func(t *testing.T) {
			t.Parallel()
			old, err := edgesim.New(edgesim.Options{Seed: 1})
			if err != nil {
				t.Fatal(err)
			}
			addr := strings.TrimPrefix(old.URL, "https://")
			c, obs := newClient(t, old.URL, nil, func(cfg *edgeclient.Config) {
				if how == "pin" {
					cfg.Pin = old.Fingerprint()
				} else {
					cfg.CAPEM = old.CertPEM()
				}
			})
			r := startEngine(t, c, obs, nil)
			r.waitFor(t, 5*time.Second, "reads from the first gateway", func(_ []Event, recs []model.Record) bool {
				return count(recs, edgeclient.OpGetThingProperties, "") >= 3
			})
			oldFP := old.Fingerprint()
			_ = old.Close()
			s := newSim(t, edgesim.Options{Listen: addr})
			r.waitFor(t, 5*time.Second, "the halt", func(evs []Event, _ []model.Record) bool {
				return len(having(evs, EventHalted)) == 1
			})
			h := having(r.events(), EventHalted)[0]
			if !strings.Contains(h.Text, "changed: it was "+oldFP+", now it is "+s.Fingerprint()) ||
				!strings.Contains(h.Fix, "--pin "+s.Fingerprint()) {
				t.Errorf("halt %q / %q", h.Text, h.Fix)
			}
			before := len(r.records())
			time.Sleep(500 * time.Millisecond)
			if after := len(r.records()); after > before+4 { // calls in flight when it halted may still end
				t.Errorf("%d records after halting", after-before)
			}
		})
	}
}

// A certificate's names come from the network: the halt's text shows the
// first few, cut short, and masks a secret among them.
func TestCertNamesBoundedAndMasked(t *testing.T) {
	names := []string{strings.Repeat("a", 300) + ".example", "secret-s3cretPassw0rd.example"}
	for i := range 20 {
		names = append(names, fmt.Sprintf("n%d.example", i))
	}
	got := certNames(&x509.Certificate{DNSNames: names})
	if len(got) > 300 || !strings.HasSuffix(got, "and 18 more") || !strings.Contains(got, "…") {
		t.Errorf("certNames = %q", got)
	}
	ne := &edgeclient.NetError{
		Kind: model.ErrTLS, TLS: edgeclient.TLSNameMismatch, Err: errors.New("x509: certificate is valid for other names"),
		PeerCertificate: &x509.Certificate{DNSNames: names},
	}
	e := New(Config{Client: maskOnly{}, Interval: time.Second})
	d := e.decide(model.Call{Kind: model.CallListThings}, ne)
	if d.verdict != verdictHalt || strings.Contains(d.text, "s3cretPassw0rd") || !strings.Contains(d.text, "****") {
		t.Errorf("decision %+v: want a halt with the password masked", d)
	}
}

// maskOnly is a client that masks one password; nothing else of it is used.
type maskOnly struct{ API }

func (maskOnly) Mask(s string) string { return strings.ReplaceAll(s, "s3cretPassw0rd", "****") }
