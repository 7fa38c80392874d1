package edgesim

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// maxBody bounds a request body; a larger one is 400 InvalidParameter.
const maxBody = 1 << 20

// Server is a running simulated gateway: the edge HTTP API of both
// versions over HTTPS, with the admin endpoint under /__edgesim/.
type Server struct {
	// URL is the base URL, https://host:port, without a trailing slash.
	URL string

	opts   Options
	cert   *certBundle
	ln     net.Listener
	srv    *http.Server
	client *http.Client
	conns  *connTracker
	world  *world
	tokens *tokenTable
	faults *Faults
	hub    *hub
	table  []route

	functions map[string]function
	log       *accessLog

	done     chan struct{}
	streamMu sync.Mutex // guards closed and streams.Add
	closed   bool
	streams  sync.WaitGroup
	watchers int           // open Watch streams (guarded by streamMu)
	drop     chan struct{} // closed by DropWatchers (guarded by streamMu)

	requests atomic.Uint64 // API requests received (Requests)
}

// New starts a simulated gateway listening on opts.Listen with a freshly
// generated certificate. Close stops it.
func New(opts Options) (*Server, error) {
	opts = opts.withDefaults()
	host, _, err := net.SplitHostPort(opts.Listen)
	if err != nil {
		return nil, fmt.Errorf("listen address %q: %w", opts.Listen, err)
	}
	now := opts.Now()
	// The certificate's validity follows the real clock: TLS verification
	// uses it, whatever clock the simulation runs on.
	cert, err := generateCert(time.Now(), host)
	if err != nil {
		return nil, err
	}
	s := &Server{
		opts:   opts,
		cert:   cert,
		conns:  newConnTracker(opts.ConnLimit),
		world:  newWorld(opts.Seed, now),
		tokens: newTokenTable(opts.MaxTokens),
		hub:    newHub(1024),
		done:   make(chan struct{}),
		drop:   make(chan struct{}),

		functions: catalogFunctions(),
	}
	if opts.AccessLog != nil {
		s.log = &accessLog{out: opts.AccessLog}
	}
	s.faults = newFaults(s.world, opts.Now, now, opts.MaintenanceEvery, opts.MaintenanceFor)
	for _, f := range opts.Faults {
		if err := f.Validate(); err != nil {
			return nil, fmt.Errorf("fault %s: %w", f, err)
		}
		s.faults.Add(f)
	}
	s.table = s.routes()
	if err := s.listen(); err != nil {
		return nil, err
	}
	return s, nil
}

// listen opens the TLS listener and starts serving.
func (s *Server) listen() error {
	ln, err := net.Listen("tcp", s.opts.Listen)
	if err != nil {
		return fmt.Errorf("listening: %w", err)
	}
	s.ln = ln
	s.srv = &http.Server{
		Handler:           s,
		ConnState:         s.conns.track,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       75 * time.Second, // nginx keepalive_timeout default
		ErrorLog:          log.New(io.Discard, "", 0),
		// HTTP/1.1 only, like OpenResty on the gateway: with HTTP/2 a burst
		// would share one connection and 421 would mean something else.
		TLSNextProto: map[string]func(*http.Server, *tls.Conn, http.Handler){},
		TLSConfig: &tls.Config{
			Certificates: []tls.Certificate{s.cert.tls},
			MinVersion:   tls.VersionTLS12,
			NextProtos:   []string{"http/1.1"},
		},
	}
	s.URL = "https://" + displayAddr(ln.Addr().(*net.TCPAddr))
	s.client = &http.Client{Transport: &http.Transport{
		TLSClientConfig:     &tls.Config{RootCAs: s.cert.pool, MinVersion: tls.VersionTLS12},
		MaxIdleConnsPerHost: 8,
	}}
	go func() { _ = s.srv.ServeTLS(ln, "", "") }()
	return nil
}

// displayAddr turns a listen address into one a client can dial: a
// wildcard address becomes loopback.
func displayAddr(a *net.TCPAddr) string {
	ip := a.IP
	if ip == nil || ip.IsUnspecified() {
		ip = net.IPv4(127, 0, 0, 1)
	}
	return net.JoinHostPort(ip.String(), fmt.Sprint(a.Port))
}

