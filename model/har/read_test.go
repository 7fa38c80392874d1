package har_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"edgetop/model"
	"edgetop/model/har"
)

func TestReadErrors(t *testing.T) {
	entry := func(fields string) string {
		return `{"log":{"version":"1.2","creator":{"name":"x","version":"1"},"entries":[` + fields + `]}}`
	}
	const ok = `"startedDateTime":"2026-12-01T09:35:58.902Z","time":1,"request":{"method":"GET","url":"https://h/x"},"response":{"status":200}`
	for _, tc := range []struct{ in, want string }{
		{"", "input is empty"},
		{"  \n", "input is empty"},
		{"not json", "not a HAR file"},
		{"[]", "not a HAR file"},
		{"{}", `no "log" object`},
		{`{"log":5}`, "not a HAR file"},
		{`{"log":{}}`, `no "entries" array`},
		{`{"log":{"entries":{}}}`, "not a HAR file"},
		{entry(`5`), "entry 1:"},
		{entry(`{}`), "entry 1: startedDateTime"},
		{entry(`{` + ok + `},{"startedDateTime":"yesterday"}`), `entry 2: startedDateTime "yesterday"`},
		{entry(`{"startedDateTime":"2026-12-01T09:35:58Z","time":-1}`), "time -1 ms is out of range"},
		{entry(`{"startedDateTime":"2026-12-01T09:35:58Z","time":1e300}`), "out of range"},
		{entry(`{"startedDateTime":"2026-12-01T09:35:58Z","time":"1"}`), "entry 1:"},
		{entry(`{"startedDateTime":"2026-12-01T09:35:58Z","response":{"status":-3}}`), "not an HTTP status"},
		{entry(`{"startedDateTime":"2026-12-01T09:35:58Z","response":{"status":1000}}`), "not an HTTP status"},
		{entry(`{"startedDateTime":"2026-12-01T09:35:58Z","_edgetop_id":-1}`), "entry 1:"},
		{entry(`{"startedDateTime":"2026-12-01T09:35:58Z","response":{"content":{"encoding":"base64","text":"!!"}}}`), "base64"},
		{entry(`{"startedDateTime":"2026-12-01T09:35:58Z","request":{"postData":{"_base64":"!!"}}}`), "base64"},
	} {
		recs, err := har.Read(strings.NewReader(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "har: ") {
			t.Errorf("Read(%.60q) = %d records, %v; want an error with %q", tc.in, len(recs), err, tc.want)
		}
	}
}

// chromeHAR is the shape of a Chrome export: no custom fields of ours, an
// error as a string on the response, a whole body, a base64 body, user
// information in a URL.
const chromeHAR = `{"log":{"version":"1.2","creator":{"name":"WebInspector","version":"537.36"},
 "pages":[{"startedDateTime":"2026-12-01T09:35:58.000Z","id":"page_1","title":"x","pageTimings":{}}],
 "entries":[
  {"_initiator":{"type":"other"},"_priority":"High","_resourceType":"fetch","cache":{},"pageref":"page_1",
   "request":{"method":"POST","url":"https://user:pw@gw.example:9999/2019-09-30/things/pk/dn/properties","httpVersion":"http/2.0",
     "headers":[{"name":":authority","value":"gw.example:9999"},{"name":"content-type","value":"application/json"}],
     "queryString":[],"cookies":[],"headersSize":-1,"bodySize":11,"postData":{"mimeType":"application/json","text":"{\"a\":\"b\"}  "}},
   "response":{"status":200,"statusText":"","httpVersion":"http/2.0","headers":[{"name":"content-type","value":"text/plain"}],
     "cookies":[],"content":{"size":5000,"mimeType":"text/plain","text":"BIGBODY"},"redirectURL":"","headersSize":-1,
     "bodySize":-1,"_transferSize":5100,"_error":null},
   "serverIPAddress":"10.0.0.1","startedDateTime":"2026-12-01T10:35:58.123456+01:00","time":12.5,
   "timings":{"blocked":0.5,"dns":-1,"ssl":-1,"connect":-1,"send":0.1,"wait":11,"receive":0.9,"_blocked_queueing":0.4}},
  {"cache":{},"request":{"method":"GET","url":"https://gw.example:9999/2020-04-30/things?productkey=pk","httpVersion":"",
     "headers":[],"queryString":[],"cookies":[],"headersSize":-1,"bodySize":0},
   "response":{"status":0,"statusText":"","httpVersion":"","headers":[],"cookies":[],"content":{"size":0,"mimeType":"x-unknown"},
     "redirectURL":"","headersSize":-1,"bodySize":-1,"_transferSize":0,"_error":"net::ERR_CONNECTION_REFUSED"},
   "startedDateTime":"2026-12-01T09:36:00.000Z","time":0.8,"timings":{"send":0,"wait":0.8,"receive":0}},
  {"cache":{},"request":{"method":"GET","url":"https://gw.example:9999/logo.png","headers":[],"queryString":[],"cookies":[],
     "headersSize":-1,"bodySize":0},
   "response":{"status":200,"statusText":"OK","httpVersion":"h2","headers":[],"cookies":[],
     "content":{"size":4,"mimeType":"image/png","text":"iVBORw==","encoding":"base64"},"redirectURL":"","headersSize":-1,"bodySize":4},
   "startedDateTime":"2026-12-01T09:36:01.000Z","time":1,"timings":{"send":0,"wait":1,"receive":0}}
 ]}}`

func TestReadBrowserHAR(t *testing.T) {
	in := strings.Replace(chromeHAR, "BIGBODY", strings.Repeat("é", 3000), 1)
	recs, err := har.Read(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 {
		t.Fatalf("%d records", len(recs))
	}
	r := recs[0]
	wantStart := time.Date(2026, 12, 1, 9, 35, 58, 123456000, time.UTC)
	if r.ID != 1 || !r.Start.Equal(wantStart) || r.Duration != 12500*time.Microsecond || r.Method != "POST" ||
		r.Gateway != "https://gw.example:9999" || r.Path != "/2019-09-30/things/pk/dn/properties" ||
		r.APIVersion != "2019-09-30" || r.Operation != "Unknown" || r.Attempt != 1 || r.Status != 200 || r.Err != nil {
		t.Errorf("record 1 = %+v", r)
	}
	if r.BytesOut != 11 || r.BytesIn != 5000 || len(r.RequestHeaders) != 2 || r.RequestHeaders[0].Name != ":authority" {
		t.Errorf("record 1 sizes/headers = %d %d %v", r.BytesOut, r.BytesIn, r.RequestHeaders)
	}
	if b := r.RequestBody; b != (model.Body{ContentType: "application/json", Preview: `{"a":"b"}  `, Size: 11}) {
		t.Errorf("record 1 request body = %+v", b)
	}
	b := r.ResponseBody
	if !b.Truncated || len(b.Preview) > model.BodyPreviewMax || len(b.Preview) < model.BodyPreviewMax-1 ||
		!strings.HasPrefix(b.Preview, "éé") || strings.ContainsRune(b.Preview, '\uFFFD') || b.Size != 6000 {
		t.Errorf("record 1 response body: %d bytes, truncated %v, size %d", len(b.Preview), b.Truncated, b.Size)
	}
	r = recs[1]
	if r.ID != 2 || r.Status != 0 || r.Err == nil || *r.Err != (model.TransportError{Kind: model.ErrOther, Text: "net::ERR_CONNECTION_REFUSED"}) ||
		r.Class() != model.ClassNet || r.APIVersion != "2020-04-30" || r.Path != "/2020-04-30/things?productkey=pk" {
		t.Errorf("record 2 = %+v (err %v)", r, r.Err)
	}
	if r = recs[2]; r.ResponseBody.Preview != "\x89PNG" || r.ResponseBody.ContentType != "image/png" || r.APIVersion != "" {
		t.Errorf("record 3 = %+v", r)
	}
}

// FuzzRead: any input gives records or an error, never a panic; records
// that were read write out as valid, terminal-safe HAR, which reads back
// the same once the first write has normalised it (milliseconds, capped
// previews).
func FuzzRead(f *testing.F) {
	// Small seeds: the fuzzer minimises each new input it finds, and the
	// cost of that grows with the input (a whole sample log is 10 KB).
	var b bytes.Buffer
	if err := har.Write(&b, model.Slice(samples()[4:6]), creator); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes())
	f.Add([]byte(chromeHAR))
	f.Add([]byte(`{"log":{"entries":[{"startedDateTime":"2026-12-01T09:35:58Z","_error":"x"}]}}`))
	f.Add([]byte(`{"log":{"entries":[]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		recs, err := har.Read(bytes.NewReader(data))
		if err != nil {
			return
		}
		once := rewrite(t, recs)
		twice := rewrite(t, once)
		if len(once) != len(twice) {
			t.Fatalf("%d records, then %d", len(once), len(twice))
		}
		for i := range once {
			a, b := once[i], twice[i]
			if !a.Start.Equal(b.Start) || abs(a.Duration-b.Duration) > 4 {
				t.Fatalf("record %d: start/duration %v %v, then %v %v", i, a.Start, a.Duration, b.Start, b.Duration)
			}
			b.Start, b.Duration = a.Start, a.Duration
			if !reflect.DeepEqual(a, b) {
				t.Fatalf("record %d changed on a second round trip:\n%+v\n%+v", i, a, b)
			}
		}
	})
}

func abs(d time.Duration) time.Duration { return max(d, -d) }

func rewrite(t *testing.T, recs []model.Record) []model.Record {
	t.Helper()
	var b bytes.Buffer
	if err := har.Write(&b, model.Slice(recs), creator); err != nil {
		t.Fatal(err)
	}
	if !json.Valid(b.Bytes()) {
		t.Fatalf("Write gave invalid JSON: %q", b.Bytes())
	}
	for _, c := range b.String() {
		if c != '\n' && model.NeedsEscape(c) {
			t.Fatalf("raw %U in the output", c)
		}
	}
	out, err := har.Read(&b)
	if err != nil {
		t.Fatalf("reading what Write wrote: %v", err)
	}
	return out
}
