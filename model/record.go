package model

import (
	"strings"
	"time"
)

// Record is one HTTP exchange between the client and a gateway: one request
// and its response, or the transport error that replaced the response. A
// redirect is two records, a retry is one record per attempt.
//
// Records are built by the client's observer with every secret already
// masked (the Authorization header, passwords and cookie tokens never reach
// a Record in clear). Its JSON form, one object per line, is how sessions are
// recorded, replayed and shared; the field names below are stable. New
// fields may be added; none is renamed or removed without a new
// RecordSchema.
type Record struct {
	// ID is unique within a session and increases with each exchange
	// started; 0 means unset.
	ID uint64 `json:"id"`
	// Start is when the request was sent.
	Start time.Time `json:"start"`
	// Duration runs from Start to the end of the response body (or the
	// error). JSON: integer nanoseconds.
	Duration time.Duration `json:"duration_ns"`
	// Gateway is the base URL, scheme://host:port, without credentials.
	Gateway string `json:"gateway"`
	// APIVersion is "2020-04-30" or "2019-09-30".
	APIVersion string `json:"api_version"`
	// Operation is the edge API operation, e.g. "CreateAuthCookie",
	// "ListThings", "BulkActions.Watch"; "Unknown" for an unmapped path.
	Operation string `json:"operation"`
	// Method is the HTTP method.
	Method string `json:"method"`
	// Path is the request path with its query string (secrets masked).
	Path string `json:"path"`
	// ProductKey and DeviceName name the device when the path has them.
	ProductKey string `json:"product_key,omitempty"`
	DeviceName string `json:"device_name,omitempty"`
	// Status is the HTTP status; 0 when no response came.
	Status int `json:"status"`
	// APICode is the body's API Code when present: the 2020-04-30 string
	// Code ("InvalidParameter"), or the 2019-09-30 numeric Code as decimal
	// text ("400").
	APICode string `json:"api_code,omitempty"`
	// APIMessage is the body's Message when present.
	APIMessage string `json:"api_message,omitempty"`
	// Err is the transport error, when the exchange failed below HTTP
	// (or the body could not be read).
	Err *TransportError `json:"error,omitempty"`
	// BytesOut and BytesIn count body bytes sent and received.
	BytesOut int64 `json:"bytes_out"`
	BytesIn  int64 `json:"bytes_in"`
	// Attempt is 1 for the first try of a call, 2 for its first retry, ...
	Attempt int `json:"attempt"`
	// Parent is the ID of the record this one retried or was redirected
	// from; 0 when none. Link says which.
	Parent uint64 `json:"parent,omitempty"`
	Link   Link   `json:"link,omitempty"`
	// RequestHeaders and ResponseHeaders are in wire order, secrets masked,
	// at most HeadersMax bytes of them (names and values) each.
	RequestHeaders  []Header `json:"request_headers,omitempty"`
	ResponseHeaders []Header `json:"response_headers,omitempty"`
	// HeadersCut counts the response header lines past HeadersMax that
	// the record does not hold (a gateway can send megabytes of them).
	HeadersCut int `json:"headers_cut,omitempty"`
	// RequestBody and ResponseBody are bounded previews of the bodies.
	RequestBody  Body `json:"request_body"`
	ResponseBody Body `json:"response_body"`
	// Action is what the client did about this exchange.
	Action Action `json:"action"`
}

// RecordSchema is the version of Record's JSON form.
const RecordSchema = 1

// Link says how a record relates to its Parent.
type Link string

// The links a record can have to its parent.
const (
	LinkNone     Link = ""
	LinkRetry    Link = "retry"    // a new attempt after the parent failed
	LinkRedirect Link = "redirect" // the hop the parent's 3xx pointed to
	LinkRenewal  Link = "renewal"  // a retry after renewing the cookie
)

// TransportError describes an exchange that failed below HTTP.
type TransportError struct {
	// Kind is one of the ErrKind constants.
	Kind ErrKind `json:"kind"`
	// Text is the error's message (sanitised of secrets).
	Text string `json:"text"`
}

// ErrKind classifies transport errors.
type ErrKind string

