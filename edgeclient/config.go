package edgeclient

import (
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// Config configures a Client. Only Gateway, User and Password are needed;
// every other field has a sensible default.
type Config struct {
	// Gateway is the base URL, e.g. "https://192.168.1.10:9999".
	Gateway string
	// APIVersion is Version2020 ("2020-04-30", the default) or Version2019.
	APIVersion string
	// User and Password are the edge gateway console credentials.
	User, Password string

	// CAFile is a PEM file of CA certificates to trust instead of the system
	// roots, such as the gateway's ca.x509.pem. CAPEM is the same, in memory.
	CAFile string
	CAPEM  []byte
	// Pin is the SHA-256 fingerprint of the gateway's leaf certificate,
	// "sha256:<64 hex>" (colons between bytes and upper case are accepted).
	// With a Pin the chain is not verified against a CA unless CAFile or
	// CAPEM is also given; the pin is checked on every handshake.
	Pin string
	// Insecure turns certificate verification off. Only when asked: the UI
	// says so on screen (Client.Insecure).
	Insecure bool

	// Timeout bounds each attempt of a call (the request, redirects aside,
	// and its whole body); the caller's context bounds the call. Default 15s.
	// For Watch it bounds the wait for the response headers.
	Timeout time.Duration
	// DialTimeout bounds connecting (TCP); default 5s.
	DialTimeout time.Duration
	// MaxConnsPerHost caps open connections to the gateway and is the
	// starting limit of concurrent requests (halved on 421). Default 8.
	MaxConnsPerHost int
	// MaxBodyBytes caps a response body; a larger body is an error record
	// marked truncated. Default 8 MiB.
	MaxBodyBytes int64
	// RenewBefore is how long before the cookie's Max-Age runs out it is
	// renewed; 0 means a tenth of its lifetime, at most a minute. Negative
	// turns time-based renewal off: only a 401 renews, so expiry shows as a
	// 401 that is then renewed (what a demo wants to show).
	RenewBefore time.Duration
	// WatchIdle ends a Watch stream (and reconnects) when no line, not even
	// a heartbeat, arrives for this long. Default 30s.
	WatchIdle time.Duration

	// Observer receives a record per HTTP exchange; nil discards them.
	Observer Observer
	// Sequence numbers the records; clients sharing an Observer share one
	// so that IDs never collide. Nil: the client's own, from 1.
	Sequence *Sequence
	// Retry sets retry and backoff timings; the zero value is the default.
	Retry RetryPolicy
	// Transport, when set, replaces the client's own http.Transport (the TLS
	// options and MaxConnsPerHost are then not applied to it).
	Transport http.RoundTripper
	// UserAgent is sent on every request; default "edgetop-edgeclient/1".
	UserAgent string
}

// RetryPolicy sets how calls are retried. Zero fields take the defaults.
// Backoff is exponential with full jitter (a small hand-written helper:
// delay = rand[0, min(MaxDelay, BaseDelay·2^n)]); a Retry-After header
// lengthens it up to MaxRetryAfter; MinDelay is the floor of both.
type RetryPolicy struct {
	// MaxAttempts is the most attempts one call makes for 503, 421 and
	// transport errors, the first included. Default 4; 1 disables retries.
	MaxAttempts int
	// ReadAttempts500 is the most attempts a read makes on 500 (calls that
	// change state are never retried on 500). Default 2.
	ReadAttempts500 int
	// BaseDelay and MaxDelay bound the backoff. Defaults 100ms and 5s.
	BaseDelay, MaxDelay time.Duration
	// MinDelay is the floor of every computed delay (backoff, Retry-After,
	// a stream's reconnect): no retry loop can spin faster. Default 50ms.
	MinDelay time.Duration
	// MaxRetryAfter caps an honoured Retry-After, and every computed
	// delay. Default 30s.
	MaxRetryAfter time.Duration
	// MaxRedirects is the most redirect hops one call follows. Default 5.
	MaxRedirects int
	// RestoreAfter is how many successful requests raise the concurrency
	// limit by one after a 421 halved it. Default 20.
	RestoreAfter int
	// StreamBaseDelay and StreamMaxDelay bound the wait before the Watch
	// stream reconnects, after a drop or a failed attempt to reopen it:
	// half to all of base·2ⁿ, at most max. Defaults 2s and 60s (a lost
	// gateway is not asked for a stream every few seconds).
	StreamBaseDelay, StreamMaxDelay time.Duration
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	defD := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&p.MaxAttempts, 4)
	def(&p.ReadAttempts500, 2)
	def(&p.MaxRedirects, 5)
	def(&p.RestoreAfter, 20)
	defD(&p.BaseDelay, 100*time.Millisecond)
	defD(&p.MaxDelay, 5*time.Second)
	defD(&p.MinDelay, 50*time.Millisecond)
	defD(&p.MaxRetryAfter, 30*time.Second)
	defD(&p.StreamBaseDelay, 2*time.Second)
	defD(&p.StreamMaxDelay, time.Minute)
	return p
}

