package edgeclient

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"slices"
	"strings"
	"sync"
	"time"

	"edgetop/model"
)

// authMode says which credentials a request carries.
type authMode uint8

const (
	authBasic  authMode = 1 << iota // Authorization: Basic (CreateAuthCookie, DeleteAuthCookie)
	authCookie                      // Cookie: token=... (every other call)
)

// request is one call as the transport sees it.
type request struct {
	op, method, path string // path: version prefix, path and query
	body             []byte
	pk, dn           string
	auth             authMode
	token            string // a fixed token (DeleteAuthCookie); "" means the managed cookie
	changesState     bool   // never retried on 500
	opFromPath       bool   // Raw: each hop is named by OperationFor its path
	stream           bool   // Watch: a 2xx body is consumed by onOK as it arrives
	endless          bool   // retry 503/421/transport errors until the context ends
	parent           uint64 // a Watch reconnect continues its previous exchange
	attempt          int
}

// hop is one exchange in flight: its record, its response and read body.
type hop struct {
	rec    model.Record
	resp   *http.Response
	body   []byte
	buf    *bytes.Buffer
	err    error // transport error (connect, TLS, reading the body)
	cancel context.CancelCauseFunc
	// unsent is set when the attempt failed before its request was
	// written: the gateway received nothing.
	unsent bool
}

// errAttemptTimeout is the cause when Config.Timeout ends an attempt.
var errAttemptTimeout = fmt.Errorf("attempt timed out: %w", context.DeadlineExceeded)

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// Static header values, shared read-only by every request.
var (
	hdrAcceptJSON = []string{"application/json"}
	hdrCTypeJSON  = []string{"application/json"}
)

// exchange sends one HTTP request and reads its answer (for a 2xx stream,
// only its headers). The record is filled but not yet reported.
func (c *Client) exchange(ctx context.Context, s *callState) *hop {
	h := &hop{}
	c.startRecord(s, &h.rec)
	if err := c.lim.acquire(ctx); err != nil {
		h.rec.Start = time.Now()
		h.err, h.unsent = err, true
		return h
	}
	ok := true // false on 421: the limit is not restored by it
	defer func() { c.lim.release(ok) }()
	actx, cancel := context.WithCancelCause(ctx)
	timer := time.AfterFunc(c.cfg.Timeout, func() { cancel(errAttemptTimeout) })
	defer timer.Stop()
	trace, ct := newAttemptTrace(c, s, h)
	req, err := c.newHTTPRequest(httptrace.WithClientTrace(actx, ct), s)
	if err != nil {
		cancel(nil)
		h.rec.Start, h.err = time.Now(), err
		return h
	}
	h.rec.Start = time.Now()
	resp, err := c.hc.Do(req) //nolint:bodyclose // closed by readBody, or by onSuccess once a stream ends
	if err != nil {
		h.err, h.unsent = attemptErr(ctx, actx, err), !trace.written()
		cancel(nil)
		h.rec.Duration = time.Since(h.rec.Start)
		return h
	}
	h.resp = resp
	ok = resp.StatusCode != http.StatusMisdirectedRequest
	c.fillResponse(&h.rec, resp)
	if s.rq.stream && resp.StatusCode/100 == 2 {
		h.cancel = cancel // the stream runs until onOK returns
		return h
	}
	c.readBody(ctx, actx, h)
	cancel(nil)
	return h
}

// readBody reads the whole response body, up to Config.MaxBodyBytes (a
// larger body is an error, marked truncated), into a pooled buffer.
func (c *Client) readBody(ctx, actx context.Context, h *hop) {
	h.buf = bufPool.Get().(*bytes.Buffer)
	h.buf.Reset()
	n, err := h.buf.ReadFrom(io.LimitReader(h.resp.Body, c.cfg.MaxBodyBytes+1))
	h.resp.Body.Close()
	if err != nil {
		h.err = attemptErr(ctx, actx, err)
		if actx.Err() == nil {
			// The connection dropped mid-body.
			h.err = fmt.Errorf("%w after %d bytes: %v", errBodyEnded, n, err)
			h.rec.ResponseBody.Truncated = true
		}
	}
	h.body = h.buf.Bytes()
	trunc := h.rec.ResponseBody.Truncated
	c.fillBody(&h.rec.ResponseBody, h.body, n)
	h.rec.ResponseBody.Truncated = h.rec.ResponseBody.Truncated || trunc
	h.rec.BytesIn = n
	if n > c.cfg.MaxBodyBytes {
		h.body = h.body[:c.cfg.MaxBodyBytes]
		h.rec.ResponseBody.Truncated = true
		h.err = fmt.Errorf("%w (%d bytes)", errBodyTooLarge, c.cfg.MaxBodyBytes)
	}
	h.rec.Duration = time.Since(h.rec.Start)
}