// The transport error kinds.
const (
	ErrRefused   ErrKind = "refused"   // connection refused, no route to the host
	ErrDNS       ErrKind = "dns"       // the gateway's name did not resolve
	ErrTimeout   ErrKind = "timeout"   // deadline or timeout
	ErrTLS       ErrKind = "tls"       // handshake, verification or pin failure
	ErrReset     ErrKind = "reset"     // connection reset or closed mid-exchange
	ErrCanceled  ErrKind = "canceled"  // the caller's context was cancelled
	ErrMalformed ErrKind = "malformed" // a response that could not be parsed
	ErrTruncated ErrKind = "truncated" // a body that ended early
	ErrOther     ErrKind = "other"
)

// Header is one header line; Value is already masked when it held a secret.
type Header struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Body is a bounded preview of a message body.
type Body struct {
	// ContentType is the body's Content-Type header, if any.
	ContentType string `json:"content_type,omitempty"`
	// Preview holds at most the first BodyPreviewMax bytes, secrets masked.
	Preview string `json:"preview,omitempty"`
	// Size is the full body size in bytes (as read; -1 if unknown).
	Size int64 `json:"size"`
	// Truncated is true when Preview is shorter than the body.
	Truncated bool `json:"truncated,omitempty"`
}

// BodyPreviewMax is the largest body preview a Record holds.
const BodyPreviewMax = 4096

// HeadersMax bounds the bytes of a record's header lines, each list, and
// HeaderValueMax one value (cut past it).
const (
	HeadersMax     = 4096
	HeaderValueMax = 1024
)

// Action is what the client did about an exchange.
type Action struct {
	Kind ActionKind `json:"kind,omitempty"`
	// Delay is the backoff waited before the next attempt, when there was
	// one. JSON: integer nanoseconds.
	Delay time.Duration `json:"delay_ns,omitempty"`
	// Detail is a short human sentence, e.g. "retried after Retry-After: 2".
	Detail string `json:"detail,omitempty"`
}

// ActionKind names what the client did.
type ActionKind string

// The action kinds.
const (
	ActionNone      ActionKind = ""          // the result went to the caller
	ActionRenewed   ActionKind = "renewed"   // renewed the auth cookie and retried
	ActionBackoff   ActionKind = "backoff"   // backed off Delay and retried
	ActionRedirect  ActionKind = "redirect"  // followed the redirect
	ActionGaveUp    ActionKind = "gave_up"   // stopped retrying; the error went to the caller
	ActionReconnect ActionKind = "reconnect" // a stream reconnects after Delay
	ActionResent    ActionKind = "resent"    // resent at once on another connection (net/http did, no backoff)
)

// Class returns the record's status class: ClassOf(Status), except that an
// exchange the client could not use counts as a transport error. That is
// one with no response (Status 0), and one whose 1xx, 2xx or 3xx answer
// failed below the API (Err set: the body was truncated, malformed, over
// the size cap, or a stream broke), so that a 200 the client rejected and
// retried is never shown, filtered or counted as a success. A 4xx or 5xx
// with a broken body keeps its class: the status already says it failed.
func (r *Record) Class() Class {
	c := ClassOf(r.Status)
	if r.Err != nil && !c.IsError() {
		return ClassNet
	}
	return c
}

// Unusable reports whether the gateway answered with a status but the
// client could not use the answer (see Class): the status line is real,
// the exchange still failed.
func (r *Record) Unusable() bool {
	return r.Status != 0 && r.Err != nil && !ClassOf(r.Status).IsError()
}

// End is Start plus Duration.
func (r *Record) End() time.Time { return r.Start.Add(r.Duration) }

// Device is "ProductKey/DeviceName", or "" when the path names no device:
// a key (a filter's device, a summary's group), "pk/" for a product alone.
func (r *Record) Device() string {
	if r.ProductKey == "" && r.DeviceName == "" {
		return ""
	}
	return r.ProductKey + "/" + r.DeviceName
}

// DeviceLabel is a Device key as a person reads it: "pk/dn", or the one
// name there is ("pk/" is the product pk), "" for none.
func DeviceLabel(key string) string {
	pk, dn, _ := strings.Cut(key, "/")
	switch {
	case dn == "":
		return pk
	case pk == "":
		return dn
	}
	return key
}
