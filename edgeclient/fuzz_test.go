package edgeclient

import (
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"edgetop/model"
)

// seedBodies adds the documented answers (testdata/) and some broken ones.
func seedBodies(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.json")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	for _, s := range []string{
		``, `{}`, `[]`, `null`, `{"Data":[]}`, `{"Code":200,"Message":"success","Data":{}}`,
		`{"Code":"InvalidParameter","Message":"x"}`, `{"Code":500,"Message":"x"}`, `{"Code":1e400}`,
		`{"Data":{"Things":[{"Tags":7}]}}`, `{"Data":{"Properties":[],"Timestamp":"12"}}`, `{"Data":` + "\x1b[2J",
	} {
		f.Add([]byte(s))
	}
}

// FuzzDecodeEnvelope: any body, decoded as any operation's answer of
// either version, is a result, an *APIError or errMalformed; never a panic.
func FuzzDecodeEnvelope(f *testing.F) {
	seedBodies(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		outs := []any{
			nil, &thingsData{}, &Properties{}, &SetResult{}, &ServicesResult{}, &BulkResult{},
			&struct{ Scenes []Scene }{}, &struct{ TSL TSL }{},
		}
		for _, out := range outs {
			h := &hop{body: body}
			err := decodeEnvelope(h, out)
			var ae *APIError
			if err != nil && !errors.Is(err, errMalformed) && !errors.As(err, &ae) {
				t.Fatalf("decodeEnvelope(%q) = %v: neither malformed nor an API error", body, err)
			}
			h2 := &hop{body: body}
			parseErrorBody(h2)
			if h2.rec.APICode != "" && h.rec.APICode != "" && err == nil && h2.rec.APICode != h.rec.APICode {
				t.Fatalf("error and success decoders disagree on Code: %q vs %q", h2.rec.APICode, h.rec.APICode)
			}
		}
	})
}

// FuzzParseWatchLine: any stream line of either version is an event, a
// heartbeat or skipped; never a panic.
func FuzzParseWatchLine(f *testing.F) {
	if b, err := os.ReadFile("testdata/BulkActions.Watch.jsonl"); err == nil {
		f.Add(b)
	}
	for _, s := range []string{
		`{"Message":"heartbeat","Data":{"Timestamp":1}}`,
		`{"Code":200,"Message":"heartbeats","Data":{"Timestamp":"1"}}`,
		`{"Message":"success","Data":{"ProductKey":"p","DeviceName":"d","Event":"propertiesChanged","Args":{"x":{"time":1,"value":2}}}}`,
		`{"Data":null}`, `{"Data":[]}`, `{`, "\x1b]0;x\x07",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		ev, ok := parseWatchLine(line)
		if ok && ev.Kind != WatchDeviceEvent && ev.Kind != WatchHeartbeat {
			t.Fatalf("parseWatchLine(%q) kind %v", line, ev.Kind)
		}
		_ = ev.Timestamp.Time()
	})
}

// FuzzParseRetryAfter: any header value gives a wait in [0, limit] (or is
// refused), never a negative or overflowed one; the delay the client then
// computes lies between the floor and the cap.
func FuzzParseRetryAfter(f *testing.F) {
	for _, s := range []string{
		"0", "1", "120", "9223372037", "99999999999999999999", "-1", "1.5", "",
		"Wed, 21 Oct 2015 07:28:00 GMT", "Fri, 31 Dec 9999 23:59:59 GMT", "Monday, 01-Jan-01 00:00:00 GMT",
	} {
		f.Add(s)
	}
	now := time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC)
	p := RetryPolicy{}.withDefaults()
	f.Fuzz(func(t *testing.T, v string) {
		d, ok := ParseRetryAfter(v, now, p.MaxRetryAfter)
		if d < 0 || d > p.MaxRetryAfter || !ok && d != 0 {
			t.Fatalf("ParseRetryAfter(%q) = %v, %v", v, d, ok)
		}
		if rd, ok := retryDelay(&p, http.Header{"Retry-After": {v}}, now, 3); ok && (rd < p.MinDelay || rd > p.MaxRetryAfter) {
			t.Fatalf("retryDelay(%q) = %v", v, rd)
		}
	})
}

// FuzzMaskRecord: masking is idempotent and leaves no registered secret in
// any field, whatever the text around it.
func FuzzMaskRecord(f *testing.F) {
	f.Add("pw is hunter22 and token=0123456789abcdef0123456789abcdef", "x")
	f.Add("", "token=")
	f.Fuzz(func(t *testing.T, a, b string) {
		var s secrets
		s.addCredential("hunter22")
		tok := "0123456789abcdef0123456789abcdef"
		s.addToken(tok)
		r := model.Record{
			Path: a + tok, APIMessage: b + "hunter22" + a, APICode: a,
			ResponseHeaders: []model.Header{{Name: b, Value: a + tok + b}},
			ResponseBody:    model.Body{Preview: a + "hunter22" + b},
		}
		s.maskRecord(&r)
		once := r
		s.maskRecord(&r)
		if r.Path != once.Path || r.APIMessage != once.APIMessage || r.ResponseBody.Preview != once.ResponseBody.Preview {
			t.Fatalf("not idempotent: %+v vs %+v", once, r)
		}
		for _, field := range []string{r.Path, r.APIMessage, r.APICode, r.ResponseHeaders[0].Name, r.ResponseHeaders[0].Value, r.ResponseBody.Preview} {
			if strings.Contains(field, "hunter22") || strings.Contains(field, tok) {
				t.Fatalf("a secret survived in %q", field)
			}
		}
	})
}
