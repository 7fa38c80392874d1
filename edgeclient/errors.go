package edgeclient

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"syscall"

	"edgetop/model"
)

// APIError is a non-2xx answer from the gateway (or a 2019-09-30 body whose
// numeric Code says failure). Both versions' Codes are unified: the
// 2020-04-30 string Code as is ("InvalidParameter"), the 2019-09-30 numeric
// Code as decimal text ("400").
type APIError struct {
	// Status is the HTTP status.
	Status int
	// Code and Message are the body's Code and Message, when it had them.
	Code, Message string
	// Operation is the edge API operation, e.g. "SetThingProperties".
	Operation string
	// RecordID is the ID of the record of the exchange that failed.
	RecordID uint64
}

// Error describes the failure in one line.
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("edgeclient: ")
	b.WriteString(e.Operation)
	b.WriteString(": HTTP ")
	b.WriteString(strconv.Itoa(e.Status))
	if e.Code != "" && e.Code != strconv.Itoa(e.Status) {
		b.WriteString(" ")
		b.WriteString(e.Code)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	return b.String()
}

// NetError is a call that got no usable HTTP answer: the connection was
// refused, timed out, failed TLS verification, was reset, or the body was
// malformed or over the cap.
type NetError struct {
	// Operation is the edge API operation.
	Operation string
	// Kind classifies the failure (refused, timeout, tls, reset, ...).
	Kind model.ErrKind
	// RecordID is the ID of the record of the failed exchange.
	RecordID uint64
	// Err is the underlying error.
	Err error
	// PeerCertificate is the gateway's leaf certificate when TLS
	// verification failed (Kind tls), so a UI can show its fingerprint for
	// --pin; nil otherwise.
	PeerCertificate *x509.Certificate
	// PinMismatch is set when the certificate did not match Config.Pin;
	// its Got is the gateway's fingerprint.
	PinMismatch *PinError
	// TLS says what was wrong with the certificate (Kind tls).
	TLS TLSProblem
}

// TLSProblem says why the gateway's certificate was refused.
type TLSProblem string

// The TLS problems a NetError names.
const (
	TLSNone             TLSProblem = ""
	TLSUnknownAuthority TLSProblem = "unknown authority" // not signed by a trusted CA (self-signed)
	TLSPinMismatch      TLSProblem = "pin mismatch"      // not the pinned certificate
	TLSNameMismatch     TLSProblem = "name mismatch"     // valid, but for other host names
	TLSInvalid          TLSProblem = "invalid"           // expired, not yet valid, or unfit for a server
	TLSHandshake        TLSProblem = "handshake"         // the handshake itself failed (not TLS, alert)
)

// tlsProblem classifies a TLS failure.
func tlsProblem(err error) TLSProblem {
	var pe *PinError
	var ua x509.UnknownAuthorityError
	var he x509.HostnameError
	var ie x509.CertificateInvalidError
	switch {
	case errors.As(err, &pe):
		return TLSPinMismatch
	case errors.As(err, &ua):
		return TLSUnknownAuthority
	case errors.As(err, &he):
		return TLSNameMismatch
	case errors.As(err, &ie):
		return TLSInvalid
	}
	return TLSHandshake
}

// peerFingerprint names the gateway's certificate after a failed TLS
// verification (" (gateway certificate sha256:…)"), so the record says what
// to --pin; "" for any other error.
func peerFingerprint(err error) string {
	var cv *tls.CertificateVerificationError
	if errors.As(err, &cv) && len(cv.UnverifiedCertificates) > 0 {
		return " (gateway certificate " + Fingerprint(cv.UnverifiedCertificates[0].Raw) + ")"
	}
	return ""
}

// hopNetError is the NetError for a hop whose record holds a transport
// error. Err carries the record's (masked) text, not the raw error, so no
// secret in a URL can reach the caller.
func hopNetError(op string, h *hop) *NetError {
	e := &NetError{Operation: op, Kind: h.rec.Err.Kind, RecordID: h.rec.ID, Err: errors.New(h.rec.Err.Text)}
	var cv *tls.CertificateVerificationError
	if errors.As(h.err, &cv) && len(cv.UnverifiedCertificates) > 0 {
		e.PeerCertificate = cv.UnverifiedCertificates[0]
	}
	var pe *PinError
	if errors.As(h.err, &pe) {
		e.PinMismatch = pe
	}
	if e.Kind == model.ErrTLS {
		e.TLS = tlsProblem(h.err)
	}
	return e
}

