package edgeclient

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestOperationFor(t *testing.T) {
	tests := []struct {
		method, path, op, pk, dn string
	}{
		{"POST", "/2020-04-30/auth/cookies", OpCreateAuthCookie, "", ""},
		{"DELETE", "/2019-09-30/auth/cookies/abc", OpDeleteAuthCookie, "", ""},
		{"GET", "/2020-04-30/things", OpListThings, "", ""},
		{"GET", "/2020-04-30/things?ProductKey=pk&devicename=d1", OpListThings, "pk", "d1"},
		{"POST", "/2020-04-30/things/search", OpSearchThings, "", ""},
		{"GET", "/2020-04-30/things/pk/dev/properties?identifiers=a&identifiers=b", OpGetThingProperties, "pk", "dev"},
		{"POST", "/2019-09-30/things/pk/dev/properties", OpSetThingProperties, "pk", "dev"},
		{"POST", "/2020-04-30/things/pk/dev%20x/services", OpCallThingServices, "pk", "dev x"},
		{"POST", "//2020-04-30/things/bulk", OpBulkActions, "", ""},
		{"GET", "/2020-04-30/tsls/pk", OpGetTSL, "pk", ""},
		{"POST", "/2020-04-30/functions/service:s:function:f/invocations", OpInvokeFunction, "", ""},
		{"GET", "/2020-04-30/scenes", OpListScenes, "", ""},
		{"POST", "/2020-04-30/scenes/id1/enable", OpEnableScene, "", ""},
		{"post", "/2020-04-30/scenes/id1/disable", OpDisableScene, "", ""},
		{"GET", "/things", OpListThings, "", ""},
		// Legacy and non-canonical spellings, which a gateway redirects, keep their name.
		{"GET", "/2020-04-30/thing/pk/dev/properties?identifiers=a", OpGetThingProperties, "pk", "dev"},
		{"GET", "/2020-04-30/Things/pk/dev/properties/", OpGetThingProperties, "pk", "dev"},
		{"POST", "/2020-04-30/auth/cookie", OpCreateAuthCookie, "", ""},
		{"GET", "/2020-04-30/tsl/pk", OpGetTSL, "pk", ""},
		{"DELETE", "/2020-04-30/things", "things (DELETE)", "", ""},
		{"PUT", "/2020-04-30/things/pk/dn/properties", "properties (PUT)", "pk", "dn"},
		{"GET", "/2020-04-30/scenes/s1/enable", "scenes/enable (GET)", "", ""},
		{"GET", "/2020-04-30/things/bulk", "things/bulk (GET)", "", ""},
		{"POST", "/2020-04-30/things/pk/dn/other", OpUnknown, "pk", "dn"},
		{"POST", "/auth/login", OpUnknown, "", ""},
		{"GET", "/", OpUnknown, "", ""},
		{"GET", "/a/b/c/d/e/f/g/h", OpUnknown, "", ""},
	}
	for _, tt := range tests {
		op, pk, dn := OperationFor(tt.method, tt.path)
		if op != tt.op || pk != tt.pk || dn != tt.dn {
			t.Errorf("OperationFor(%s %s) = %q %q %q, want %q %q %q", tt.method, tt.path, op, pk, dn, tt.op, tt.pk, tt.dn)
		}
	}
}

func TestMask(t *testing.T) {
	tok := strings.Repeat("ab", 32)
	if got := MaskToken(tok); got != "abababab******" {
		t.Errorf("MaskToken = %q", got)
	}
	if got := maskAuthorization("Basic YWRtaW46YWRtaW4xMjM0"); got != "Basic ******" {
		t.Errorf("maskAuthorization = %q", got)
	}
	in := "token=" + tok + "; Max-Age=3600; Path=/"
	if got := maskTokenAssignments(in); got != "token=abababab******; Max-Age=3600; Path=/" {
		t.Errorf("maskTokenAssignments = %q", got)
	}
	var s secrets
	s.addCredential("hunter22")
	s.addToken(tok)
	got := s.mask("/2020-04-30/auth/cookies/" + tok + " pw=hunter22")
	if strings.Contains(got, tok) || strings.Contains(got, "hunter22") {
		t.Errorf("mask left a secret: %q", got)
	}
	// A password with non-ASCII letters, echoed upper- or lower-cased.
	s.addCredential("Pa55w0rd!xyz/é")
	for _, echo := range []string{"PA55W0RD!XYZ/É", "pa55w0rd!xyz/é", "pA55W0rD!XYZ/é"} {
		if got := s.mask("msg " + echo); strings.Contains(got, echo) {
			t.Errorf("mask left %q: %q", echo, got)
		}
	}
}

// TestMaskWrittenOutEscapes: a secret split by an escape written out (Go's
// %q in an error quoting a header line, a JSON body's \u escapes, the two
// together) is masked as the text would read decoded.
func TestMaskWrittenOutEscapes(t *testing.T) {
	tok := strings.Repeat("7f", 32)
	var s secrets
	s.addCredential("Hunter2Pass")
	s.addToken(tok)
	for _, in := range []string{
		`net/http: malformed MIME header line: "X-Echo: Hu\x1b[0mnter2Pass ` + tok[:10] + `\x1b[0m` + tok[10:] + `"`,
		`{"pw":"\u0048\u0075\u006e\u0074\u0065\u0072\u0032\u0050\u0061\u0073\u0073"}`,
		`starting with "{\"pw\":\"\\u0048unter2Pass\"}"`,
		`Hu\u202enter2Pass and Hu\033[1mnter2Pass`,
		`/2020-04-30/things?pw=%48%75%6e%74%65%72%32%50%61%73%73&t=%37%66` + tok[2:],
	} {
		got := s.mask(in)
		if strings.Contains(strings.ToLower(unquoteEscapes(unquoteEscapes(got))), "hunter2pass") || strings.Contains(got, tok[10:]) {
			t.Errorf("mask left a secret:\n in  %q\n out %q", in, got)
		}
		if s.mask(got) != got {
			t.Errorf("masking again changed %q", got)
		}
	}
	// Escapes and no secret: the text as it was.
	if in := `{"msg":"caf\u00e9 \x41 \\n"}`; s.mask(in) != in {
		t.Errorf("a text without a secret changed: %q", s.mask(in))
	}
}

