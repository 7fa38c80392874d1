// Package edgeclient is a Go client for the edge HTTP API of Link IoT Edge
// gateways (API versions 2020-04-30 and 2019-09-30).
//
// A Client has a typed method per operation, each taking a context first.
// It runs the auth-cookie lifecycle (CreateAuthCookie on first use, one
// renewal on 401 shared by all concurrent callers through a token
// generation, renewal ahead of Max-Age, DeleteAuthCookie on Close), and
// acts on the status table: 503 and 421 are retried with exponential
// backoff and full jitter (a small hand-written helper; Retry-After is
// honoured), 421 also halves an adaptive limit on concurrent requests that
// grows back slowly, 500 is retried only for reads, redirects are followed
// hop by hop (method and body kept, except on 303; credentials only to the
// same origin). Every call is bounded by its context and each attempt by
// Config.Timeout; bodies are capped.
//
// Every HTTP exchange (each attempt, redirect hop, cookie renewal and Watch
// connection) is reported once to the Observer as a model.Record, with the
// Authorization header, the password and cookie tokens masked before the
// record exists. The client never writes to stdout or stderr.
package edgeclient

import (
	"context"
	"crypto/tls"
	"encoding/base64"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Client talks to one gateway. It is safe for concurrent use; create it with
// New and release it with Close.
type Client struct {
	cfg     Config
	gateway string // scheme://host:port
	host    string
	prefix  string // "/2020-04-30"
	hc      *http.Client
	idle    interface{ CloseIdleConnections() }
	obs     Observer
	ids     *Sequence
	lim     *limiter
	sec     secrets
	basic   string // "Basic base64(user:pass)"
	// Header values shared read-only by every request.
	basicHdr, uaHdr []string
	now             func() time.Time

	authSem chan struct{} // serialises CreateAuthCookie
	amu     sync.RWMutex
	token   string
	gen     uint64
	renewAt time.Time // renew ahead of Max-Age from here on
	expires time.Time

	// peerFP is the fingerprint of the gateway certificate of the last
	// handshake that verified (PeerFingerprint).
	peerFP atomic.Value

	life    context.Context // cancelled by Close: ends Watch streams
	cancel  context.CancelFunc
	closing atomic.Bool // Close runs once
	closed  atomic.Bool // calls fail with ErrClosed
}

// New checks cfg and returns a Client. It makes no request: the auth cookie
// is created on first use.
func New(cfg Config) (*Client, error) {
	if err := cfg.applyDefaults(); err != nil {
		return nil, err
	}
	base, err := parseGateway(cfg.Gateway)
	if err != nil {
		return nil, err
	}
	c := &Client{
		cfg:     cfg,
		gateway: base.String(),
		host:    base.Host,
		prefix:  "/" + cfg.APIVersion,
		obs:     cfg.Observer,
		lim:     newLimiter(cfg.MaxConnsPerHost, cfg.Retry.RestoreAfter),
		now:     time.Now,
		authSem: make(chan struct{}, 1),
		ids:     cfg.Sequence,
	}
	if c.ids == nil {
		c.ids = &Sequence{}
	}
	cred := base64.StdEncoding.EncodeToString([]byte(cfg.User + ":" + cfg.Password))
	c.basic = "Basic " + cred
	c.basicHdr, c.uaHdr = []string{c.basic}, []string{cfg.UserAgent}
	c.sec.addCredential(cfg.Password)
	c.sec.addCredential(cred)
	c.sec.addCredential(cfg.User + ":" + cfg.Password)
	rt := cfg.Transport
	if rt == nil {
		tc, err := cfg.tlsConfig(base.Hostname())
		if err != nil {
			return nil, err
		}
		c.notePeer(tc)
		tr := &http.Transport{
			Proxy:               http.ProxyFromEnvironment,
			DialContext:         (&net.Dialer{Timeout: cfg.DialTimeout, KeepAlive: 30 * time.Second}).DialContext,
			TLSClientConfig:     tc,
			TLSHandshakeTimeout: cfg.DialTimeout,
			MaxConnsPerHost:     cfg.MaxConnsPerHost,
			MaxIdleConnsPerHost: cfg.MaxConnsPerHost,
			MaxIdleConns:        cfg.MaxConnsPerHost,
			IdleConnTimeout:     90 * time.Second,
			// The edge API's headers are a few hundred bytes; net/http's
			// default lets a gateway send 10 MB of them.
			MaxResponseHeaderBytes: maxResponseHeaderBytes,
		}
		rt = tr
	}
	if ic, ok := rt.(interface{ CloseIdleConnections() }); ok {
		c.idle = ic
	}
	c.hc = &http.Client{
		Transport: rt,
		// Redirects are followed by the client itself so that each hop is
		// its own exchange and record.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	c.life, c.cancel = context.WithCancel(context.Background())
	return c, nil
}

// notePeer makes every handshake that verifies remember the gateway's
// certificate, so that a certificate that stops verifying later can be
// named with the one it replaced. crypto/tls calls VerifyConnection only
// after its own checks passed.
func (c *Client) notePeer(tc *tls.Config) {
	verify := tc.VerifyConnection
	tc.VerifyConnection = func(cs tls.ConnectionState) error {
		if verify != nil {
			if err := verify(cs); err != nil {
				return err
			}
		}
		if len(cs.PeerCertificates) > 0 {
			c.peerFP.Store(Fingerprint(cs.PeerCertificates[0].Raw))
		}
		return nil
	}
}

// PeerFingerprint is the SHA-256 fingerprint ("sha256:…") of the gateway
// certificate of the last connection that verified; "" before any (or with
// Config.Transport set).
func (c *Client) PeerFingerprint() string {
	s, _ := c.peerFP.Load().(string)
	return s
}

// Mask replaces every secret the client knows (the password, the Basic
// credential, the tokens and cookies it was issued) in text from the
// gateway, for callers that show such text outside a record (a
// certificate's names in a message).
func (c *Client) Mask(text string) string { return c.sec.mask(text) }

// Gateway is the gateway's base URL, scheme://host:port.
func (c *Client) Gateway() string { return c.gateway }

// APIVersion is the API version the client speaks.
func (c *Client) APIVersion() string { return c.cfg.APIVersion }

// Insecure reports whether the gateway's certificate goes unverified
// (Config.Insecure without a Pin), so the UI can say so on screen.
func (c *Client) Insecure() bool { return c.cfg.Insecure && c.cfg.Pin == "" && c.cfg.Transport == nil }

// Concurrency is the current limit on concurrent requests: the connection
// cap, lowered after 421 and slowly restored.
func (c *Client) Concurrency() int { return c.lim.current() }

// Close deletes the auth cookie (DeleteAuthCookie, when there is one), ends
// Watch streams and closes idle connections. Calls after Close fail with
// ErrClosed. The error is DeleteAuthCookie's, if it failed.
func (c *Client) Close(ctx context.Context) error {
	if !c.closing.CompareAndSwap(false, true) {
		return nil
	}
	c.cancel()
	var err error
	if c.Auth().Authenticated {
		err = c.DeleteAuthCookie(ctx)
	}
	c.closed.Store(true)
	if c.idle != nil {
		c.idle.CloseIdleConnections()
	}
	return err
}

// path joins the version prefix and an API path ("/things").
func (c *Client) path(p string) string { return c.prefix + p }

// require2020 fails operations that exist only in 2020-04-30.
func (c *Client) require2020(op string) error {
	if c.cfg.APIVersion != Version2020 {
		return &UnsupportedError{Operation: op, APIVersion: c.cfg.APIVersion}
	}
	return nil
}
