package model

import (
	"encoding/json"
	"testing"
	"time"
)

// TestRecordJSONForm pins Record's JSON form, which sessions are recorded,
// replayed and shared with: renaming a field or changing how a duration or
// an omitted field is written breaks every recorded session, so it must
// come with a new RecordSchema and a deliberate change here.
func TestRecordJSONForm(t *testing.T) {
	start := time.Date(2020, 4, 22, 17, 1, 50, 136_000_000, time.UTC)
	full := Record{
		ID: 7, Start: start, Duration: 3 * time.Millisecond, Gateway: "https://127.0.0.1:9999",
		APIVersion: "2020-04-30", Operation: "SetThingProperties", Method: "POST",
		Path: "/2020-04-30/things/pk/dn/properties", ProductKey: "pk", DeviceName: "dn", Status: 400,
		APICode: "InvalidParameter", APIMessage: "bad value", Err: &TransportError{Kind: ErrReset, Text: "reset"},
		BytesOut: 10, BytesIn: 20, Attempt: 2, Parent: 6, Link: LinkRetry,
		RequestHeaders:  []Header{{Name: "Cookie", Value: "token=ab******"}},
		ResponseHeaders: []Header{{Name: "Server", Value: "openresty/1.13.6.2"}},
		RequestBody:     Body{ContentType: "application/json", Preview: `{"a":1}`, Size: 7},
		ResponseBody:    Body{Preview: "x", Size: 9000, Truncated: true},
		Action:          Action{Kind: ActionBackoff, Delay: time.Second, Detail: "retried"},
	}
	const wantFull = `{"id":7,"start":"2020-04-22T17:01:50.136Z","duration_ns":3000000,` +
		`"gateway":"https://127.0.0.1:9999","api_version":"2020-04-30","operation":"SetThingProperties",` +
		`"method":"POST","path":"/2020-04-30/things/pk/dn/properties","product_key":"pk","device_name":"dn",` +
		`"status":400,"api_code":"InvalidParameter","api_message":"bad value",` +
		`"error":{"kind":"reset","text":"reset"},"bytes_out":10,"bytes_in":20,"attempt":2,` +
		`"parent":6,"link":"retry","request_headers":[{"name":"Cookie","value":"token=ab******"}],` +
		`"response_headers":[{"name":"Server","value":"openresty/1.13.6.2"}],` +
		`"request_body":{"content_type":"application/json","preview":"{\"a\":1}","size":7},` +
		`"response_body":{"preview":"x","size":9000,"truncated":true},` +
		`"action":{"kind":"backoff","delay_ns":1000000000,"detail":"retried"}}`
	const wantMinimal = `{"id":1,"start":"2020-04-22T17:01:50.136Z","duration_ns":0,"gateway":"",` +
		`"api_version":"","operation":"ListThings","method":"GET","path":"/2020-04-30/things","status":0,` +
		`"bytes_out":0,"bytes_in":0,"attempt":1,"request_body":{"size":0},"response_body":{"size":0},"action":{}}`
	for name, c := range map[string]struct {
		r    Record
		want string
	}{
		"full":    {full, wantFull},
		"minimal": {Record{ID: 1, Start: start, Operation: "ListThings", Method: "GET", Path: "/2020-04-30/things", Attempt: 1}, wantMinimal},
	} {
		b, err := json.Marshal(c.r)
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != c.want {
			t.Errorf("%s record JSON changed:\n got %s\nwant %s", name, b, c.want)
		}
		var back Record
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("%s: decoding its own JSON: %v", name, err)
		}
		if b2, _ := json.Marshal(back); string(b2) != c.want {
			t.Errorf("%s record does not round-trip:\n got %s", name, b2)
		}
	}
}

// TestClassOfUnusableAnswers: a 1xx-3xx answer the client could not use is
// a transport error; a 4xx/5xx keeps its class; no error, no change.
func TestClassOfUnusableAnswers(t *testing.T) {
	bad := &TransportError{Kind: ErrTruncated, Text: "cut"}
	for _, tt := range []struct {
		status   int
		err      *TransportError
		want     Class
		unusable bool
	}{
		{200, nil, Class2xx, false},
		{200, bad, ClassNet, true},
		{201, bad, ClassNet, true},
		{302, bad, ClassNet, true},
		{404, bad, Class4xx, false},
		{500, bad, Class5xx, false},
		{0, bad, ClassNet, false},
	} {
		r := Record{Status: tt.status, Err: tt.err}
		if r.Class() != tt.want || r.Unusable() != tt.unusable {
			t.Errorf("status %d err %v: class %v unusable %v", tt.status, tt.err != nil, r.Class(), r.Unusable())
		}
	}
}

// TestDeviceLabel: a Device key reads as the names it holds: a product
// alone is its ProductKey, not "pk/".
func TestDeviceLabel(t *testing.T) {
	for _, tt := range []struct{ pk, dn, key, label string }{
		{"a1Light", "Light01", "a1Light/Light01", "a1Light/Light01"},
		{"a1Light", "", "a1Light/", "a1Light"},
		{"", "Light01", "/Light01", "Light01"},
		{"", "", "", ""},
	} {
		r := Record{ProductKey: tt.pk, DeviceName: tt.dn}
		if r.Device() != tt.key || DeviceLabel(r.Device()) != tt.label {
			t.Errorf("%q/%q: key %q label %q, want %q %q", tt.pk, tt.dn, r.Device(), DeviceLabel(r.Device()), tt.key, tt.label)
		}
	}
}