// Error describes the failure in one line.
func (e *NetError) Error() string {
	return fmt.Sprintf("edgeclient: %s: %s: %v", e.Operation, e.Kind, e.Err)
}

// Unwrap returns the underlying error.
func (e *NetError) Unwrap() error { return e.Err }

// UnsupportedError is returned, without any request, for an operation the
// configured API version does not have (SearchThings, GetTSL and the scene
// operations exist only in 2020-04-30).
type UnsupportedError struct {
	Operation, APIVersion string
}

// Error names the operation and version.
func (e *UnsupportedError) Error() string {
	return fmt.Sprintf("edgeclient: %s is not part of API %s", e.Operation, e.APIVersion)
}

// ErrClosed is returned by calls made after Close.
var ErrClosed = errors.New("edgeclient: client closed")

// errBodyTooLarge marks a response body over Config.MaxBodyBytes.
var errBodyTooLarge = errors.New("response body over the size cap")

// errBodyEnded marks a response body cut short by the connection.
var errBodyEnded = errors.New("response body ended early")

// errMalformed marks a 2xx body that could not be decoded.
var errMalformed = errors.New("malformed response body")

// PinError is a TLS handshake whose certificate did not match Config.Pin.
type PinError struct {
	Want, Got string
}

// Error shows both fingerprints.
func (e *PinError) Error() string {
	return "certificate pin mismatch: want " + e.Want + ", got " + e.Got
}

// classify names the kind of a transport error. parentErr is the caller's
// context error (to tell a cancelled call from a per-attempt timeout).
func classify(err error, parentErr error) model.ErrKind {
	var pinErr *PinError
	var uaErr x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invErr x509.CertificateInvalidError
	var verErr *tls.CertificateVerificationError
	var recErr tls.RecordHeaderError
	var alertErr tls.AlertError
	var dnsErr *net.DNSError
	var netErr net.Error
	switch {
	case errors.Is(err, errBodyTooLarge), errors.Is(err, errBodyEnded):
		return model.ErrTruncated
	case errors.Is(err, errMalformed):
		return model.ErrMalformed
	case errors.Is(parentErr, context.Canceled):
		return model.ErrCanceled
	case errors.Is(parentErr, context.DeadlineExceeded), errors.Is(err, context.DeadlineExceeded):
		return model.ErrTimeout
	case errors.Is(err, context.Canceled):
		return model.ErrCanceled
	case errors.As(err, &pinErr), errors.As(err, &uaErr), errors.As(err, &hostErr),
		errors.As(err, &invErr), errors.As(err, &verErr), errors.As(err, &recErr),
		errors.As(err, &alertErr):
		return model.ErrTLS
	case errors.As(err, &dnsErr):
		return model.ErrDNS
	case errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.EHOSTUNREACH),
		errors.Is(err, syscall.ENETUNREACH):
		return model.ErrRefused
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF), errors.Is(err, net.ErrClosed):
		return model.ErrReset
	case errors.As(err, &netErr) && netErr.Timeout():
		return model.ErrTimeout
	}
	s := err.Error()
	switch {
	case strings.Contains(s, "tls:") || strings.Contains(s, "x509:"):
		return model.ErrTLS
	case strings.Contains(s, "response headers exceeded"), // net/http: past MaxResponseHeaderBytes
		strings.Contains(s, "malformed MIME header"), strings.Contains(s, "malformed HTTP"):
		// An answer net/http refused to read (a header line with a control
		// in it, a broken status line): the gateway answered, badly.
		return model.ErrMalformed
	}
	return model.ErrOther
}

// errText is a transport error as the record shows it: without the
// method and URL net/http puts in front (the record has them) and, for a
// socket error, without the local address: "connection reset by peer",
// "connection refused (dialling 10.0.0.5:9999)".
func errText(err error) string {
	if ue, ok := err.(*url.Error); ok && ue.Err != nil {
		err = ue.Err
	}
	oe, ok := err.(*net.OpError)
	if !ok || oe.Err == nil {
		return err.Error()
	}
	inner := oe.Err
	var se *os.SyscallError
	if errors.As(inner, &se) && se.Err != nil {
		inner = se.Err
	}
	text := inner.Error()
	if oe.Op == "dial" && oe.Addr != nil {
		text += " (dialling " + oe.Addr.String() + ")"
	}
	return text
}
