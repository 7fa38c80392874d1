package edgesim

import (
	"bytes"
	"crypto/tls"
	"net"
	"net/http"
	"time"
)

// defaultStall is how long ActionStall holds a request by default.
const defaultStall = 30 * time.Second

// apply runs the faults that hit c, then (unless a fault answered) next.
func (f *Faults) apply(c *call, next func()) {
	fired := f.fire(c.op, c.params["pk"], c.params["dn"], c.now)
	if len(fired) == 0 {
		next()
		return
	}
	if !c.s.delay(c, fired) {
		return
	}
	var shape FaultAction
	for _, r := range fired {
		switch r.Action {
		case ActionReset:
			c.s.reset(c.w)
			return
		case ActionStall:
			c.s.stall(c, r.Stall)
			return
		case ActionTruncate, ActionMalformed:
			shape = r.Action
		}
	}
	for _, r := range fired {
		if r.Code != 0 {
			injectStatus(c, r)
			return
		}
	}
	if shape == ActionNone || c.op == "BulkActions.Watch" {
		c.watchFault = shape // a stream is reshaped line by line
		next()
		return
	}
	reshape(c, shape, next)
}

// delay sleeps for the fired rules' latency and jitter; false when the
// client went away or the server closed meanwhile.
func (s *Server) delay(c *call, fired []FaultRule) bool {
	var d time.Duration
	for _, r := range fired {
		d += r.Latency
		if r.Jitter > 0 {
			d += time.Duration(s.world.float() * float64(r.Jitter))
		}
	}
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-c.r.Context().Done():
	case <-s.done:
	}
	return false
}

// injectStatus answers with the rule's status in the version's envelope.
func injectStatus(c *call, r FaultRule) {
	code, msg := r.APICode, r.Message
	if code == "" {
		code = apiCodeFor(r.Code)
	}
	if msg == "" {
		msg = "injected fault"
	}
	switch r.Code {
	case 421:
		c.w.Header().Set("Connection", "close")
	case 503:
		c.w.Header().Set("Retry-After", "1")
	case 301, 302, 303, 307, 308:
		c.w.Header().Set("Location", mergeSlashes(c.r.URL.RequestURI()))
	}
	if r.Code < 400 && r.Code >= 200 && r.Code != 302 {
		c.okEmpty(r.Code)
		return
	}
	c.fail(r.Code, code, msg)
}

// reset hijacks the connection and closes it with SO_LINGER 0, so the
// client sees a TCP reset instead of a response.
func (s *Server) reset(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	raw := conn
	if tc, ok := conn.(*tls.Conn); ok {
		raw = tc.NetConn()
	}
	if tcp, ok := raw.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	_ = raw.Close()
}

// stall holds the request unanswered, then drops the connection.
func (s *Server) stall(c *call, d time.Duration) {
	if d <= 0 {
		d = defaultStall
	}
	if s.beginStream() {
		defer s.streams.Done()
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-c.r.Context().Done():
		case <-s.done:
		}
		t.Stop()
	}
	panic(http.ErrAbortHandler)
}

// captureWriter records a handler's reply so a fault can reshape it.
type captureWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (w *captureWriter) Header() http.Header { return w.header }
func (w *captureWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}

func (w *captureWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = 200
	}
	return w.body.Write(p)
}

// Flush is a no-op: the capture is sent when the handler is done.
func (w *captureWriter) Flush() {}

// reshape runs next into a capture, then sends a truncated or malformed
// version of its reply.
func reshape(c *call, action FaultAction, next func()) {
	real := c.w
	cw := &captureWriter{header: real.Header()}
	c.w = cw
	next()
	c.w = real
	body := cw.body.Bytes()
	if cw.status == 0 {
		cw.status = 200
	}
	real.WriteHeader(cw.status)
	flush(real)
	if action == ActionMalformed {
		// A body cut short and spliced, as a proxy error page would be.
		broken := append(bytes.TrimSuffix(body, []byte("}")), `,"<html>`...)
		_, _ = real.Write(broken)
		return
	}
	_, _ = real.Write(body[:len(body)/2])
	flush(real)
	panic(http.ErrAbortHandler) // drop the connection mid-body
}

// flush flushes w when it can.
func flush(w http.ResponseWriter) {
	_ = http.NewResponseController(w).Flush()
}
