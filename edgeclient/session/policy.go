package session

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"edgetop/edgeclient"
	"edgetop/model"
)

// Policy holds the engine's timings; zero fields take the defaults. The
// rules themselves are fixed and written down in the package doc.
type Policy struct {
	// LinkBase and LinkMax bound the wait between probes while the gateway
	// is lost (refused, timeout, reset, truncated): 1s doubling to 30s.
	LinkBase, LinkMax time.Duration
	// DNSBase and DNSMax are the same for a name that does not resolve:
	// 5s doubling to 60s.
	DNSBase, DNSMax time.Duration
	// ServerBase and ServerMax bound how long a call the gateway failed
	// (5xx, 503, 421, 429, a malformed body) is put off, per device or,
	// for authentication, listing and the watch, for the session: 2s
	// doubling to 60s.
	ServerBase, ServerMax time.Duration
}

func (p Policy) withDefaults() Policy {
	def := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&p.LinkBase, time.Second)
	def(&p.LinkMax, 30*time.Second)
	def(&p.DNSBase, 5*time.Second)
	def(&p.DNSMax, time.Minute)
	def(&p.ServerBase, 2*time.Second)
	def(&p.ServerMax, time.Minute)
	return p
}

// backoff is base·2^n, at most max, with "equal jitter": a random wait in
// [c/2, c], so a retry loop never runs faster than half its base.
func backoff(base, ceil time.Duration, n int) time.Duration {
	c := ceil
	if n < 30 {
		if d := base << uint(n); d > 0 && d < ceil {
			c = d
		}
	}
	return c/2 + time.Duration(rand.Int64N(int64(c/2)+1))
}

// verdict is what the engine does about a call's outcome.
type verdict uint8

const (
	verdictOK      verdict = iota // it worked
	verdictIgnore                 // cancelled by the session's end
	verdictHalt                   // stop calling the gateway for good
	verdictRefuse                 // never send this request again unchanged
	verdictLink                   // no usable answer: the gateway may be lost
	verdictBackoff                // the gateway failed it: put it off with backoff
)

// decision is the policy's answer for one call's outcome.
type decision struct {
	verdict verdict
	// kind is the transport failure (verdictLink), status the HTTP status.
	kind   model.ErrKind
	status int
	// text says what happened, fix what to do (halts).
	text, fix string
}

// decide applies the policy to a call's error. prevFP is the fingerprint
// of the certificate the gateway had last time a handshake verified ("" if
// none did), so a certificate that stops verifying mid-session is named
// with the one it replaced.
func decide(c model.Call, err error, prevFP string) decision {
	var ae *edgeclient.APIError
	var ne *edgeclient.NetError
	var ue *edgeclient.UnsupportedError
	switch {
	case err == nil:
		return decision{verdict: verdictOK}
	case errors.Is(err, context.Canceled), errors.Is(err, edgeclient.ErrClosed):
		return decision{verdict: verdictIgnore}
	case errors.As(err, &ue):
		return decision{verdict: verdictRefuse, text: ue.Error()}
	case errors.As(err, &ne):
		return decideNet(ne, prevFP)
	case errors.As(err, &ae):
		return decideAPI(c, ae)
	}
	return decision{verdict: verdictBackoff, text: err.Error()}
}

// decideNet is the policy for exchanges with no usable response.
func decideNet(ne *edgeclient.NetError, prevFP string) decision {
	d := decision{kind: ne.Kind, text: string(ne.Kind) + ": " + ne.Err.Error()}
	switch ne.Kind {
	case model.ErrCanceled:
		d.verdict = verdictIgnore
	case model.ErrTLS:
		d.verdict = verdictHalt
		d.text, d.fix = tlsHalt(ne, prevFP)
	case model.ErrMalformed:
		d.verdict = verdictBackoff
	default: // refused, dns, timeout, reset, truncated, other
		d.verdict = verdictLink
	}
	return d
}

// decideAPI is the policy for answers with an HTTP error status.
func decideAPI(c model.Call, ae *edgeclient.APIError) decision {
	d := decision{status: ae.Status, text: apiText(ae)}
	switch {
	case c.Kind == model.CallAuth && (ae.Status == 401 || ae.Status == 403):
		d.verdict = verdictHalt
		d.text = fmt.Sprintf("login refused (HTTP %d)", ae.Status)
		d.fix = "check --user and the password (EDGETOP_PASSWORD or --password-file); " +
			"edgetop tries no more, as retrying could lock the account"
	case ae.Status == 401:
		// The client renewed the cookie and the retry was refused again.
		d.verdict = verdictBackoff
	case ae.Status == 421, ae.Status == 429, ae.Status >= 500:
		d.verdict = verdictBackoff
	case c.Kind == model.CallListThings:
		// 3xx, 400, 403, 404, 405: the workload cannot learn its devices.
		d.verdict = verdictHalt
		d.fix = "check --api-version and the user's API permissions in the gateway console"
	default: // 3xx left unfollowed, 400, 403, 404, 405, other 4xx
		d.verdict = verdictRefuse
	}
	return d
}

// apiText is an APIError without the package prefix.
func apiText(ae *edgeclient.APIError) string {
	return strings.TrimPrefix(ae.Error(), "edgeclient: ")
}

// tlsHalt says what is wrong with the gateway's certificate and what to do.
func tlsHalt(ne *edgeclient.NetError, prevFP string) (text, fix string) {
	got := ""
	if ne.PeerCertificate != nil {
		got = edgeclient.Fingerprint(ne.PeerCertificate.Raw)
	}
	if ne.PinMismatch != nil {
		got = ne.PinMismatch.Got
	}
	switch {
	case prevFP != "" && got != "" && got != prevFP:
		text = "TLS: the gateway's certificate changed: it was " + prevFP + ", now it is " + got
	case ne.TLS == edgeclient.TLSPinMismatch:
		text = "TLS: the gateway's certificate is " + got + ", not the pinned " + ne.PinMismatch.Want
	case ne.TLS == edgeclient.TLSNameMismatch && ne.PeerCertificate != nil:
		text = "TLS: the gateway's certificate is for " + certNames(ne.PeerCertificate) + ", not this host"
	case ne.TLS == edgeclient.TLSInvalid:
		text = "TLS: the gateway's certificate is not valid now (expired, or not yet valid): " + ne.Err.Error()
	case got != "":
		text = "TLS: the gateway's certificate (" + got + ") is not trusted"
	default:
		text = "TLS: " + ne.Err.Error()
	}
	switch {
	case got != "":
		fix = "if it is the gateway's own: --pin " + got + " (or --ca-file with its ca.x509.pem)"
	default:
		fix = "trust the gateway with --ca-file (its ca.x509.pem), --pin sha256:HEX or --insecure"
	}
	return text, fix
}

// certNames lists the names a certificate is valid for: the first few,
// each cut short, as a certificate can carry thousands.
func certNames(c *x509.Certificate) string {
	const most, long = 4, 64
	var names []string
	names = append(names, c.DNSNames...)
	for _, ip := range c.IPAddresses {
		names = append(names, ip.String())
	}
	if len(names) == 0 {
		names = []string{"CN=" + c.Subject.CommonName}
	}
	shown := names[:min(len(names), most)]
	for i, n := range shown {
		if r := []rune(n); len(r) > long {
			shown[i] = string(r[:long-1]) + "…"
		}
	}
	text := strings.Join(shown, ", ")
	if more := len(names) - len(shown); more > 0 {
		text += fmt.Sprintf(" and %d more", more)
	}
	return text
}
