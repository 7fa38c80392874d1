// Package har writes recorded exchanges as an HTTP Archive (HAR 1.2, the
// format browsers' network panels import and export) and reads one back.
//
// Every field the HAR 1.2 spec requires is written. What HAR has no field
// for, edgetop keeps in custom fields (HAR allows names starting with "_"),
// so that reading our own file back gives the records the dashboard showed:
// on each entry _edgetop_id, _operation, _api_version, _api_code,
// _api_message, _error {kind, text}, _attempt, _parent, _link,
// _action {kind, delay_ns, detail}, _product_key and _device_name; on a
// body (postData, content) _truncated and _size (the full size: always on
// postData, on content only when it is unknown, -1), and on postData
// _base64 when the preview is not valid UTF-8 (content uses HAR's own
// encoding "base64" then). A failed exchange also carries Chrome's own
// response._error, a string, which Chrome's network panel shows.
//
// The output is safe to cat in a terminal: after encoding, every control
// and invisible character is an escape (model.AppendSafeJSON).
//
// The package is pure (no I/O beyond the io.Writer and io.Reader it is
// given, no clock) and lives under model for that reason.
package har

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"edgetop/model"
)

// Creator names the program that wrote a HAR file (log.creator).
type Creator struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// timeLayout is startedDateTime's form: ISO 8601 with milliseconds and a
// zone, as browsers write it.
const timeLayout = "2006-01-02T15:04:05.000Z07:00"

// pageID is the one page every entry refers to; some viewers group
// entries by page and show nothing without one.
const pageID = "page_1"

type page struct {
	StartedDateTime string      `json:"startedDateTime"`
	ID              string      `json:"id"`
	Title           string      `json:"title"`
	PageTimings     pageTimings `json:"pageTimings"`
}

type pageTimings struct {
	OnContentLoad float64 `json:"onContentLoad"`
	OnLoad        float64 `json:"onLoad"`
}

// entry is one HAR entry; the fields after Timings are edgetop's own.
type entry struct {
	Pageref         string   `json:"pageref,omitempty"`
	StartedDateTime string   `json:"startedDateTime"`
	Time            float64  `json:"time"`
	Request         request  `json:"request"`
	Response        response `json:"response"`
	Cache           struct{} `json:"cache"`
	Timings         timings  `json:"timings"`

	ID         uint64    `json:"_edgetop_id,omitempty"`
	Operation  *string   `json:"_operation,omitempty"`
	APIVersion *string   `json:"_api_version,omitempty"`
	APICode    string    `json:"_api_code,omitempty"`
	APIMessage string    `json:"_api_message,omitempty"`
	Error      *errField `json:"_error,omitempty"`
	Attempt    *int      `json:"_attempt,omitempty"`
	Parent     uint64    `json:"_parent,omitempty"`
	Link       string    `json:"_link,omitempty"`
	Action     *action   `json:"_action,omitempty"`
	ProductKey string    `json:"_product_key,omitempty"`
	DeviceName string    `json:"_device_name,omitempty"`
}

type request struct {
	Method      string    `json:"method"`
	URL         string    `json:"url"`
	HTTPVersion string    `json:"httpVersion"`
	Cookies     []cookie  `json:"cookies"`
	Headers     []nameVal `json:"headers"`
	QueryString []nameVal `json:"queryString"`
	PostData    *postData `json:"postData,omitempty"`
	HeadersSize int64     `json:"headersSize"`
	BodySize    int64     `json:"bodySize"`
}

type response struct {
	Status      int       `json:"status"`
	StatusText  string    `json:"statusText"`
	HTTPVersion string    `json:"httpVersion"`
	Cookies     []cookie  `json:"cookies"`
	Headers     []nameVal `json:"headers"`
	Content     content   `json:"content"`
	RedirectURL string    `json:"redirectURL"`
	HeadersSize int64     `json:"headersSize"`
	BodySize    int64     `json:"bodySize"`
	// Error is Chrome's own field for a failed request: a string, shown
	// as the failure in its network panel. Ours is on the entry.
	Error looseText `json:"_error,omitempty"`
}