func (cfg *Config) applyDefaults() error {
	if cfg.APIVersion == "" {
		cfg.APIVersion = Version2020
	}
	if cfg.APIVersion != Version2020 && cfg.APIVersion != Version2019 {
		return fmt.Errorf("edgeclient: unknown API version %q (want %s or %s)", cfg.APIVersion, Version2020, Version2019)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 15 * time.Second
	}
	if cfg.DialTimeout <= 0 {
		cfg.DialTimeout = 5 * time.Second
	}
	if cfg.MaxConnsPerHost <= 0 {
		cfg.MaxConnsPerHost = 8
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = 8 << 20
	}
	if cfg.WatchIdle <= 0 {
		cfg.WatchIdle = 30 * time.Second
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = "edgetop-edgeclient/1"
	}
	if cfg.Observer == nil {
		cfg.Observer = nopObserver{}
	}
	cfg.Retry = cfg.Retry.withDefaults()
	return nil
}

// ParseGateway checks a gateway URL as New does (a scheme of https or
// http, a host, a port in 1..65535 when one is given) and returns it as
// scheme://host[:port], without path, query or credentials. A URL without
// a scheme is taken as https.
func ParseGateway(raw string) (string, error) {
	u, err := parseGateway(raw)
	if err != nil {
		return "", err
	}
	return u.String(), nil
}

// parseGateway checks the URL and returns it as scheme://host[:port] with
// any path, query or credentials removed.
func parseGateway(raw string) (*url.URL, error) {
	if raw == "" {
		return nil, errors.New("edgeclient: no gateway URL")
	}
	if !strings.Contains(raw, "://") {
		raw = "https://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("edgeclient: gateway URL: %w", err)
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return nil, fmt.Errorf("edgeclient: gateway URL %q: scheme must be https (or http)", u.Redacted())
	}
	if u.Hostname() == "" {
		return nil, fmt.Errorf("edgeclient: gateway URL %q has no host", u.Redacted())
	}
	if p := u.Port(); p != "" || strings.HasSuffix(u.Host, ":") {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("edgeclient: gateway URL %q: port %q is not a TCP port (1-65535)", u.Redacted(), p)
		}
	}
	return &url.URL{Scheme: u.Scheme, Host: u.Host}, nil
}

// ParsePin normalises a certificate pin to "sha256:<64 lower-case hex>".
// It accepts the "sha256:" prefix or none, and colons between bytes.
func ParsePin(pin string) (string, error) {
	p := strings.TrimSpace(pin)
	if i := strings.IndexByte(p, ':'); i >= 0 && strings.EqualFold(p[:i], "sha256") {
		p = p[i+1:]
	}
	p = strings.ToLower(strings.ReplaceAll(p, ":", ""))
	if b, err := hex.DecodeString(p); err != nil || len(b) != sha256.Size {
		return "", fmt.Errorf("edgeclient: pin %q: want sha256:<64 hex digits>", pin)
	}
	return "sha256:" + p, nil
}

