package model

import (
	"encoding/json"
	"testing"
	"time"
)

// FuzzRecordJSON checks that decoding any bytes as a Record (a line of a
// recorded session) never panics, and that whatever decodes can be used:
// classified, filtered, explained and encoded again.
func FuzzRecordJSON(f *testing.F) {
	full := Record{
		ID: 7, Start: t0, Duration: 3 * time.Millisecond, Gateway: "https://127.0.0.1:9999",
		APIVersion: "2020-04-30", Operation: "SetThingProperties", Method: "POST",
		Path: "/2020-04-30/things/pk/dn/properties", ProductKey: "pk", DeviceName: "dn", Status: 400,
		APICode: "InvalidParameter", APIMessage: "bad value", Err: &TransportError{Kind: ErrReset, Text: "reset"},
		BytesOut: 10, BytesIn: 20, Attempt: 2, Parent: 6, Link: LinkRetry,
		RequestHeaders: []Header{{Name: "Cookie", Value: "token=ab******"}},
		RequestBody:    Body{ContentType: "application/json", Preview: `{"a":1}`, Size: 7},
		ResponseBody:   Body{Preview: "x", Size: 9000, Truncated: true},
		Action:         Action{Kind: ActionBackoff, Delay: time.Second, Detail: "retried"},
	}
	b, err := json.Marshal(full)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"status":"200","duration_ns":1e30,"start":"0000-01-01T00:00:00Z"}`))
	f.Add([]byte(`{"error":null,"request_headers":[{"name":1}],"status":-1}`))
	f.Add([]byte(`{"start":"9999-12-31T23:59:59.999999999-23:59","duration_ns":9223372036854775807}`))
	f.Add([]byte(`[`))
	cat := mustCatalog(f, tableText)
	f.Fuzz(func(t *testing.T, data []byte) {
		var r Record
		if json.Unmarshal(data, &r) != nil {
			return
		}
		_ = r.Class()
		_ = r.End()
		_ = r.Device()
		q, _ := ParseQuery(r.Operation, t0)
		_ = Filter{Query: q, Device: r.Device(), Codes: []int{r.Status}}.Match(&r)
		_ = cat.Lookup(r.Status).DescriptionText()
		_ = Advice(r.Status, r.APICode)
		l, s := NewLog(2), NewStats(time.Second)
		l.Append(r, r, r)
		s.Add(r)
		_ = s.Series(r.Class(), r.End(), 3)
		_, _ = json.Marshal(r) // may fail (a year past 9999), must not panic
	})
}