func TestTagsShapes(t *testing.T) {
	for _, in := range []string{`[{"Room":"k"},{"Floor":"1"}]`, `{"Room":"k","Floor":"1"}`} {
		var tags Tags
		if err := json.Unmarshal([]byte(in), &tags); err != nil {
			t.Fatal(err)
		}
		if tags["Room"] != "k" || tags["Floor"] != "1" || len(tags) != 2 {
			t.Errorf("%s -> %v", in, tags)
		}
	}
	for _, in := range []string{`[]`, `null`, `{}`} {
		var tags Tags
		if err := json.Unmarshal([]byte(in), &tags); err != nil || len(tags) != 0 {
			t.Errorf("%s -> %v, %v", in, tags, err)
		}
	}
	var tags Tags
	if err := json.Unmarshal([]byte(`{"n":3}`), &tags); err != nil || tags["n"] != "3" {
		t.Errorf("numeric tag -> %v, %v", tags, err)
	}
	if err := json.Unmarshal([]byte(`"x"`), &tags); err == nil {
		t.Error("a string is not tags")
	}
}

func TestMillisAndCodes(t *testing.T) {
	var m struct {
		A, B, C Millis
		Code    flexCode
		Code2   flexCode
	}
	if err := json.Unmarshal([]byte(`{"A":1587574910136,"B":"1587526047107","C":"","Code":400,"Code2":"InvalidParameter"}`), &m); err != nil {
		t.Fatal(err)
	}
	if m.A != 1587574910136 || m.B != 1587526047107 || m.C != 0 || m.Code != "400" || m.Code2 != "InvalidParameter" {
		t.Errorf("got %+v", m)
	}
	if m.A.Time().UnixMilli() != 1587574910136 || !Millis(0).Time().IsZero() {
		t.Error("Millis.Time")
	}
}

func TestParsePin(t *testing.T) {
	hexs := strings.Repeat("AB", 32)
	for _, in := range []string{"sha256:" + hexs, hexs, "SHA256:" + strings.Repeat("ab:", 31) + "ab"} {
		p, err := ParsePin(in)
		if err != nil || p != "sha256:"+strings.ToLower(hexs) {
			t.Errorf("ParsePin(%q) = %q, %v", in, p, err)
		}
	}
	if _, err := ParsePin("sha256:abc"); err == nil {
		t.Error("short pin accepted")
	}
}

func TestDecodeEnvelopeQuirks(t *testing.T) {
	type res struct{ Things []Thing }
	for _, body := range []string{`{"Data":[]}`, `{"Data":null}`, `{"Code":200,"Message":"success","Data":[]}`, ``, `{}`} {
		var r res
		if err := decodeEnvelope(&hop{body: []byte(body)}, &r); err != nil {
			t.Errorf("%q: %v", body, err)
		}
	}
	for _, body := range []string{`{"Data":[1]}`, `{"Data":"x"}`, `{"Data":{"Things":{}}}`, `not json`} {
		var r res
		if err := decodeEnvelope(&hop{body: []byte(body)}, &r); !errors.Is(err, errMalformed) {
			t.Errorf("%q: err = %v, want malformed", body, err)
		}
	}
	h := &hop{body: []byte(`{"Code":403,"Message":"denied"}`)}
	h.rec.Status = 200
	var ae *APIError
	// Status is the HTTP status (as documented); Code carries the body's.
	if err := decodeEnvelope(h, nil); !errors.As(err, &ae) || ae.Status != 200 || ae.Code != "403" || h.rec.APIMessage != "denied" {
		t.Errorf("2019 failure in a 200 body: %v", err)
	}
	var p Properties
	if err := decodeEnvelope(&hop{body: []byte(`{"Data":{"Properties":[],"Timestamp":"5"}}`)}, &p); err != nil || p.Timestamp != 5 || p.Properties == nil {
		t.Errorf("Properties [] -> %+v, %v", p, err)
	}
}

func TestMaskCookiePath(t *testing.T) {
	tok := strings.Repeat("cd", 32)
	tests := []struct{ in, want string }{
		{"/2020-04-30/auth/cookies/" + tok, "/2020-04-30/auth/cookies/cdcdcdcd******"},
		{"/2019-09-30/auth/cookies/" + tok + "?x=1", "/2019-09-30/auth/cookies/cdcdcdcd******?x=1"},
		{"/2020-04-30/auth/cookies/abcd1234******", "/2020-04-30/auth/cookies/abcd1234******"},
		{"/2020-04-30/auth/cookies", "/2020-04-30/auth/cookies"},
		{"/2020-04-30/things", "/2020-04-30/things"},
	}
	for _, tt := range tests {
		if got := maskCookiePath(tt.in); got != tt.want {
			t.Errorf("maskCookiePath(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
