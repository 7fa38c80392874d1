package edgeclient

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io"
	"log"
	"math/big"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"edgetop/model"
)

func TestTLSVerification(t *testing.T) {
	f := newFakeGW(t)
	pin := Fingerprint(f.srv.Certificate().Raw)
	caFile := filepath.Join(t.TempDir(), "ca.x509.pem")
	if err := os.WriteFile(caFile, f.caPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	wrongPin := "sha256:" + strings.Repeat("0", 64)
	otherCA, _ := gatewayCA(t)
	wrongCA := filepath.Join(t.TempDir(), "other-ca.pem")
	if err := os.WriteFile(wrongCA, otherCA, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		mod      func(*Config)
		ok       bool
		insecure bool
	}{
		{"unknown certificate", func(c *Config) { c.CAPEM = nil }, false, false},
		{"CA file", func(c *Config) { c.CAPEM, c.CAFile = nil, caFile }, true, false},
		{"pin", func(c *Config) { c.CAPEM, c.Pin = nil, pin }, true, false},
		{"pin with colons, upper case", func(c *Config) {
			c.CAPEM, c.Pin = nil, strings.ToUpper(strings.TrimPrefix(pin, "sha256:"))
		}, true, false},
		{"pin and CA", func(c *Config) { c.Pin = pin }, true, false},
		{"wrong pin", func(c *Config) { c.CAPEM, c.Pin = nil, wrongPin }, false, false},
		{"wrong CA file", func(c *Config) { c.CAPEM, c.CAFile = nil, wrongCA }, false, false},
		{"wrong pin beats insecure", func(c *Config) { c.CAPEM, c.Pin, c.Insecure = nil, wrongPin, true }, false, false},
		{"insecure", func(c *Config) { c.CAPEM, c.Insecure = nil, true }, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, rec := newTestClient(t, f, Version2020, func(cfg *Config) {
				tt.mod(cfg)
				cfg.Retry.MaxAttempts = 1
			})
			if c.Insecure() != tt.insecure {
				t.Errorf("Insecure() = %v", c.Insecure())
			}
			_, err := c.ListScenes(t.Context())
			if tt.ok {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var ne *NetError
			if !errors.As(err, &ne) || ne.Kind != model.ErrTLS {
				t.Fatalf("err = %v, want a tls NetError", err)
			}
			// Whatever refused it, the error names the gateway's
			// certificate, so the operator can pin it (the README says so).
			if ne.PeerCertificate == nil || Fingerprint(ne.PeerCertificate.Raw) != pin {
				t.Errorf("PeerCertificate = %v, want the gateway's (%s) for --pin", ne.PeerCertificate, pin)
			}
			if tt.name == "wrong pin" && (ne.PinMismatch == nil || ne.PinMismatch.Got != pin) {
				t.Errorf("PinMismatch = %+v, want Got %s", ne.PinMismatch, pin)
			}
			if r := rec.all(); len(r) == 0 || r[0].Err == nil || !strings.Contains(r[0].Err.Text, pin) {
				t.Errorf("the record does not name the certificate to pin: %+v", r)
			}
			recs := rec.all()
			if len(recs) != 1 || recs[0].Err == nil || recs[0].Err.Kind != model.ErrTLS || recs[0].Action.Kind != model.ActionNone {
				t.Errorf("records %+v", recs)
			}
		})
	}
}

func TestConfigErrors(t *testing.T) {
	notPEM := filepath.Join(t.TempDir(), "ca.txt")
	if err := os.WriteFile(notPEM, []byte("this is not a certificate\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, cfg := range []Config{
		{},
		{Gateway: "ftp://x"},
		{Gateway: "https://x", APIVersion: "2018-01-01"},
		{Gateway: "https://x", Pin: "sha256:zz"},
		{Gateway: "https://x", CAFile: "/nonexistent/ca.pem"},
		{Gateway: "https://x", CAPEM: []byte("not pem")},
		{Gateway: "https://x", CAFile: notPEM},
		{Gateway: "https://127.0.0.1:99999"},
		{Gateway: "https://127.0.0.1:0"},
		{Gateway: "https://127.0.0.1:port"},
		{Gateway: "https://127.0.0.1:"},
		{Gateway: "https://:9999"},
	} {
		if _, err := New(cfg); err == nil {
			t.Errorf("New(%+v) accepted", cfg)
		}
	}
	for _, ok := range []string{"https://[::1]:9999", "https://gw.example:1", "https://10.0.0.1"} {
		if _, err := New(Config{Gateway: ok}); err != nil {
			t.Errorf("New(%q): %v", ok, err)
		}
	}
	c, err := New(Config{Gateway: "user:pw@10.0.0.1:9999/some/path"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Gateway() != "https://10.0.0.1:9999" || c.APIVersion() != Version2020 || c.Insecure() {
		t.Errorf("gateway %q version %q", c.Gateway(), c.APIVersion())
	}
}

// gatewayCA makes a CA and a leaf signed by it with no SAN at all, like the
// certificate `lectl console certificate` makes (CN=Link IoT Edge).
func gatewayCA(t *testing.T) (caPEM []byte, leaf tls.Certificate) {
	t.Helper()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Link IoT Edge CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{Country: []string{"CN"}, Organization: []string{"Link IoT Edge"}, CommonName: "Link IoT Edge"},
		NotBefore:    time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}),
		tls.Certificate{Certificate: [][]byte{der, caDER}, PrivateKey: key}
}

func TestTLSGatewayCAWithoutSAN(t *testing.T) {
	f := &fakeGW{t: t, user: testUser, pass: testPass, tokens: map[string]bool{}, maxAge: 3600}
	f.srv = httptest.NewUnstartedServer(f)
	f.srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	caPEM, leaf := gatewayCA(t)
	f.srv.TLS = &tls.Config{Certificates: []tls.Certificate{leaf}}
	f.srv.StartTLS()
	t.Cleanup(f.srv.Close)
	c, _ := newTestClient(t, f, Version2020, func(cfg *Config) { cfg.CAPEM = caPEM })
	if _, err := c.ListScenes(t.Context()); err != nil {
		t.Fatalf("the gateway's own CA: %v", err)
	}
	other, _ := gatewayCA(t)
	c2, _ := newTestClient(t, f, Version2020, func(cfg *Config) { cfg.CAPEM = other; cfg.Retry.MaxAttempts = 1 })
	var ne *NetError
	if _, err := c2.ListScenes(t.Context()); !errors.As(err, &ne) || ne.Kind != model.ErrTLS {
		t.Fatalf("another CA: %v", err)
	}
}
