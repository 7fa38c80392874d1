package edgeclient

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"edgetop/model"
)

// callState is one call across its attempts and redirect hops.
type callState struct {
	rq           *request
	method       string
	origin, path string // the current hop: scheme://host and path?query
	body         []byte
	token        string
	gen          uint64
	managed      bool // the managed cookie: renewed once on 401
	renewed      bool
	cross        bool // redirected to another origin: no credentials
	attempt      int
	parent       uint64
	link         model.Link
	retries      int      // backoff retries so far
	hops         int      // redirects followed so far
	visited      []string // method origin path of each hop redirected from
}

// next links the coming exchange to the record that led to it.
func (s *callState) next(parent uint64, link model.Link) {
	s.parent, s.link = parent, link
	if link != model.LinkRedirect {
		s.attempt++
	}
}

// do runs a call: authentication, attempts, redirects and retries, one
// record per exchange. onOK handles a 2xx answer; its error becomes the
// call's (a malformed body is marked on the record).
func (c *Client) do(ctx context.Context, rq *request, onOK func(*hop) error) error {
	if c.closed.Load() {
		return ErrClosed
	}
	if err := ctx.Err(); err != nil { // no exchange, so no record
		return &NetError{Operation: rq.op, Kind: classify(err, err), Err: err}
	}
	s := &callState{
		rq: rq, method: rq.method, origin: c.gateway, path: rq.path, body: rq.body,
		attempt: max(rq.attempt, 1), parent: rq.parent, token: rq.token,
	}
	if rq.parent != 0 {
		s.link = model.LinkRetry
	}
	if rq.auth&authCookie != 0 && rq.token == "" {
		s.managed = true
		tok, gen, err := c.ensureAuth(ctx)
		if err != nil {
			return err
		}
		s.token, s.gen = tok, gen
	}
	for {
		h := c.exchange(ctx, s)
		again, err := c.decide(ctx, s, h, onOK)
		h.release()
		if !again {
			return err
		}
	}
}

// decide reports the hop's record with what the client does about it, and
// says whether the call goes on.
func (c *Client) decide(ctx context.Context, s *callState, h *hop, onOK func(*hop) error) (bool, error) {
	if h.err != nil {
		return c.onTransportError(ctx, s, h)
	}
	st := h.resp.StatusCode
	if st < 200 || st >= 300 {
		parseErrorBody(h)
	}
	switch {
	case st >= 200 && st < 300:
		return false, c.onSuccess(s, h, onOK)
	case st == http.StatusMovedPermanently || st == http.StatusFound || st == http.StatusSeeOther ||
		st == http.StatusTemporaryRedirect || st == http.StatusPermanentRedirect:
		if h.resp.Header.Get("Location") != "" {
			return c.onRedirect(s, h)
		}
	case st == http.StatusUnauthorized && s.managed && !s.renewed && !s.cross:
		return c.onUnauthorized(ctx, s, h)
	case st == http.StatusServiceUnavailable || st == http.StatusMisdirectedRequest:
		return c.backoff(ctx, s, h, strconv.Itoa(st))
	case st == http.StatusInternalServerError:
		if s.rq.changesState {
			h.rec.Action = model.Action{Detail: "not retried: the call changes state"}
			break
		}
		if s.retries+1 < c.cfg.Retry.ReadAttempts500 {
			return c.backoff(ctx, s, h, "500 on a read")
		}
		h.rec.Action = giveUp(s, "500 on a read")
	}
	c.emit(&h.rec)
	return false, apiError(s, h)
}

// apiError is the caller's error for a reported hop that the gateway
// answered with an error: its Code and Message as masked in the record.
func apiError(s *callState, h *hop) *APIError {
	return &APIError{
		Status: h.rec.Status, Code: h.rec.APICode, Message: h.rec.APIMessage,
		Operation: s.rq.op, RecordID: h.rec.ID,
	}
}