// Close stops the server: it ends every Watch stream and stalled reply,
// closes every connection and waits for the streams to return.
func (s *Server) Close() error {
	s.streamMu.Lock()
	if s.closed {
		s.streamMu.Unlock()
		return nil
	}
	s.closed = true
	s.streamMu.Unlock()
	close(s.done)
	err := s.srv.Close()
	s.streams.Wait()
	if t, ok := s.client.Transport.(*http.Transport); ok {
		t.CloseIdleConnections()
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// beginStream registers a long-lived handler (Watch, stall) so Close can
// wait for it; false once the server is closing.
func (s *Server) beginStream() bool {
	s.streamMu.Lock()
	defer s.streamMu.Unlock()
	if s.closed {
		return false
	}
	s.streams.Add(1)
	return true
}

// CertPEM returns the server certificate, PEM-encoded (it is its own CA).
func (s *Server) CertPEM() []byte { return append([]byte(nil), s.cert.pem...) }

// CertPool returns a pool that trusts the server certificate.
func (s *Server) CertPool() *x509.CertPool { return s.cert.pool.Clone() }

// Fingerprint is "sha256:<64 hex>" of the certificate's DER, for pinning.
func (s *Server) Fingerprint() string { return s.cert.fingerprint }

// Client returns an HTTP client that trusts the server certificate, like
// httptest.Server.Client. Its idle connections are closed by Close.
func (s *Server) Client() *http.Client { return s.client }

// Faults returns the run-time fault controller.
func (s *Server) Faults() *Faults { return s.faults }

// SetConnLimit changes the per-IP connection limit; negative means none.
func (s *Server) SetConnLimit(n int) { s.conns.setLimit(n) }

// ServeHTTP serves the gateway API and the admin endpoint.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	now := s.opts.Now()
	if s.log != nil {
		s.log.logged(w, r, now, func(w http.ResponseWriter) { s.serve(w, r, now) })
		return
	}
	s.serve(w, r, now)
}

// Requests is the number of API requests the gateway has received, each
// counted once as its handler starts, whatever came of it (answered,
// reset, stalled, refused with 421); admin calls are not counted. A client
// that reports one record per request it sent has exactly this many.
func (s *Server) Requests() uint64 { return s.requests.Load() }

// serve is ServeHTTP without the access log.
func (s *Server) serve(w http.ResponseWriter, r *http.Request, now time.Time) {
	w.Header().Set("Server", serverHeader)
	w.Header().Set("Date", now.UTC().Format(http.TimeFormat))
	if p := mergeSlashes(r.URL.Path); p == adminPrefix || strings.HasPrefix(p, adminPrefix+"/") {
		s.serveAdmin(w, r, strings.TrimPrefix(p, adminPrefix))
		return
	}
	s.requests.Add(1)
	c := &call{s: s, w: w, r: r, now: now, ver: versionOf(r.URL.Path)}
	if ip := hostOf(r.RemoteAddr); s.conns.over(ip) {
		w.Header().Set("Connection", "close")
		c.fail(421, "TooManyConnections", "too many connections from "+ip)
		return
	}
	res := s.resolve(r.Method, r.URL.Path, r.URL.RawQuery)
	c.ver = res.ver
	if res.status != 0 {
		s.routeError(c, res)
		return
	}
	c.op, c.params = res.route.op, res.params
	s.serveRoute(c, res.route)
}

// routeError answers a request the router did not dispatch.
func (s *Server) routeError(c *call, res resolution) {
	switch res.status {
	case 302:
		c.w.Header().Set("Location", res.location)
		c.fail(302, "Found", "moved temporarily to "+res.location)
	case 405:
		c.w.Header().Set("Allow", strings.Join(res.allow, ", "))
		c.fail(405, "MethodNotAllowed", c.r.Method+" is not allowed on "+c.r.URL.Path)
	default:
		c.fail(404, "NotFound", "no API at "+c.r.URL.Path)
	}
}

// serveRoute runs maintenance, body, faults, auth and the handler.
func (s *Server) serveRoute(c *call, rt *route) {
	if left, on := s.faults.maintenance(c.now); on {
		c.w.Header().Set("Retry-After", fmt.Sprint(int(left.Seconds())+1))
		c.fail(503, "ServiceUnavailable", "the gateway is under maintenance")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.w, c.r.Body, maxBody))
	if err != nil {
		c.fail(400, "InvalidParameter", "request body unreadable or over 1 MiB")
		return
	}
	c.body = body
	if rt.op == "BulkActions" {
		c.op = bulkOp(body)
	}
	s.faults.apply(c, func() {
		if s.authorize(c) {
			rt.handle(c)
		}
	})
}

// versionOf guesses the API version of a raw path, for error envelopes
// written before routing.
func versionOf(path string) string {
	if strings.HasPrefix(strings.TrimLeft(path, "/"), V2019) {
		return V2019
	}
	return V2020
}
