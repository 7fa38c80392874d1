package edgesim

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// goldenCase is one request whose exact reply is kept in testdata/golden.
type goldenCase struct {
	name, method, path, body string
}

// goldenCases run against both versions ({v} is the version); the ones
// only 2020-04-30 has run there only.
var goldenCases = []goldenCase{
	{"CreateAuthCookie", "POST", "/{v}/auth/cookies", ""},
	{"DeleteAuthCookie", "DELETE", "/{v}/auth/cookies/{token}", ""},
	{"ListThings", "GET", "/{v}/things", ""},
	{"ListThings_filtered", "GET", "/{v}/things?productkey=" + KeyMeter, ""},
	{"ListThings_one", "GET", "/{v}/things?productkey=" + KeyLight + "&devicename=Light05", ""},
	{"GetThingProperties", "GET", "/{v}/things/" + KeyLight + "/Light01/properties?identifiers=LightSwitch&identifiers=MeasuredIlluminance&identifiers=Color", ""},
	{"GetThingProperties_meter", "GET", "/{v}/things/" + KeyMeter + "/PowerMeter01/properties?identifiers=Voltage,Current,ActivePower,TotalEnergy,RelayState", ""},
	{"SetThingProperties", "POST", "/{v}/things/" + KeyLight + "/Light01/properties", `{"Properties":{"LightSwitch":0,"Brightness":40}}`},
	{"CallThingServices", "POST", "/{v}/things/" + KeyLight + "/Light02/services", `{"Services":[{"Name":"setColor","Args":{"color":"red"}},{"Name":"toggle"}]}`},
	{"CallThingServices_partial", "POST", "/{v}/things/" + KeyLight + "/Light02/services", `{"Services":[{"Name":"get","Args":["Color"]},{"Name":"setColor","Args":{"color":7}}]}`},
	{"CallThingServices_failed", "POST", "/{v}/things/" + KeyLight + "/Light04/services", `{"Services":[{"Name":"toggle"}]}`},
	{"BulkGetProperties", "POST", "/{v}/things/bulk", `{"BulkAction":"GetProperties","Things":[{"ProductKey":"` + KeyLight + `","DeviceName":"Light01","Identifiers":["LightSwitch"]},{"ProductKey":"` + KeySensor + `","DeviceName":"THSensor04","Identifiers":["CurrentTemperature"]},{"ProductKey":"` + KeySensor + `","DeviceName":"THSensor09","Identifiers":["CurrentTemperature"]}]}`},
	{"BulkSetProperties", "POST", "/{v}/things/bulk", `{"BulkAction":"SetProperties","Things":[{"ProductKey":"` + KeyLight + `","DeviceName":"Light01","Properties":{"LightSwitch":0}},{"ProductKey":"` + KeyMeter + `","DeviceName":"PowerMeter01","Properties":{"Voltage":1}}]}`},
	{"BulkCallServices", "POST", "/{v}/things/bulk", `{"BulkAction":"CallServices","Things":[{"ProductKey":"` + KeyLight + `","DeviceName":"Light01","Services":[{"Name":"setColor","Args":{"color":"red"}}]},{"ProductKey":"` + KeyLight + `","DeviceName":"Light04","Services":[{"Name":"toggle"}]}]}`},
	{"InvokeFunction", "POST", "/{v}/functions/service:helloworld:function:helloworld/invocations", ""},
	{"InvokeFunction_echo", "POST", "/{v}/functions/acs:fc:cn-shanghai:1234567890123456:service:demo:function:echo/invocations", `{"hello":"edge"}`},
	{"InvokeFunction_handled", "POST", "/{v}/functions/" + FuncHandled + "/invocations", `{"a":1,"b":0}`},
	{"InvokeFunction_unhandled", "POST", "/{v}/functions/" + FuncUnhandled + "/invocations", ""},
	{"Error_400_identifiers", "GET", "/{v}/things/" + KeyLight + "/Light01/properties", ""},
	{"Error_400_json", "POST", "/{v}/things/" + KeyLight + "/Light01/properties", `{"Properties":`},
	{"Error_404_device", "GET", "/{v}/things/" + KeyLight + "/Light99/properties?identifiers=LightSwitch", ""},
	{"Error_405", "DELETE", "/{v}/things", ""},
	{"Error_500_offline", "GET", "/{v}/things/" + KeySensor + "/THSensor04/properties?identifiers=CurrentTemperature", ""},
}