// onSuccess decodes a 2xx answer and reports it.
func (c *Client) onSuccess(s *callState, h *hop, onOK func(*hop) error) error {
	var err error
	if onOK != nil {
		err = onOK(h)
	}
	if h.cancel != nil { // a finished stream
		h.cancel(nil)
		h.resp.Body.Close()
	}
	var se *streamEnd
	var ae *APIError
	switch {
	case err == nil:
	case errors.As(err, &se):
		h.rec.Action = model.Action{Kind: model.ActionReconnect, Delay: se.delay, Detail: se.why}
		se.recID, se.attempt = h.rec.ID, h.rec.Attempt
	case errors.Is(err, errMalformed):
		h.rec.Err = &model.TransportError{Kind: model.ErrMalformed, Text: c.sec.mask(err.Error())}
		err = &NetError{Operation: s.rq.op, Kind: model.ErrMalformed, RecordID: h.rec.ID, Err: errors.New(h.rec.Err.Text)}
	case errors.As(err, &ae):
		// A 2019-09-30 body whose Code says failure: the caller gets the
		// Code and Message as the record shows them, masked.
		c.emit(&h.rec)
		*ae = *apiError(s, h)
		return err
	}
	c.emit(&h.rec)
	return err
}

// onTransportError retries what is safe to retry: a refused connection
// (nothing was sent) always, a timeout or reset only for calls that change
// nothing.
func (c *Client) onTransportError(ctx context.Context, s *callState, h *hop) (bool, error) {
	kind := classify(h.err, ctx.Err())
	h.rec.Err = &model.TransportError{Kind: kind, Text: c.sec.mask(errText(h.err)) + peerFingerprint(h.err)}
	retry := false
	switch kind {
	case model.ErrRefused:
		retry = true
	case model.ErrDNS:
		// A name that does not resolve will not resolve a few hundred
		// milliseconds later; a lookup that timed out may.
		var de *net.DNSError
		retry = errors.As(h.err, &de) && (de.IsTimeout || de.IsTemporary) && !de.IsNotFound
	case model.ErrTimeout, model.ErrReset:
		retry = !s.rq.changesState
	case model.ErrTruncated: // cut short by the connection, not over the cap
		retry = !s.rq.changesState && errors.Is(h.err, errBodyEnded)
	}
	if retry && ctx.Err() == nil {
		return c.backoff(ctx, s, h, string(kind))
	}
	if !(kind == model.ErrCanceled && h.unsent) {
		// A call the caller cancelled before its request went out is no
		// exchange: the gateway received nothing, so there is no record.
		c.emit(&h.rec)
	}
	return false, hopNetError(s.rq.op, h)
}

// onUnauthorized renews the cookie once (shared with every concurrent caller
// that met the same 401) and retries.
func (c *Client) onUnauthorized(ctx context.Context, s *callState, h *hop) (bool, error) {
	// The record is reported after the renewal, so that its action says
	// what really happened.
	tok, gen, err := c.renew(ctx, s.gen)
	if err != nil {
		h.rec.Action = model.Action{Kind: model.ActionGaveUp, Detail: "the cookie was rejected and renewing it failed"}
		c.emit(&h.rec)
		return false, err
	}
	h.rec.Action = model.Action{Kind: model.ActionRenewed, Detail: "the gateway rejected the cookie"}
	c.emit(&h.rec)
	s.token, s.gen, s.renewed = tok, gen, true
	s.next(h.rec.ID, model.LinkRenewal)
	return true, nil
}