// verifyChain checks the peer's chain against roots, and the hostname
// unless the leaf names no host at all.
func verifyChain(certs []*x509.Certificate, roots *x509.CertPool, serverName string) error {
	leaf := certs[0]
	inter := x509.NewCertPool()
	for _, c := range certs[1:] {
		inter.AddCert(c)
	}
	if len(leaf.DNSNames) == 0 && len(leaf.IPAddresses) == 0 && len(leaf.URIs) == 0 && len(leaf.EmailAddresses) == 0 {
		serverName = ""
	}
	_, err := leaf.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, DNSName: serverName})
	return err
}

// Fingerprint is the pin form of a DER certificate: "sha256:<64 hex>".
func Fingerprint(der []byte) string {
	sum := sha256.Sum256(der)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// tlsConfig builds the TLS settings: system roots by default, the given CA
// instead when there is one, a leaf pin checked on every handshake, and no
// verification only when Insecure is set without a pin.
func (cfg *Config) tlsConfig(serverName string) (*tls.Config, error) {
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	var roots *x509.CertPool
	if len(cfg.CAPEM) > 0 || cfg.CAFile != "" {
		roots = x509.NewCertPool()
		if len(cfg.CAPEM) > 0 && !roots.AppendCertsFromPEM(cfg.CAPEM) {
			return nil, errors.New("edgeclient: CAPEM holds no PEM certificate")
		}
		if cfg.CAFile != "" {
			b, err := ReadCAFile(cfg.CAFile)
			if err != nil {
				return nil, err
			}
			roots.AppendCertsFromPEM(b)
		}
		tc.RootCAs = roots
	}
	pin := ""
	if cfg.Pin != "" {
		p, err := ParsePin(cfg.Pin)
		if err != nil {
			return nil, err
		}
		pin = p
	}
	if (pin == "" && roots == nil) || (pin == "" && cfg.Insecure) {
		tc.InsecureSkipVerify = cfg.Insecure
		return tc, nil
	}
	// The checks are done here rather than by crypto/tls: a pin replaces
	// chain verification (self-signed gateways), and a gateway CA's leaf
	// without any SAN (CN=Link IoT Edge, the lectl default) is accepted on
	// the chain alone, as its hostname cannot be checked.
	tc.InsecureSkipVerify = true
	tc.VerifyConnection = func(cs tls.ConnectionState) error {
		if len(cs.PeerCertificates) == 0 {
			return errors.New("tls: the gateway sent no certificate")
		}
		leaf := cs.PeerCertificates[0]
		// Failures carry the gateway's chain, as crypto/tls's own do, so
		// that the record and the halt can name the certificate to pin.
		if pin != "" {
			if got := Fingerprint(leaf.Raw); got != pin {
				return &tls.CertificateVerificationError{
					UnverifiedCertificates: cs.PeerCertificates,
					Err:                    &PinError{Want: pin, Got: got},
				}
			}
			if roots == nil {
				return nil
			}
		}
		if err := verifyChain(cs.PeerCertificates, roots, serverName); err != nil {
			return &tls.CertificateVerificationError{UnverifiedCertificates: cs.PeerCertificates, Err: err}
		}
		return nil
	}
	return tc, nil
}

// maxCAFile bounds a CA file: a gateway's ca.x509.pem is a few KiB.
const maxCAFile = 1 << 20

// ReadCAFile reads a PEM file of CA certificates (the gateway's
// ca.x509.pem) and checks that it holds at least one certificate, so that a
// wrong file is an error at start, not a silent failure to trust anything.
func ReadCAFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("edgeclient: CA file: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxCAFile+1))
	switch {
	case err != nil:
		return nil, fmt.Errorf("edgeclient: CA file %s: %w", path, err)
	case len(b) > maxCAFile:
		return nil, fmt.Errorf("edgeclient: CA file %s is over %d KiB: not a PEM certificate file", path, maxCAFile>>10)
	}
	if !x509.NewCertPool().AppendCertsFromPEM(b) {
		return nil, fmt.Errorf("edgeclient: CA file %s holds no PEM certificate (want the gateway's ca.x509.pem)", path)
	}
	return b, nil
}