type nameVal struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type cookie struct {
	Name     string `json:"name"`
	Value    string `json:"value"`
	Path     string `json:"path,omitempty"`
	Domain   string `json:"domain,omitempty"`
	HTTPOnly bool   `json:"httpOnly,omitempty"`
	Secure   bool   `json:"secure,omitempty"`
}

type postData struct {
	MimeType  string `json:"mimeType"`
	Text      string `json:"text"`
	Base64    string `json:"_base64,omitempty"`
	Size      *int64 `json:"_size,omitempty"`
	Truncated bool   `json:"_truncated,omitempty"`
}

type content struct {
	Size      int64  `json:"size"`
	MimeType  string `json:"mimeType"`
	Text      string `json:"text,omitempty"`
	Encoding  string `json:"encoding,omitempty"`
	RawSize   *int64 `json:"_size,omitempty"`
	Truncated bool   `json:"_truncated,omitempty"`
}

type timings struct {
	Blocked float64 `json:"blocked"`
	DNS     float64 `json:"dns"`
	Connect float64 `json:"connect"`
	Send    float64 `json:"send"`
	Wait    float64 `json:"wait"`
	Receive float64 `json:"receive"`
	SSL     float64 `json:"ssl"`
}

type action struct {
	Kind    string `json:"kind,omitempty"`
	DelayNS int64  `json:"delay_ns,omitempty"`
	Detail  string `json:"detail,omitempty"`
}

// Write writes recs as a HAR 1.2 log, one entry per record in the order
// given, all on one page. Entries are encoded one at a time, so a long
// recording is never held twice in memory.
func Write(w io.Writer, recs model.Records, c Creator) error {
	bw := bufio.NewWriter(w)
	var enc encoder
	var werr error
	put := func(b []byte) {
		if werr == nil {
			_, werr = bw.Write(b)
		}
	}
	put([]byte("{\n  \"log\": {\n    \"version\": \"1.2\",\n    \"creator\": "))
	put(enc.encode(c, "    "))
	put([]byte(",\n    \"pages\": "))
	put(enc.encode(pagesOf(recs), "    "))
	put([]byte(",\n    \"entries\": ["))
	for i := range recs.Len() {
		if i > 0 {
			put([]byte(","))
		}
		put([]byte("\n      "))
		r := recs.At(i)
		e := entryOf(r)
		put(enc.encode(&e, "      "))
		if enc.err != nil {
			return fmt.Errorf("har: record %d: %w", r.ID, enc.err)
		}
		if werr != nil {
			return fmt.Errorf("har: writing: %w", werr)
		}
	}
	if recs.Len() > 0 {
		put([]byte("\n    "))
	}
	put([]byte("]\n  }\n}\n"))
	if enc.err != nil {
		return fmt.Errorf("har: %w", enc.err)
	}
	if werr == nil {
		werr = bw.Flush()
	}
	if werr != nil {
		return fmt.Errorf("har: writing: %w", werr)
	}
	return nil
}

// encoder encodes values as indented, terminal-safe JSON, reusing its
// buffers; the first error sticks.
type encoder struct {
	buf, out bytes.Buffer
	err      error
}

func (e *encoder) encode(v any, prefix string) []byte {
	e.buf.Reset()
	je := json.NewEncoder(&e.buf)
	je.SetEscapeHTML(false)
	je.SetIndent(prefix, "  ")
	if err := je.Encode(v); err != nil && e.err == nil {
		e.err = err
	}
	b := bytes.TrimSuffix(e.buf.Bytes(), []byte("\n"))
	e.out.Reset()
	e.out.Write(model.AppendSafeJSON(e.out.AvailableBuffer(), b))
	return e.out.Bytes()
}

