package har

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"edgetop/model"
)

// MaxReadBytes is the largest HAR file Read accepts (256 MiB): a bound on
// memory for a file that came from anywhere. A browser's export of a long
// session is far smaller; a larger file is an error, not a partial read.
const MaxReadBytes = 256 << 20

// maxTimeMS bounds an entry's time: 100 days, longer than any exchange
// (a Watch stream included) and small enough that milliseconds convert to
// nanoseconds without overflow.
const maxTimeMS = 100 * 24 * 3600 * 1000

// Read reads a HAR log, edgetop's own or a browser's, and returns one
// record per entry, in file order. Records get their ID from _edgetop_id
// (else the entry's position, from 1), Start and Duration from
// startedDateTime and time, Method, Gateway (scheme://host[:port], any
// user:password@ dropped) and Path (the rest of the URL) from the request,
// the headers, body previews (cut to model.BodyPreviewMax, marked
// truncated) and status, and edgetop's custom fields when present. An entry
// without _operation gets "Unknown" (the caller may name it from the path),
// one without _api_version the version its path starts with.
//
// Input larger than MaxReadBytes, input that is not a HAR log, or an entry
// with a missing or malformed required field is an error naming the entry.
func Read(r io.Reader) ([]model.Record, error) { return read(r, MaxReadBytes) }

// read is Read with the size limit as a parameter, for tests.
func read(r io.Reader, limit int64) ([]model.Record, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("har: reading: %w", err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("har: input is larger than %s, the most Read accepts", sizeText(limit))
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, errors.New("har: input is empty")
	}
	var f struct {
		Log *struct {
			Entries *[]json.RawMessage `json:"entries"`
		} `json:"log"`
	}
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("har: not a HAR file: %w", err)
	}
	if f.Log == nil {
		return nil, errors.New(`har: not a HAR file: no "log" object`)
	}
	if f.Log.Entries == nil {
		return nil, errors.New(`har: not a HAR file: the log has no "entries" array`)
	}
	entries := *f.Log.Entries
	recs := make([]model.Record, 0, len(entries))
	// A browser's HAR holds the console's cookie and credentials in clear.
	var redact model.Redactor
	for i, raw := range entries {
		var e entry
		if err := json.Unmarshal(raw, &e); err != nil {
			return nil, fmt.Errorf("har: entry %d: %w", i+1, err)
		}
		rec, err := recordOf(&e, i)
		if err != nil {
			return nil, fmt.Errorf("har: entry %d: %w", i+1, err)
		}
		redact.Redact(&rec)
		recs = append(recs, rec)
	}
	return recs, nil
}

// recordOf maps entry i back to a record.
func recordOf(e *entry, i int) (model.Record, error) {
	start, err := time.Parse(time.RFC3339Nano, e.StartedDateTime)
	if err != nil {
		return model.Record{}, fmt.Errorf("startedDateTime %q is not an ISO 8601 time", clip(e.StartedDateTime))
	}
	if e.Time < 0 || e.Time > maxTimeMS {
		return model.Record{}, fmt.Errorf("time %v ms is out of range (0 to 100 days)", e.Time)
	}
	if e.Response.Status < 0 || e.Response.Status > 999 {
		return model.Record{}, fmt.Errorf("response status %d is not an HTTP status", e.Response.Status)
	}
	gw, path := splitURL(e.Request.URL)
	r := model.Record{
		ID: e.ID, Start: start, Duration: time.Duration(math.Round(e.Time * float64(time.Millisecond))),
		Gateway: gw, APIVersion: versionOf(path), Operation: "Unknown", Method: e.Request.Method, Path: path,
		ProductKey: e.ProductKey, DeviceName: e.DeviceName, Status: e.Response.Status,
		APICode: e.APICode, APIMessage: e.APIMessage, Attempt: 1, Parent: e.Parent, Link: model.Link(e.Link),
		RequestHeaders: headersFrom(e.Request.Headers), ResponseHeaders: headersFrom(e.Response.Headers),
	}
	if r.ID == 0 {
		r.ID = uint64(i) + 1
	}
	if e.Operation != nil {
		r.Operation = *e.Operation
	}
	if e.APIVersion != nil {
		r.APIVersion = *e.APIVersion
	}
	if e.Attempt != nil {
		r.Attempt = *e.Attempt
	}
	switch {
	case e.Error != nil:
		r.Err = &model.TransportError{Kind: model.ErrKind(e.Error.Kind), Text: e.Error.Text}
	case e.Response.Error != "":
		r.Err = &model.TransportError{Kind: model.ErrOther, Text: string(e.Response.Error)}
	}
	if a := e.Action; a != nil {
		r.Action = model.Action{Kind: model.ActionKind(a.Kind), Delay: time.Duration(a.DelayNS), Detail: a.Detail}
	}
	if r.RequestBody, err = requestBody(&e.Request); err != nil {
		return model.Record{}, err
	}
	if r.ResponseBody, err = responseBody(&e.Response.Content); err != nil {
		return model.Record{}, err
	}
	r.BytesOut = firstSize(e.Request.BodySize, r.RequestBody.Size)
	r.BytesIn = firstSize(e.Response.BodySize, e.Response.Content.Size)
	return r, nil
}

