package edgesim

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// codeCase is a request that must get a status (and 2020 API Code) by a
// real cause, not by fault injection.
type codeCase struct {
	name, method, path, body string
	status                   int
	apiCode                  string
}

func TestStatusCodesByRealCause(t *testing.T) {
	l := "/2020-04-30/things/" + KeyLight
	ids101 := strings.Repeat("identifiers=LightSwitch&", 101)
	cases := []codeCase{
		{"200 ListThings", "GET", "/2020-04-30/things", "", 200, ""},
		{"302 trailing slash", "GET", "/2020-04-30/things/", "", 302, "Found"},
		{"400 missing identifiers", "GET", l + "/Light01/properties", "", 400, "MissingParameter"},
		{"400 over 100 identifiers", "GET", l + "/Light01/properties?" + ids101, "", 400, "InvalidParameter"},
		{"400 unknown identifier", "GET", l + "/Light01/properties?identifiers=Nope", "", 400, "InvalidParameter"},
		{"400 bad JSON", "POST", l + "/Light01/properties", `{"Properties":{`, 400, "InvalidParameter"},
		{"400 no body", "POST", l + "/Light01/properties", ``, 400, "MissingParameter"},
		{"400 read-only", "POST", l + "/Light01/properties", `{"Properties":{"MeasuredIlluminance":1}}`, 400, "InvalidParameter"},
		{"400 out of range", "POST", l + "/Light01/properties", `{"Properties":{"Brightness":101}}`, 400, "InvalidParameter"},
		{"400 missing Properties", "POST", l + "/Light01/properties", `{}`, 400, "MissingParameter"},
		{"400 unknown service", "POST", l + "/Light01/services", `{"Services":[{"Name":"fly"}]}`, 400, "InvalidParameter"},
		{"400 bad Args", "POST", l + "/Light01/services", `{"Services":[{"Name":"setColor","Args":"red"}]}`, 400, "InvalidParameter"},
		{"400 missing Args", "POST", l + "/Light01/services", `{"Services":[{"Name":"setColor"}]}`, 400, "MissingParameter"},
		{"400 bad BulkAction", "POST", "/2020-04-30/things/bulk", `{"BulkAction":"GetProperites","Things":[]}`, 400, "InvalidParameter"},
		{"400 missing Things", "POST", "/2020-04-30/things/bulk", `{"BulkAction":"GetProperties"}`, 400, "MissingParameter"},
		{"400 missing Tags", "POST", "/2020-04-30/things/search", `{}`, 400, "MissingParameter"},
		{"400 bad ARN", "POST", "/2020-04-30/functions/service:1bad:function:x/invocations", "", 400, "InvalidParameter"},
		{"404 unknown device", "GET", l + "/Light99/properties?identifiers=LightSwitch", "", 404, "NotFound"},
		{"404 unknown product", "GET", "/2020-04-30/things/a1Nope/Light01/properties?identifiers=LightSwitch", "", 404, "NotFound"},
		{"404 unknown product filter", "GET", "/2020-04-30/things?productkey=a1Nope", "", 404, "NotFound"},
		{"404 unknown TSL", "GET", "/2020-04-30/tsls/a1Nope", "", 404, "NotFound"},
		{"404 unknown scene", "POST", "/2020-04-30/scenes/0000/enable", "", 404, "NotFound"},
		{"404 unknown function", "POST", "/2020-04-30/functions/service:demo:function:nope/invocations", "", 404, "NotFound"},
		{"404 unknown path", "GET", "/2020-04-30/gadgets", "", 404, "NotFound"},
		{"404 2020-only op in 2019", "GET", "/2019-09-30/scenes", "", 404, ""},
		{"404 unknown version", "GET", "/2018-01-01/things", "", 404, "NotFound"},
		{"405 DELETE things", "DELETE", "/2020-04-30/things", "", 405, "MethodNotAllowed"},
		{"405 GET search", "GET", "/2020-04-30/things/search", "", 405, "MethodNotAllowed"},
		{"500 failing service", "POST", l + "/Light04/services", `{"Services":[{"Name":"toggle"}]}`, 500, "Message.FailedReply"},
		{"500 offline device", "GET", "/2020-04-30/things/" + KeySensor + "/THSensor04/properties?identifiers=CurrentTemperature", "", 500, "Service.NotExist"},
		{"500 inactivated device", "POST", "/2020-04-30/things/" + KeyDoor + "/Door02/services", `{"Services":[{"Name":"selfTest"}]}`, 500, "Service.NotExist"},
		{"500 undeployed function", "POST", "/2020-04-30/functions/" + FuncUndeploy + "/invocations", "", 500, "Service.NotExist"},
		{"500 broken scene", "POST", "/2020-04-30/scenes/" + SceneBroken + "/enable", "", 500, "Message.FailedReply"},
	}
	s, _ := start(t, Options{})
	ck := login(t, s, V2020, "admin", "admin1234")
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := do(t, s, tc.method, tc.path, tc.body, ck)
			mustStatus(t, resp, body, tc.status)
			checkCommonHeaders(t, resp.Header, resp.TransferEncoding)
			if tc.apiCode != "" {
				var e struct{ Code string }
				if err := json.Unmarshal([]byte(body), &e); err != nil || e.Code != tc.apiCode {
					t.Errorf("body %s: want Code %q", body, tc.apiCode)
				}
			}
		})
	}
}

