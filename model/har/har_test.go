package har_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"edgetop/model"
	"edgetop/model/har"
)

var (
	t0      = time.Date(2026, 12, 1, 9, 35, 58, 902_261_041, time.UTC)
	creator = har.Creator{Name: "edgetop", Version: "test"}
)

const gw = "https://127.0.0.1:9999"

func reqHeaders(extra ...model.Header) []model.Header {
	return append([]model.Header{
		{Name: "User-Agent", Value: "edgetop-edgeclient/1"},
		{Name: "Accept", Value: "application/json"},
		{Name: "Cookie", Value: "token=4f9b3ea8******"},
	}, extra...)
}

func respHeaders(extra ...model.Header) []model.Header {
	return append([]model.Header{
		{Name: "Content-Type", Value: "application/json; charset=utf-8"}, {Name: "Server", Value: "openresty/1.13.6.2"},
	}, extra...)
}

// samples are one record of each shape: a 201 with a cookie, a 200, a 4xx
// with a request and a response body, a redirect, a transport error, a
// retry with a truncated, invalid-UTF-8 body and an unknown size.
func samples() []model.Record {
	json404 := `{"Code":"NotFound","Message":"device Light99 of product a1LgtQx7n42 not found"}`
	return []model.Record{
		{
			ID: 1, Start: t0, Duration: 1953551, Gateway: gw, APIVersion: "2020-04-30", Operation: "CreateAuthCookie",
			Method: "POST", Path: "/2020-04-30/auth/cookies", Status: 201, Attempt: 1,
			RequestHeaders:  []model.Header{{Name: "Authorization", Value: "Basic ******"}},
			ResponseHeaders: respHeaders(model.Header{Name: "Set-Cookie", Value: "token=4f9b3ea8******; Max-Age=3600; Path=/"}),
			ResponseBody:    model.Body{ContentType: "application/json; charset=utf-8"},
		},
		{
			ID: 2, Start: t0.Add(2 * time.Millisecond), Duration: 355516, Gateway: gw, APIVersion: "2020-04-30",
			Operation: "GetThingProperties", Method: "GET",
			Path:       "/2020-04-30/things/a1LgtQx7n42/Light01/properties?identifiers=LightSwitch,Bright%20ness",
			ProductKey: "a1LgtQx7n42", DeviceName: "Light01", Status: 200, BytesIn: 67, Attempt: 1,
			RequestHeaders: reqHeaders(), ResponseHeaders: respHeaders(),
			ResponseBody: model.Body{
				ContentType: "application/json; charset=utf-8",
				Preview:     `{"Data":{"Properties":{"LightSwitch":1},"Timestamp":1796117758902}}`, Size: 67,
			},
		},
		{
			ID: 3, Start: t0.Add(3 * time.Millisecond), Duration: 194898, Gateway: gw, APIVersion: "2020-04-30",
			Operation: "SetThingProperties", Method: "POST", Path: "/2020-04-30/things/a1LgtQx7n42/Light99/properties",
			ProductKey: "a1LgtQx7n42", DeviceName: "Light99", Status: 404, APICode: "NotFound",
			APIMessage: "device Light99 of product a1LgtQx7n42 not found", BytesOut: 17, BytesIn: int64(len(json404)), Attempt: 1,
			RequestHeaders:  reqHeaders(model.Header{Name: "Content-Type", Value: "application/json"}),
			ResponseHeaders: respHeaders(),
			RequestBody:     model.Body{ContentType: "application/json", Preview: `{"LightSwitch":0}`, Size: 17},
			ResponseBody:    model.Body{ContentType: "application/json; charset=utf-8", Preview: json404, Size: int64(len(json404))},
		},
		{
			ID: 4, Start: t0.Add(4 * time.Millisecond), Duration: 223831, Gateway: gw, APIVersion: "2020-04-30",
			Operation: "ListThings", Method: "GET", Path: "/things", Status: 302, APICode: "Found",
			APIMessage: "moved temporarily to /2020-04-30/things", BytesIn: 12, Attempt: 1,
			RequestHeaders:  reqHeaders(),
			ResponseHeaders: respHeaders(model.Header{Name: "Location", Value: "/2020-04-30/things"}),
			ResponseBody:    model.Body{ContentType: "application/json; charset=utf-8", Preview: `{"Code":302}`, Size: 12},
			Action:          model.Action{Kind: model.ActionRedirect, Detail: "to /2020-04-30/things"},
		},
		{
			ID: 5, Start: t0.Add(5 * time.Millisecond), Duration: 15 * time.Second, Gateway: gw, APIVersion: "2020-04-30",
			Operation: "ListThings", Method: "GET", Path: "/2020-04-30/things", Parent: 4, Link: model.LinkRedirect,
			Err:     &model.TransportError{Kind: model.ErrTimeout, Text: "context deadline exceeded"},
			Attempt: 1, RequestHeaders: reqHeaders(),
			Action:          model.Action{Kind: model.ActionBackoff, Delay: 150 * time.Millisecond, Detail: "retry 2 of 4 after 150ms"},
			ResponseBody:    model.Body{Size: -1},
			RequestBody:     model.Body{},
			ResponseHeaders: nil,
		},
		{
			ID: 6, Start: t0.Add(6 * time.Millisecond), Duration: 3*time.Millisecond + 7, Gateway: gw, APIVersion: "2019-09-30",
			Operation: "ListThings", Method: "GET", Path: "/2019-09-30/things", Status: 200, BytesIn: 9000, Attempt: 2,
			Parent: 5, Link: model.LinkRetry,
			Err:             &model.TransportError{Kind: model.ErrTruncated, Text: "unexpected EOF"},
			RequestHeaders:  reqHeaders(),
			ResponseHeaders: respHeaders(),
			ResponseBody:    model.Body{ContentType: "application/octet-stream", Preview: "\x00\xff\xfe{\"a\x9b", Size: -1, Truncated: true},
			Action:          model.Action{Kind: model.ActionGaveUp},
		},
	}
}