// onRedirect follows a 3xx: the method and body are kept (the API is POST
// heavy; only 303 turns into GET), credentials go only to the same origin.
func (c *Client) onRedirect(s *callState, h *hop) (bool, error) {
	st := h.resp.StatusCode
	loc := h.resp.Header.Get("Location")
	cur, _ := url.Parse(s.origin + s.path)
	u, err := cur.Parse(loc)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") {
		h.rec.Action = model.Action{Kind: model.ActionGaveUp, Detail: "unusable Location header"}
		c.emit(&h.rec)
		return false, &APIError{Status: st, Message: "redirect to an unusable location", Operation: s.rq.op, RecordID: h.rec.ID}
	}
	if s.hops >= c.cfg.Retry.MaxRedirects {
		h.rec.Action = model.Action{Kind: model.ActionGaveUp, Detail: fmt.Sprintf("stopped after %d redirects", s.hops)}
		c.emit(&h.rec)
		return false, &APIError{Status: st, Message: "too many redirects", Operation: s.rq.op, RecordID: h.rec.ID}
	}
	origin := u.Scheme + "://" + u.Host
	path := u.EscapedPath()
	if u.RawQuery != "" {
		path += "?" + u.RawQuery
	}
	method := s.method
	if st == http.StatusSeeOther {
		method = http.MethodGet
	}
	s.visited = append(s.visited, s.method+" "+s.origin+s.path)
	if slices.Contains(s.visited, method+" "+origin+path) {
		h.rec.Action = model.Action{Kind: model.ActionGaveUp, Detail: "redirect loop: back to " + limitText(c.sec.mask(path), 200)}
		c.emit(&h.rec)
		return false, &APIError{Status: st, Message: "redirect loop", Operation: s.rq.op, RecordID: h.rec.ID}
	}
	h.rec.Action = model.Action{Kind: model.ActionRedirect, Detail: "to " + limitText(c.sec.mask(path), 200)}
	c.emit(&h.rec)
	if origin != c.gateway {
		s.cross = true
	}
	s.origin, s.path = origin, path
	if st == http.StatusSeeOther {
		s.method, s.body = http.MethodGet, nil
	}
	s.hops++
	s.next(h.rec.ID, model.LinkRedirect)
	return true, nil
}

// backoff waits before the next attempt (Retry-After honoured, 421 lowers
// the concurrency limit), or gives up when attempts or time run out.
func (c *Client) backoff(ctx context.Context, s *callState, h *hop, why string) (bool, error) {
	p := &c.cfg.Retry
	fail := func() error {
		if h.rec.Err != nil {
			return hopNetError(s.rq.op, h)
		}
		return apiError(s, h)
	}
	if !s.rq.endless && s.retries+1 >= p.MaxAttempts {
		h.rec.Action = giveUp(s, why)
		c.emit(&h.rec)
		return false, fail()
	}
	d := backoffDelay(p, min(s.retries, 30))
	if s.rq.endless { // the Watch: reopened at the stream's pace, not a call's
		d = streamDelay(p, min(s.retries, 30))
	}
	detail := why
	if h.resp != nil {
		if ra, ok := retryDelay(p, h.resp.Header, time.Now(), min(s.retries, 30)); ok {
			d = ra
			detail = fmt.Sprintf("%s, Retry-After: %s", why, limitText(c.sec.mask(h.resp.Header.Get("Retry-After")), 40))
		}
		if h.resp.StatusCode == http.StatusMisdirectedRequest {
			detail += fmt.Sprintf(", concurrency lowered to %d", c.lim.halve())
			// The budget is connections per client IP: idle ones held
			// in the pool count against it too.
			if c.idle != nil {
				c.idle.CloseIdleConnections()
			}
		}
	}
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < d {
		h.rec.Action = model.Action{Kind: model.ActionGaveUp, Detail: why + ", and the deadline comes before the next attempt"}
		c.emit(&h.rec)
		return false, fail()
	}
	h.rec.Action = model.Action{Kind: model.ActionBackoff, Delay: d, Detail: detail}
	c.emit(&h.rec)
	if err := sleepCtx(ctx, d); err != nil {
		return false, &NetError{Operation: s.rq.op, Kind: classify(err, err), RecordID: h.rec.ID, Err: err}
	}
	s.retries++
	s.next(h.rec.ID, model.LinkRetry)
	return true, nil
}

func giveUp(s *callState, why string) model.Action {
	return model.Action{Kind: model.ActionGaveUp, Detail: fmt.Sprintf("%s, after %d attempts", why, s.retries+1)}
}