// attemptErr turns the error of an attempt ended by Config.Timeout (not by
// the caller) into a timeout.
func attemptErr(ctx, actx context.Context, err error) error {
	if ctx.Err() == nil && errors.Is(context.Cause(actx), errAttemptTimeout) {
		return fmt.Errorf("%w: %v", errAttemptTimeout, err)
	}
	return err
}

// release returns a hop's pooled buffer.
func (h *hop) release() {
	if h.buf != nil && h.buf.Cap() <= 1<<20 {
		bufPool.Put(h.buf)
	}
	h.buf, h.body = nil, nil
}

// newHTTPRequest builds the request for the current hop of s.
func (c *Client) newHTTPRequest(ctx context.Context, s *callState) (*http.Request, error) {
	var body io.Reader
	if len(s.body) > 0 {
		body = bytes.NewReader(s.body)
	}
	req, err := http.NewRequestWithContext(ctx, s.method, s.origin+s.path, body)
	if err != nil {
		return nil, err
	}
	req.Header["User-Agent"] = c.uaHdr
	req.Header["Accept"] = hdrAcceptJSON
	if len(s.body) > 0 {
		req.Header["Content-Type"] = hdrCTypeJSON
	}
	if s.cross {
		return req, nil // never send credentials to another origin
	}
	if s.rq.auth&authCookie != 0 && s.token != "" {
		req.Header["Cookie"] = []string{"token=" + s.token}
	}
	if s.rq.auth&authBasic != 0 {
		req.Header["Authorization"] = c.basicHdr
	}
	return req, nil
}

// startRecord fills what is known before the request is sent.
func (c *Client) startRecord(s *callState, r *model.Record) {
	r.ID = c.ids.Next()
	r.Gateway = s.origin
	r.APIVersion = c.cfg.APIVersion
	r.Operation = s.rq.op
	r.Method = s.method
	r.Path = s.path // masked by emit
	r.ProductKey, r.DeviceName = s.rq.pk, s.rq.dn
	if s.rq.opFromPath {
		r.Operation, r.ProductKey, r.DeviceName = OperationFor(s.method, s.path)
	}
	r.Attempt, r.Parent, r.Link = s.attempt, s.parent, s.link
	hs := make([]model.Header, 0, 5)
	hs = append(hs, model.Header{Name: "User-Agent", Value: c.cfg.UserAgent},
		model.Header{Name: "Accept", Value: "application/json"})
	if len(s.body) > 0 {
		hs = append(hs, model.Header{Name: "Content-Type", Value: "application/json"})
	}
	if !s.cross && s.rq.auth&authCookie != 0 && s.token != "" {
		hs = append(hs, model.Header{Name: "Cookie", Value: "token=" + MaskToken(s.token)})
	}
	if !s.cross && s.rq.auth&authBasic != 0 {
		hs = append(hs, model.Header{Name: "Authorization", Value: maskAuthorization(c.basic)})
	}
	r.RequestHeaders = hs
	r.BytesOut = int64(len(s.body))
	r.RequestBody.Size = int64(len(s.body))
	if len(s.body) > 0 {
		r.RequestBody.ContentType = "application/json"
		c.fillBody(&r.RequestBody, s.body, int64(len(s.body)))
	}
}

// fillResponse copies the status and headers (sorted, secrets masked).
func (c *Client) fillResponse(r *model.Record, resp *http.Response) {
	r.Status = resp.StatusCode
	// Every cookie the gateway sets is a secret from now on, whatever the
	// status: the record of this answer, its body included, masks it.
	for _, ck := range resp.Cookies() {
		if ck.Name == "token" {
			c.sec.addToken(ck.Value)
		} else {
			c.sec.addCookie(ck.Value)
		}
	}
	hs := make([]model.Header, 0, len(resp.Header)+1)
	for k, vs := range resp.Header {
		for _, v := range vs {
			hs = append(hs, model.Header{Name: k, Value: v}) // masked by emit
		}
	}
	slices.SortStableFunc(hs, func(a, b model.Header) int { return strings.Compare(a.Name, b.Name) })
	r.ResponseHeaders = hs
	r.ResponseBody.ContentType = resp.Header.Get("Content-Type")
}

// fillBody sets a preview of body, n being its full size. It keeps a
// margin past BodyPreviewMax: emit masks the preview, then cuts it, so that
// a secret across the cut is masked whole.
func (c *Client) fillBody(b *model.Body, body []byte, n int64) {
	b.Size = n
	p := body[:min(len(body), model.BodyPreviewMax+previewMargin)]
	b.Preview = string(p)
	b.Truncated = n > model.BodyPreviewMax
}

// limitText cuts network text to at most n bytes, at a rune boundary, for
// a record's detail.
func limitText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return cutText(s, n) + "…"
}

// emit reports a finished record, every field masked with every secret
// known now (a token decoded from this very answer included). Nothing
// reaches the Observer any other way.
func (c *Client) emit(r *model.Record) {
	c.sec.maskRecord(r)
	c.obs.Observe(*r)
}
