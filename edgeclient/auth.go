package edgeclient

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// AuthState is what the header shows about the session.
type AuthState struct {
	// Authenticated is true while the client holds a cookie.
	Authenticated bool
	// User is the console user name.
	User string
	// Expires is when the cookie runs out (Max-Age after it was issued).
	Expires time.Time
}

// defaultMaxAge is the documented cookie lifetime, used when Set-Cookie has
// no Max-Age.
const defaultMaxAge = 3600 * time.Second

// farFuture is a renewal time that never comes.
var farFuture = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)

// Auth returns the current authentication state.
func (c *Client) Auth() AuthState {
	c.amu.RLock()
	defer c.amu.RUnlock()
	return AuthState{Authenticated: c.token != "", User: c.cfg.User, Expires: c.expires}
}

// renewMargin is how long before expiry the cookie is renewed:
// Config.RenewBefore, by default a tenth of its lifetime, at most a minute.
func (c *Client) renewMargin(life time.Duration) time.Duration {
	if rb := c.cfg.RenewBefore; rb > 0 {
		return min(rb, life)
	}
	return min(time.Minute, life/10)
}

// ensureAuth returns the cookie token to send and its generation, creating
// or renewing the cookie when there is none or it is about to expire.
func (c *Client) ensureAuth(ctx context.Context) (string, uint64, error) {
	c.amu.RLock()
	tok, gen, at := c.token, c.gen, c.renewAt
	c.amu.RUnlock()
	if tok != "" && c.now().Before(at) {
		return tok, gen, nil
	}
	return c.renew(ctx, gen)
}

// renew creates a new cookie unless another caller already did since
// generation seen: renewals are serialised, so any number of concurrent
// callers that met 401 with the same token cause one CreateAuthCookie.
func (c *Client) renew(ctx context.Context, seen uint64) (string, uint64, error) {
	select {
	case c.authSem <- struct{}{}:
	case <-ctx.Done():
		err := ctx.Err()
		return "", 0, &NetError{Operation: OpCreateAuthCookie, Kind: classify(err, err), Err: err}
	}
	defer func() { <-c.authSem }()
	c.amu.RLock()
	tok, gen, at := c.token, c.gen, c.renewAt
	c.amu.RUnlock()
	if gen != seen && tok != "" && c.now().Before(at) {
		return tok, gen, nil
	}
	return c.createCookie(ctx)
}

// CreateAuthCookie logs in with Basic auth and keeps the cookie the gateway
// sets for every later call, replacing any cookie held.
func (c *Client) CreateAuthCookie(ctx context.Context) error {
	c.amu.RLock()
	gen := c.gen
	c.amu.RUnlock()
	_, _, err := c.renew(ctx, gen)
	return err
}

// createCookie runs the CreateAuthCookie exchange; the caller holds authSem.
func (c *Client) createCookie(ctx context.Context) (string, uint64, error) {
	// It changes state (each attempt that arrives makes a cookie): a
	// timeout or a reset is not retried, so no cookie is left behind.
	rq := &request{
		op: OpCreateAuthCookie, method: http.MethodPost, path: c.path("/auth/cookies"), auth: authBasic,
		changesState: true,
	}
	var tok string
	var maxAge time.Duration
	err := c.do(ctx, rq, func(r *hop) error {
		ck := cookieFrom(r.resp)
		if ck == nil || ck.Value == "" {
			return fmt.Errorf("%w: no token cookie in the answer", errMalformed)
		}
		tok = ck.Value
		maxAge = time.Duration(ck.MaxAge) * time.Second
		if maxAge <= 0 {
			maxAge = defaultMaxAge
		}
		// The cookie is what the answer is for: a body that does not
		// decode does not throw it away (it would be left on the gateway).
		if err := decodeEnvelope(r, nil); err != nil && !errors.Is(err, errMalformed) {
			return err
		}
		return nil
	})
	if err != nil {
		return "", 0, err
	}
	c.amu.Lock()
	defer c.amu.Unlock()
	c.token = tok
	c.gen++
	now := c.now()
	c.renewAt = now.Add(maxAge - c.renewMargin(maxAge))
	if c.cfg.RenewBefore < 0 {
		c.renewAt = farFuture // only a 401 renews
	}
	c.expires = now.Add(maxAge)
	return tok, c.gen, nil
}

// cookieFrom finds the "token" cookie in a response.
func cookieFrom(resp *http.Response) *http.Cookie {
	for _, ck := range resp.Cookies() {
		if ck.Name == "token" {
			return ck
		}
	}
	return nil
}

// DeleteAuthCookie deletes the cookie held (DELETE auth/cookies/{Token}),
// sending both documented forms of authentication: the Cookie (the
// 2020-04-30 doc source) and Basic (2019-09-30 and the live page). The
// client forgets the cookie whatever the answer; the next call logs in again.
func (c *Client) DeleteAuthCookie(ctx context.Context) error {
	c.amu.Lock()
	tok := c.token
	c.token, c.renewAt, c.expires = "", time.Time{}, time.Time{}
	c.gen++
	c.amu.Unlock()
	if tok == "" {
		return nil
	}
	rq := &request{
		op: OpDeleteAuthCookie, method: http.MethodDelete,
		path: c.path("/auth/cookies/" + url.PathEscape(tok)),
		auth: authBasic | authCookie, token: tok,
	}
	err := c.do(ctx, rq, func(r *hop) error { return decodeEnvelope(r, nil) })
	var ae *APIError
	if errors.As(err, &ae) && ae.Status == http.StatusNotFound {
		// The gateway has no such cookie (it ran out): nothing is left to
		// delete. The record shows the 404; Close does not fail for it.
		return nil
	}
	return err
}