// checkCommonHeaders asserts the OpenResty headers and chunking.
func checkCommonHeaders(t *testing.T, h map[string][]string, te []string) {
	t.Helper()
	get := func(k string) string {
		if v := h[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	if get("Server") != "openresty/1.13.6.2" || get("Content-Type") != jsonType || get("Connection") != "keep-alive" {
		t.Errorf("headers %v", h)
	}
	if len(te) != 1 || te[0] != "chunked" {
		t.Errorf("Transfer-Encoding %v, want chunked", te)
	}
	if get("Content-Length") != "" {
		t.Errorf("Content-Length set: %v", h)
	}
}

func TestErrorEnvelope2019(t *testing.T) {
	s, _ := start(t, Options{})
	ck := login(t, s, V2019, "admin", "admin1234")
	resp, body := do(t, s, "GET", "/2019-09-30/things/"+KeyLight+"/Light01/properties", "", ck)
	mustStatus(t, resp, body, 400)
	if body != `{"Code":400,"Message":"identifiers is required"}` {
		t.Errorf("body %s", body)
	}
}

func TestRedirects(t *testing.T) {
	s, _ := start(t, Options{})
	ck := login(t, s, V2020, "admin", "admin1234")
	q := "?identifiers=LightSwitch"
	cases := map[string]string{
		"/2020-04-30/things/": "/2020-04-30/things",
		"/things":             "/2020-04-30/things",
		"/2020-04-30/thing/" + KeyLight + "/Light01/properties" + q:   "/2020-04-30/things/" + KeyLight + "/Light01/properties" + q,
		"/2020-04-30/Things/" + KeyLight + "/Light01/Properties" + q:  "/2020-04-30/things/" + KeyLight + "/Light01/properties" + q,
		"/2019-09-30/things/" + KeyLight + "/Light01/properties/" + q: "/2019-09-30/things/" + KeyLight + "/Light01/properties" + q,
		"/2020-04-30/tsl/" + KeyLight:                                 "/2020-04-30/tsls/" + KeyLight,
	}
	for from, to := range cases {
		resp, body := do(t, s, "GET", from, "", ck)
		mustStatus(t, resp, body, 302)
		if got := resp.Header.Get("Location"); got != to {
			t.Errorf("%s: Location %q, want %q", from, got, to)
		}
		// A client that follows the redirect ends at 200.
		req := newReq(t, s, "GET", from, "", ck)
		r2, err := s.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		r2.Body.Close()
		if r2.StatusCode != 200 {
			t.Errorf("%s followed: %d", from, r2.StatusCode)
		}
	}
	resp, body := do(t, s, "POST", "/2020-04-30/auth/cookie", "", "")
	mustStatus(t, resp, body, 302)
	if resp.Header.Get("Location") != "/2020-04-30/auth/cookies" {
		t.Errorf("legacy auth/cookie: Location %q", resp.Header.Get("Location"))
	}
	// The docs' double slash is merged, not redirected.
	resp, body = do(t, s, "GET", "//2020-04-30//things", "", ck)
	mustStatus(t, resp, body, 200)
}

func TestFlappingDeviceGoesOffline(t *testing.T) {
	s, clk := start(t, Options{})
	ck := login(t, s, V2020, "admin", "admin1234")
	path := "/2020-04-30/things/" + KeyMeter + "/PowerMeter02/properties?identifiers=Voltage"
	seen := map[int]bool{}
	for range 60 {
		resp, _ := do(t, s, "GET", path, "", ck)
		seen[resp.StatusCode] = true
		clk.Advance(time.Second)
	}
	if !seen[200] || !seen[500] || len(seen) != 2 {
		t.Errorf("statuses over a minute: %v, want 200 and 500", seen)
	}
}

func TestMaintenance(t *testing.T) {
	s, clk := start(t, Options{MaintenanceEvery: time.Minute, MaintenanceFor: 5 * time.Second})
	ck := login(t, s, V2020, "admin", "admin1234")
	get := func() int {
		resp, _ := do(t, s, "GET", "/2020-04-30/things", "", ck)
		return resp.StatusCode
	}
	if got := get(); got != 200 {
		t.Fatalf("before the first window: %d", got)
	}
	clk.Advance(time.Minute + time.Second)
	resp, body := do(t, s, "GET", "/2020-04-30/things", "", ck)
	mustStatus(t, resp, body, 503)
	if resp.Header.Get("Retry-After") != "5" || !strings.Contains(body, `"ServiceUnavailable"`) {
		t.Errorf("503: Retry-After %q body %s", resp.Header.Get("Retry-After"), body)
	}
	clk.Advance(5 * time.Second)
	if got := get(); got != 200 {
		t.Fatalf("after the window: %d", got)
	}
	s.Faults().Maintenance(10 * time.Second)
	if got := get(); got != 503 {
		t.Fatalf("manual window: %d", got)
	}
	s.Faults().Maintenance(0)
	if got := get(); got != 200 {
		t.Fatalf("manual window ended: %d", got)
	}
}

func TestOperationsInBothVersions(t *testing.T) {
	// Every operation the table lists for 2019-09-30 answers there, and the
	// 2020-only ones do not.
	s, _ := start(t, Options{})
	ck := login(t, s, V2019, "admin", "admin1234")
	for _, p := range []string{"/things", "/things/" + KeyLight + "/Light01/properties?identifiers=Color"} {
		resp, body := do(t, s, "GET", "/2019-09-30"+p, "", ck)
		mustStatus(t, resp, body, 200)
		if !strings.HasPrefix(body, `{"Code":200,"Message":"success","Data":`) {
			t.Errorf("%s: 2019 envelope missing: %s", p, body)
		}
	}
	resp, body := do(t, s, "POST", "/2019-09-30/things/search", `{"Tags":{"Room":"Lobby"}}`, ck)
	mustStatus(t, resp, body, 404)
	resp, body = do(t, s, "GET", "/2019-09-30/tsls/"+KeyLight, "", ck)
	mustStatus(t, resp, body, 404)
}