// goldenCases2020 exist only in 2020-04-30.
var goldenCases2020 = []goldenCase{
	{"SearchThings", "POST", "/{v}/things/search", `{"Tags":{"Room":"Lobby"}}`},
	{"SearchThings_array", "POST", "/{v}/things/search", `{"Tags":[{"Room":"Office"},{"Floor":"2"}]}`},
	{"SearchThings_none", "POST", "/{v}/things/search", `{"Tags":{"Room":"Mars"}}`},
	{"GetTSL", "GET", "/{v}/tsls/" + KeyMeter, ""},
	{"ListScenes", "GET", "/{v}/scenes", ""},
	{"EnableScene", "POST", "/{v}/scenes/" + SceneAlarm + "/enable", ""},
	{"DisableScene", "POST", "/{v}/scenes/" + SceneTest + "/disable", ""},
	{"Error_500_scene", "POST", "/{v}/scenes/" + SceneBroken + "/enable", ""},
}

var tokenRE = regexp.MustCompile(`token=[0-9a-f]{64}`)

// TestGolden checks the exact reply (status, the headers that matter,
// body) of every operation in both versions against testdata/golden.
// Refresh with `go test ./edgeclient/edgesim -run TestGolden -update`.
func TestGolden(t *testing.T) {
	for _, ver := range []string{V2019, V2020} {
		cases := goldenCases
		if ver == V2020 {
			cases = append(append([]goldenCase{}, goldenCases...), goldenCases2020...)
		}
		for _, gc := range cases {
			t.Run(ver+"/"+gc.name, func(t *testing.T) {
				got := runGolden(t, ver, gc)
				checkGolden(t, filepath.Join("testdata", "golden", ver+"_"+gc.name+".golden"), got)
			})
		}
	}
}

// runGolden runs one case on a fresh server and renders its reply.
func runGolden(t *testing.T, ver string, gc goldenCase) string {
	s, _ := start(t, Options{})
	cookie := login(t, s, ver, "admin", "admin1234")
	tok := strings.TrimPrefix(cookie, "token=")
	path := strings.ReplaceAll(gc.path, "{v}", ver)
	path = strings.ReplaceAll(path, "{token}", tok)
	if gc.name == "CreateAuthCookie" {
		cookie = ""
	}
	req := newReq(t, s, gc.method, path, gc.body, cookie)
	if gc.name == "CreateAuthCookie" {
		req.SetBasicAuth("admin", "admin1234")
	}
	resp, body := send(t, s, req)
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s\n", gc.method, path)
	fmt.Fprintf(&b, "HTTP %d\n", resp.StatusCode)
	for _, h := range []string{"Content-Type", "Set-Cookie", "Allow", "X-Fc-Error-Type", "Location"} {
		if v := resp.Header.Get(h); v != "" {
			fmt.Fprintf(&b, "%s: %s\n", h, tokenRE.ReplaceAllString(v, "token=<64 hex>"))
		}
	}
	fmt.Fprintf(&b, "\n%s\n", body)
	return strings.ReplaceAll(b.String(), tok, "<token>")
}

// checkGolden compares got with a golden file, or rewrites it with -update.
func checkGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs:\n--- want\n%s\n--- got\n%s", path, want, got)
	}
}

// TestGoldenWatch keeps the exact lines of a Watch stream in both
// versions: a heartbeat, a property change and a TSL event.
func TestGoldenWatch(t *testing.T) {
	for _, ver := range []string{V2019, V2020} {
		t.Run(ver, func(t *testing.T) {
			s, _ := start(t, Options{Heartbeat: 10 * time.Millisecond, WatchInterval: 2 * time.Millisecond})
			ck := login(t, s, ver, "admin", "admin1234")
			resp := openWatch(t, s, ver, ck, `{"BulkAction":"Watch","Things":[]}`)
			ch := lines(resp)
			var b strings.Builder
			fmt.Fprintf(&b, "POST /%s/things/bulk (Watch)\nHTTP %d\nContent-Type: %s\n\n", ver, resp.StatusCode, resp.Header.Get("Content-Type"))
			b.WriteString(rawLine(t, ch, true) + "\n")
			do(t, s, "POST", "/"+ver+"/things/"+KeyLight+"/Light03/properties", `{"Properties":{"Brightness":12,"Color":"amber"}}`, ck)
			b.WriteString(rawLine(t, ch, false) + "\n")
			b.WriteString(rawLine(t, ch, false) + "\n") // what the set changed indirectly
			do(t, s, "POST", "/"+ver+"/things/"+KeyLight+"/Light04/services", `{"Services":[{"Name":"toggle"}]}`, ck)
			b.WriteString(rawLine(t, ch, false) + "\n")
			checkGolden(t, filepath.Join("testdata", "golden", ver+"_BulkWatch.golden"), b.String())
		})
	}
}

// rawLine returns the next heartbeat line (heartbeat true) or the next
// other line.
func rawLine(t *testing.T, ch <-chan string, heartbeat bool) string {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case l, ok := <-ch:
			if !ok {
				t.Fatal("stream ended")
			}
			if strings.Contains(l, `"Message":"heartbeat"`) == heartbeat {
				return l
			}
		case <-deadline:
			t.Fatal("no line")
		}
	}
}