func writeHAR(t *testing.T, recs []model.Record) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := har.Write(&b, model.Slice(recs), creator); err != nil {
		t.Fatal(err)
	}
	if !json.Valid(b.Bytes()) {
		t.Fatalf("invalid JSON:\n%s", b.Bytes())
	}
	return b.Bytes()
}

// checker checks the presence and JSON type of fields in a decoded object.
type checker struct {
	t     *testing.T
	where string
}

func (c checker) at(where string) checker { return checker{c.t, c.where + where} }

func (c checker) field(obj map[string]any, key, kind string) any {
	c.t.Helper()
	v, ok := obj[key]
	if !ok {
		c.t.Errorf("%s: required field %q missing", c.where, key)
		return nil
	}
	var good bool
	switch kind {
	case "string":
		_, good = v.(string)
	case "number":
		_, good = v.(float64)
	case "object":
		_, good = v.(map[string]any)
	case "array":
		_, good = v.([]any)
	case "bool":
		_, good = v.(bool)
	}
	if !good {
		c.t.Errorf("%s: field %q is %T (%v), want a JSON %s", c.where, key, v, v, kind)
	}
	return v
}

func (c checker) object(obj map[string]any, key string) map[string]any {
	c.t.Helper()
	m, _ := c.field(obj, key, "object").(map[string]any)
	return m
}

func (c checker) optional(obj map[string]any, key, kind string) {
	c.t.Helper()
	if _, ok := obj[key]; ok {
		c.field(obj, key, kind)
	}
}

// nameValues checks an array of {name, value} objects (headers, cookies,
// queryString).
func (c checker) nameValues(obj map[string]any, key string) []any {
	c.t.Helper()
	arr, _ := c.field(obj, key, "array").([]any)
	for i, x := range arr {
		m, ok := x.(map[string]any)
		if !ok {
			c.t.Errorf("%s.%s[%d] is %T, want an object", c.where, key, i, x)
			continue
		}
		cc := c.at("." + key)
		cc.field(m, "name", "string")
		cc.field(m, "value", "string")
	}
	return arr
}

