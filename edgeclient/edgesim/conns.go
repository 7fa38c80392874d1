package edgesim

import (
	"net"
	"net/http"
	"sync"
)

// connTracker counts open connections per client IP, fed by
// http.Server.ConnState. It is how the simulator produces 421 Too Many
// Connections for real: the IP is the address the server sees, as on the
// gateway.
type connTracker struct {
	mu    sync.Mutex
	byIP  map[string]int
	conns map[net.Conn]string
	limit int
}

func newConnTracker(limit int) *connTracker {
	return &connTracker{byIP: map[string]int{}, conns: map[net.Conn]string{}, limit: limit}
}

// track is the http.Server ConnState hook.
func (t *connTracker) track(c net.Conn, state http.ConnState) {
	t.mu.Lock()
	defer t.mu.Unlock()
	switch state {
	case http.StateNew:
		ip := hostOf(c.RemoteAddr().String())
		t.conns[c] = ip
		t.byIP[ip]++
	case http.StateClosed, http.StateHijacked:
		ip, ok := t.conns[c]
		if !ok {
			return
		}
		delete(t.conns, c)
		if t.byIP[ip]--; t.byIP[ip] <= 0 {
			delete(t.byIP, ip)
		}
	}
}

// over reports whether ip holds more open connections than the limit.
func (t *connTracker) over(ip string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.limit >= 0 && t.byIP[ip] > t.limit
}

// setLimit changes the limit; negative means none.
func (t *connTracker) setLimit(n int) {
	t.mu.Lock()
	t.limit = n
	t.mu.Unlock()
}

// snapshot returns the limit and a copy of the per-IP counts.
func (t *connTracker) snapshot() (int, map[string]int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	m := make(map[string]int, len(t.byIP))
	for k, v := range t.byIP {
		m[k] = v
	}
	return t.limit, m
}

// hostOf strips the port from a host:port address.
func hostOf(addr string) string {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	return host
}

// isLoopback reports whether a remote address is a loopback address.
func isLoopback(addr string) bool {
	ip := net.ParseIP(hostOf(addr))
	return ip != nil && ip.IsLoopback()
}