// pagesOf is the one page holding every entry (none for no records).
func pagesOf(recs model.Records) []page {
	if recs.Len() == 0 {
		return []page{}
	}
	r0 := recs.At(0)
	first := r0.Start
	for i := range recs.Len() {
		if s := recs.At(i).Start; s.Before(first) {
			first = s
		}
	}
	return []page{{
		StartedDateTime: first.UTC().Format(timeLayout), ID: pageID,
		Title: "edgetop " + r0.Gateway, PageTimings: pageTimings{OnContentLoad: -1, OnLoad: -1},
	}}
}

// entryOf builds r's entry.
func entryOf(r *model.Record) entry {
	ms := max(0, float64(r.Duration)/float64(time.Millisecond))
	e := entry{
		Pageref: pageID, StartedDateTime: r.Start.UTC().Format(timeLayout), Time: ms,
		Request: requestOf(r), Response: responseOf(r),
		// Only the total is known: it is all "wait", which keeps
		// send+wait+receive equal to time.
		Timings: timings{Blocked: -1, DNS: -1, Connect: -1, Send: 0, Wait: ms, Receive: 0, SSL: -1},
		ID:      r.ID, Operation: &r.Operation, APIVersion: &r.APIVersion, APICode: r.APICode, APIMessage: r.APIMessage,
		Attempt: &r.Attempt, Parent: r.Parent, Link: string(r.Link), ProductKey: r.ProductKey, DeviceName: r.DeviceName,
	}
	if r.Err != nil {
		e.Error = &errField{Kind: string(r.Err.Kind), Text: r.Err.Text}
	}
	if r.Action != (model.Action{}) {
		e.Action = &action{Kind: string(r.Action.Kind), DelayNS: int64(r.Action.Delay), Detail: r.Action.Detail}
	}
	return e
}

func requestOf(r *model.Record) request {
	q := request{
		Method: r.Method, URL: r.Gateway + r.Path, HTTPVersion: "HTTP/1.1",
		Cookies: requestCookies(r.RequestHeaders), Headers: headersOf(r.RequestHeaders),
		QueryString: queryOf(r.Path), HeadersSize: -1, BodySize: r.BytesOut,
	}
	if b := r.RequestBody; b != (model.Body{}) {
		size := b.Size
		q.PostData = &postData{MimeType: b.ContentType, Text: b.Preview, Size: &size, Truncated: b.Truncated}
		if !utf8.ValidString(b.Preview) {
			q.PostData.Text = strings.ToValidUTF8(b.Preview, "\uFFFD")
			q.PostData.Base64 = base64.StdEncoding.EncodeToString([]byte(b.Preview))
		}
	}
	return q
}

func responseOf(r *model.Record) response {
	s := response{
		Status: r.Status, StatusText: StatusText(r.Status), HTTPVersion: "HTTP/1.1",
		Cookies: responseCookies(r.ResponseHeaders), Headers: headersOf(r.ResponseHeaders),
		RedirectURL: headerValue(r.ResponseHeaders, "Location"), HeadersSize: -1, BodySize: r.BytesIn,
	}
	if r.Status == 0 {
		s.HTTPVersion = ""
	}
	if r.Err != nil {
		s.Error = looseText(string(r.Err.Kind) + ": " + r.Err.Text)
	}
	b := r.ResponseBody
	s.Content = content{Size: b.Size, MimeType: b.ContentType, Text: b.Preview, Truncated: b.Truncated}
	if b.Size < 0 {
		size := b.Size
		s.Content.Size, s.Content.RawSize = 0, &size
	}
	if !utf8.ValidString(b.Preview) {
		s.Content.Text, s.Content.Encoding = base64.StdEncoding.EncodeToString([]byte(b.Preview)), "base64"
	}
	return s
}

// headersOf converts headers; never nil, since HAR wants an array.
func headersOf(hs []model.Header) []nameVal {
	out := make([]nameVal, 0, len(hs))
	for _, h := range hs {
		out = append(out, nameVal{Name: h.Name, Value: h.Value})
	}
	return out
}

func headerValue(hs []model.Header, name string) string {
	for _, h := range hs {
		if strings.EqualFold(h.Name, name) {
			return h.Value
		}
	}
	return ""
}