var isoMS = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}(Z|[+-]\d\d:\d\d)$`)

// TestRequiredFields decodes a written log into generic maps and checks
// every field HAR 1.2 requires, with its type, on every entry.
func TestRequiredFields(t *testing.T) {
	var doc map[string]any
	if err := json.Unmarshal(writeHAR(t, samples()), &doc); err != nil {
		t.Fatal(err)
	}
	c := checker{t, "har"}
	log := c.object(doc, "log")
	c = c.at(".log")
	if v := c.field(log, "version", "string"); v != "1.2" {
		t.Errorf("log.version = %v", v)
	}
	cr := c.object(log, "creator")
	c.at(".creator").field(cr, "name", "string")
	c.at(".creator").field(cr, "version", "string")
	if cr["name"] != "edgetop" || cr["version"] != "test" {
		t.Errorf("creator = %v", cr)
	}
	pages, _ := c.field(log, "pages", "array").([]any)
	for _, p := range pages {
		pm, _ := p.(map[string]any)
		pc := c.at(".pages[]")
		pc.field(pm, "startedDateTime", "string")
		pc.field(pm, "id", "string")
		pc.field(pm, "title", "string")
		pc.field(pm, "pageTimings", "object")
	}
	entries, _ := c.field(log, "entries", "array").([]any)
	if len(entries) != len(samples()) {
		t.Fatalf("%d entries, want %d", len(entries), len(samples()))
	}
	for i, x := range entries {
		e, _ := x.(map[string]any)
		checkEntry(checker{t, "entry " + samples()[i].Operation}, e)
	}
	// Shape-specific facts.
	resp := func(i int) map[string]any {
		return entries[i].(map[string]any)["response"].(map[string]any)
	}
	if got := resp(3)["redirectURL"]; got != "/2020-04-30/things" {
		t.Errorf("redirect: redirectURL = %v", got)
	}
	if r := resp(4); r["status"] != 0.0 || r["statusText"] != "" || r["_error"] != "timeout: context deadline exceeded" {
		t.Errorf("transport error: response = %v", r)
	}
	if e := entries[4].(map[string]any)["_error"]; !reflect.DeepEqual(e, map[string]any{"kind": "timeout", "text": "context deadline exceeded"}) {
		t.Errorf("transport error: _error = %v", e)
	}
	pd, _ := entries[2].(map[string]any)["request"].(map[string]any)["postData"].(map[string]any)
	if pd["mimeType"] != "application/json" || pd["text"] != `{"LightSwitch":0}` {
		t.Errorf("4xx: postData = %v", pd)
	}
	if ct := resp(2)["content"].(map[string]any); ct["text"] == nil || ct["size"] != 79.0 {
		t.Errorf("4xx: content = %v", ct)
	}
	if ct := resp(5)["content"].(map[string]any); ct["encoding"] != "base64" || ct["_truncated"] != true {
		t.Errorf("binary body: content = %v", ct)
	}
	q := entries[1].(map[string]any)["request"].(map[string]any)["queryString"]
	if !reflect.DeepEqual(q, []any{map[string]any{"name": "identifiers", "value": "LightSwitch,Bright ness"}}) {
		t.Errorf("queryString = %v", q)
	}
	ck := resp(0)["cookies"]
	if !reflect.DeepEqual(ck, []any{map[string]any{"name": "token", "value": "4f9b3ea8******", "path": "/"}}) {
		t.Errorf("response cookies = %v", ck)
	}
}

func checkEntry(c checker, e map[string]any) {
	c.t.Helper()
	if s, _ := c.field(e, "startedDateTime", "string").(string); !isoMS.MatchString(s) {
		c.t.Errorf("%s: startedDateTime %q is not ISO 8601 with ms and zone", c.where, s)
	}
	total, _ := c.field(e, "time", "number").(float64)
	if total < 0 {
		c.t.Errorf("%s: time %v < 0", c.where, total)
	}
	rq := c.object(e, "request")
	rc := c.at(".request")
	rc.field(rq, "method", "string")
	if u, _ := rc.field(rq, "url", "string").(string); !strings.HasPrefix(u, gw+"/") {
		c.t.Errorf("%s: url %q is not absolute", c.where, u)
	}
	rc.field(rq, "httpVersion", "string")
	rc.nameValues(rq, "cookies")
	rc.nameValues(rq, "headers")
	rc.nameValues(rq, "queryString")
	if v := rc.field(rq, "headersSize", "number"); v != -1.0 {
		c.t.Errorf("%s: request.headersSize = %v", c.where, v)
	}
	rc.field(rq, "bodySize", "number")
	if pd, ok := rq["postData"].(map[string]any); ok {
		rc.at(".postData").field(pd, "mimeType", "string")
		rc.at(".postData").field(pd, "text", "string")
	}
	rs := c.object(e, "response")
	sc := c.at(".response")
	sc.field(rs, "status", "number")
	sc.field(rs, "statusText", "string")
	sc.field(rs, "httpVersion", "string")
	sc.nameValues(rs, "cookies")
	sc.nameValues(rs, "headers")
	ct := sc.object(rs, "content")
	sc.at(".content").field(ct, "size", "number")
	sc.at(".content").field(ct, "mimeType", "string")
	sc.at(".content").optional(ct, "text", "string")
	sc.at(".content").optional(ct, "encoding", "string")
	sc.field(rs, "redirectURL", "string")
	if v := sc.field(rs, "headersSize", "number"); v != -1.0 {
		c.t.Errorf("%s: response.headersSize = %v", c.where, v)
	}
	sc.field(rs, "bodySize", "number")
	c.object(e, "cache")
	tm := c.object(e, "timings")
	tc := c.at(".timings")
	var sum float64
	for _, k := range []string{"send", "wait", "receive"} {
		v, _ := tc.field(tm, k, "number").(float64)
		if v < 0 {
			c.t.Errorf("%s: timings.%s = %v < 0", c.where, k, v)
		}
		sum += v
	}
	if math.Abs(sum-total) > 1e-9 {
		c.t.Errorf("%s: send+wait+receive = %v, time = %v", c.where, sum, total)
	}
	for _, k := range []string{"blocked", "dns", "connect", "ssl"} {
		if v, ok := tm[k].(float64); ok && v < 0 && v != -1 {
			c.t.Errorf("%s: timings.%s = %v (want -1 or >= 0)", c.where, k, v)
		}
	}
	for _, k := range []string{"_edgetop_id", "_attempt"} {
		c.field(e, k, "number")
	}
	for _, k := range []string{"_operation", "_api_version"} {
		c.field(e, k, "string")
	}
}

// normalised is r as it reads back: Start at millisecond precision.
func normalised(r model.Record) model.Record {
	r.Start = r.Start.Truncate(time.Millisecond)
	return r
}

func TestRoundTrip(t *testing.T) {
	in := samples()
	got, err := har.Read(bytes.NewReader(writeHAR(t, in)))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(in) {
		t.Fatalf("read %d records, want %d", len(got), len(in))
	}
	for i := range in {
		want := normalised(in[i])
		if !got[i].Start.Equal(want.Start) {
			t.Errorf("record %d: Start %v, want %v", want.ID, got[i].Start, want.Start)
		}
		got[i].Start = want.Start
		if !reflect.DeepEqual(got[i], want) {
			t.Errorf("record %d read back differently:\n got %+v\nwant %+v", want.ID, got[i], want)
		}
	}
}

// hostile is text a gateway could send: escape sequences, C0 and C1
// controls (raw bytes and characters), DEL, bidi overrides, zero-width
// characters, line separators, a soft hyphen, a BOM.
const hostile = "a\x1b[2J\x1b]0;owned\x07\u009b31m\x7f\u202e\u2066\u200b\u200d\u2060\ufeff\u00ad\u2028\u2029\u061c\x00\r\n\tz"

func TestHostileRoundTrip(t *testing.T) {
	r := model.Record{
		ID: 9, Start: t0, Duration: time.Millisecond, Gateway: gw, APIVersion: "2020-04-30" + hostile,
		Operation: "Op" + hostile, Method: "GET", Path: "/2020-04-30/things/" + hostile + "?q=" + hostile,
		ProductKey: "pk" + hostile, DeviceName: "dn" + hostile, Status: 400, APICode: "Code" + hostile,
		APIMessage: "msg" + hostile, Err: &model.TransportError{Kind: model.ErrKind("k" + hostile), Text: hostile},
		Attempt: 1, Link: model.Link(hostile),
		// Cookie values are masked on import (TestReadMasksSecrets): these
		// are, already.
		RequestHeaders:  []model.Header{{Name: "X" + hostile, Value: hostile}, {Name: "Cookie", Value: "a=x******" + hostile}},
		ResponseHeaders: []model.Header{{Name: "Location", Value: hostile}, {Name: "Set-Cookie", Value: "b=y******" + hostile}},
		RequestBody:     model.Body{ContentType: hostile, Preview: hostile, Size: 3},
		ResponseBody:    model.Body{ContentType: hostile, Preview: hostile + "\x9b\xff", Size: 4},
		Action:          model.Action{Kind: model.ActionKind(hostile), Detail: hostile},
	}
	out := writeHAR(t, []model.Record{r})
	for i, c := range string(out) {
		if c == '\n' {
			continue
		}
		if model.NeedsEscape(c) || c == utf8.RuneError && !bytes.HasPrefix(out[i:], []byte("\ufffd")) {
			t.Fatalf("raw %U at byte %d of the HAR output", c, i)
		}
	}
	got, err := har.Read(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if want := normalised(r); len(got) != 1 || !reflect.DeepEqual(got[0], want) {
		t.Fatalf("hostile record read back differently:\n got %+v\nwant %+v", got, want)
	}
}

func TestEmptyLog(t *testing.T) {
	var doc struct {
		Log struct {
			Pages   []any `json:"pages"`
			Entries []any `json:"entries"`
		} `json:"log"`
	}
	out := writeHAR(t, nil)
	if err := json.Unmarshal(out, &doc); err != nil || doc.Log.Entries == nil || doc.Log.Pages == nil {
		t.Fatalf("empty log %s: %v", out, err)
	}
	recs, err := har.Read(bytes.NewReader(out))
	if err != nil || len(recs) != 0 {
		t.Fatalf("Read(empty log) = %v, %v", recs, err)
	}
}

// TestReadMasksSecrets: a browser's HAR holds the console's credentials
// and cookie in clear; read back, they are masked everywhere.
func TestReadMasksSecrets(t *testing.T) {
	r := model.Record{
		ID: 1, Start: t0, Gateway: gw, APIVersion: "2020-04-30", Method: "POST", Path: "/2020-04-30/auth/cookies", Status: 201,
		RequestHeaders:  []model.Header{{Name: "Authorization", Value: "Basic YWRtaW46YWRtaW4xMjM0"}},
		ResponseHeaders: []model.Header{{Name: "Set-Cookie", Value: "token=d710ab34cd56ef7890; Max-Age=3600; Path=/"}},
		ResponseBody:    model.Body{Preview: "your token is d710ab34cd56ef7890", Size: 33},
	}
	got, err := har.Read(bytes.NewReader(writeHAR(t, []model.Record{r})))
	if err != nil {
		t.Fatal(err)
	}
	all := fmt.Sprintf("%+v", got)
	for _, s := range []string{"YWRtaW46YWRtaW4xMjM0", "d710ab34cd56ef7890"} {
		if strings.Contains(all, s) {
			t.Errorf("%s read back in clear: %s", s, all)
		}
	}
}
