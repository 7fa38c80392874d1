package edgeclient

import (
	"net/http/httptrace"
	"sync"
	"time"

	"edgetop/model"
)

// attemptTrace watches one http.Client.Do for the attempts net/http makes
// on its own. When a reused keep-alive connection dies after the request
// was written but before any reply, net/http resends an idempotent request
// (a GET) on another connection and tells the caller nothing. That first
// attempt reached the gateway, so it is reported as a record of its own (a
// reset, resent at once) and the exchange goes on as the next attempt:
// every request the gateway receives is exactly one record.
//
// GetConn and GotConn run on the goroutine calling Do (the one that owns
// the hop), WroteRequest on the transport's writer goroutine, hence mu.
type attemptTrace struct {
	c *Client
	s *callState
	h *hop

	mu    sync.Mutex
	conns int  // connections obtained so far in this Do
	wrote bool // the current attempt's request was written
}

// newAttemptTrace returns the watch of the hop's Do and its trace.
func newAttemptTrace(c *Client, s *callState, h *hop) (*attemptTrace, *httptrace.ClientTrace) {
	t := &attemptTrace{c: c, s: s, h: h}
	return t, &httptrace.ClientTrace{GetConn: t.getConn, GotConn: t.gotConn, WroteRequest: t.wroteRequest}
}

// written reports whether the current attempt's request was written.
func (t *attemptTrace) written() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.wrote
}

func (t *attemptTrace) gotConn(httptrace.GotConnInfo) {
	t.mu.Lock()
	t.conns++
	t.mu.Unlock()
}

func (t *attemptTrace) wroteRequest(info httptrace.WroteRequestInfo) {
	if info.Err != nil {
		return
	}
	t.mu.Lock()
	t.wrote = true
	t.mu.Unlock()
}

// getConn runs before each connection is taken. After the first, it means
// net/http is resending: the previous attempt is reported, if it was
// written, and a new record starts for this one.
func (t *attemptTrace) getConn(string) {
	t.mu.Lock()
	again, wrote := t.conns > 0, t.wrote
	t.wrote = false
	t.mu.Unlock()
	if !again || !wrote {
		return
	}
	h, s, now := t.h, t.s, time.Now()
	h.rec.Duration = now.Sub(h.rec.Start)
	h.rec.Err = &model.TransportError{
		Kind: model.ErrReset,
		Text: "the connection closed after the request was sent, before any reply",
	}
	h.rec.Action = model.Action{Kind: model.ActionResent}
	t.c.emit(&h.rec)
	s.next(h.rec.ID, model.LinkRetry)
	h.rec = model.Record{}
	t.c.startRecord(s, &h.rec)
	h.rec.Start = now
}