// requestBody is the request's body preview, from postData.
func requestBody(q *request) (model.Body, error) {
	p := q.PostData
	if p == nil {
		return model.Body{}, nil
	}
	b := model.Body{ContentType: p.MimeType, Preview: p.Text, Truncated: p.Truncated}
	if p.Base64 != "" {
		raw, err := base64.StdEncoding.DecodeString(p.Base64)
		if err != nil {
			return b, fmt.Errorf("request postData: _base64: %w", err)
		}
		b.Preview = string(raw)
	}
	if p.Size != nil {
		b.Size = *p.Size
	} else {
		b.Size = max(q.BodySize, int64(len(b.Preview)))
	}
	return capPreview(b), nil
}

// responseBody is the response's body preview, from content.
func responseBody(c *content) (model.Body, error) {
	b := model.Body{ContentType: c.MimeType, Preview: c.Text, Size: c.Size, Truncated: c.Truncated}
	if strings.EqualFold(c.Encoding, "base64") {
		raw, err := base64.StdEncoding.DecodeString(c.Text)
		if err != nil {
			return b, fmt.Errorf("response content: base64 text: %w", err)
		}
		b.Preview = string(raw)
	}
	if c.RawSize != nil {
		b.Size = *c.RawSize
	}
	return capPreview(b), nil
}

// capPreview cuts a preview longer than a record holds (a browser's HAR
// keeps whole bodies) at a character boundary and marks it truncated.
func capPreview(b model.Body) model.Body {
	if len(b.Preview) <= model.BodyPreviewMax {
		return b
	}
	b.Size = max(b.Size, int64(len(b.Preview)))
	cut := model.BodyPreviewMax
	for cut > model.BodyPreviewMax-utf8.UTFMax && !utf8.RuneStart(b.Preview[cut]) {
		cut--
	}
	b.Preview, b.Truncated = b.Preview[:cut], true
	return b
}

// firstSize is the first of two sizes that is known (not negative), or 0.
func firstSize(a, b int64) int64 {
	switch {
	case a >= 0:
		return a
	case b >= 0:
		return b
	}
	return 0
}

// splitURL splits an absolute URL into its gateway (scheme://host[:port],
// without user information) and the rest. A URL without a scheme is all
// path.
func splitURL(u string) (gateway, path string) {
	i := strings.Index(u, "://")
	if i < 0 {
		return "", u
	}
	rest := u[i+3:]
	j := strings.IndexAny(rest, "/?#")
	if j < 0 {
		j = len(rest)
	}
	host := rest[:j]
	if k := strings.LastIndexByte(host, '@'); k >= 0 {
		host = host[k+1:]
	}
	return u[:i+3] + host, rest[j:]
}

// versionOf is the API version a path starts with, or "".
func versionOf(path string) string {
	for _, v := range []string{"2020-04-30", "2019-09-30"} {
		if rest, ok := strings.CutPrefix(path, "/"+v); ok && (rest == "" || rest[0] == '/' || rest[0] == '?') {
			return v
		}
	}
	return ""
}

// headersFrom converts HAR headers; nil when there are none.
func headersFrom(hs []nameVal) []model.Header {
	if len(hs) == 0 {
		return nil
	}
	out := make([]model.Header, len(hs))
	for i, h := range hs {
		out[i] = model.Header{Name: h.Name, Value: h.Value}
	}
	return out
}

// sizeText writes a byte count in MiB when it is whole MiB.
func sizeText(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

// clip shortens s for an error message.
func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}
