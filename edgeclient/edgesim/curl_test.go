package edgesim

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The curl examples of edge-api.md, replayed. The docs' masked product
// keys, device names and scene ids are replaced by the simulator's; all
// else (method, path with its double slashes, headers curl sends, the -d
// body with curl's form content type, the Cookie value) is as curl sends
// it.

// curlHead is what curl 7.x sends before its own extra headers.
func curlHead(method, path, host string) string {
	return method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: curl/7.68.0\r\nAccept: */*\r\n"
}

// curlReq renders a curl request: -u adds Basic auth, -b a Cookie, -d a
// form-typed body.
func curlReq(method, path, host, basic, cookie, data string) string {
	var b strings.Builder
	b.WriteString(curlHead(method, path, host))
	if basic != "" {
		b.WriteString("Authorization: Basic " + basic + "\r\n")
	}
	if cookie != "" {
		b.WriteString("Cookie: " + cookie + "\r\n")
	}
	if data != "" {
		fmt.Fprintf(&b, "Content-Length: %d\r\nContent-Type: application/x-www-form-urlencoded\r\n", len(data))
	}
	b.WriteString("\r\n" + data)
	return b.String()
}

// rawExchange writes raw request bytes on a fresh TLS connection and reads
// the reply.
func rawExchange(t *testing.T, s *Server, raw string) (*http.Response, string) {
	t.Helper()
	conn := dialTLS(t, s)
	if _, err := io.WriteString(conn, raw); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

const adminBasic = "YWRtaW46YWRtaW4xMjM0" // admin:admin1234, as in the docs

func TestDocExamplesByteForByte(t *testing.T) {
	s, _ := start(t, Options{})
	host := strings.TrimPrefix(s.URL, "https://")
	resp, body := rawExchange(t, s, curlReq("POST", "/2020-04-30/auth/cookies", host, adminBasic, "", ""))
	mustStatus(t, resp, body, 201)
	checkCommonHeaders(t, resp.Header, resp.TransferEncoding)
	setCookie := resp.Header.Get("Set-Cookie")
	tok := regexp.MustCompile(`^token=([0-9a-f]{64}); Max-Age=3600; Path=/$`).FindStringSubmatch(setCookie)
	if tok == nil || body != "" {
		t.Fatalf("CreateAuthCookie: Set-Cookie %q body %q", setCookie, body)
	}
	full := setCookie          // the docs' form: the whole Set-Cookie value
	plain := "token=" + tok[1] // curl -b token.cookie
	lp, ld := KeyLight, "Light01"
	cases := []struct {
		name, method, path, cookie, data string
		status                           int
		contains                         string
	}{
		{"ListThings", "GET", "/2020-04-30/things", plain, "", 200, `"DeviceName":"Light01"`},
		{"SearchThings", "POST", "/2020-04-30/things/search", full, `{"Tags":{"Name":"LightSensor"}}`, 200, `"Tags":{"Floor":"1","Name":"LightSensor","Room":"Lobby"}`},
		{"GetThingProperties", "GET", "/2020-04-30/things/" + lp + "/" + ld + "/properties?identifiers=LightSwitch", plain, "", 200, `{"Data":{"Properties":{"LightSwitch":1},"Timestamp":`},
		{"SetThingProperties", "POST", "/2020-04-30/things/" + lp + "/" + ld + "/properties", full, `{"Properties":{"LightSwitch":0}}`, 200, `{"Data":{"Data":[],"Timestamp":`},
		{"CallThingServices (2019 URL)", "POST", "/2019-09-30/things/" + lp + "/" + ld + "/services", plain, `{"Services":[{"Name":"setColor","Args":{"color":"red"}}]}`, 200, `"Services":[{"Name":"setColor","Returns":{"Message":"success","Data":[]}}]`},
		{"BulkActions GetProperties", "POST", "//2020-04-30/things/bulk", plain, `{"BulkAction":"GetProperties","Things":[{"ProductKey":"` + lp + `","DeviceName":"` + ld + `","Identifiers":["LightSwitch"]}]}`, 200, `"Returns":{"Data":{"LightSwitch":0}}`},
		{"BulkActions SetProperties", "POST", "//2020-04-30/things/bulk", plain, `{"BulkAction":"SetProperties","Things":[{"ProductKey":"` + lp + `","DeviceName":"` + ld + `","Properties":{"LightSwitch":1}}]}`, 200, `"Returns":{"Data":[]}`},
		{"BulkActions CallServices", "POST", "//2020-04-30/things/bulk", plain, `{"BulkAction":"CallServices","Things":[{"ProductKey":"` + lp + `","DeviceName":"` + ld + `","Services":[{"Name":"setColor","Args":{"color":"red"}}]}]}`, 200, `"Services":[{"Name":"setColor","Returns":{"Data":[]}}]`},
		{"GetTSL", "GET", "/2020-04-30/tsls/" + lp, plain, "", 200, `"profile":{"productKey":"` + lp + `"}`},
		{"InvokeFunction", "POST", "/2020-04-30/functions/service:helloworld:function:helloworld/invocations", plain, "", 200, "Hello World"},
		{"ListScenes", "GET", "/2020-04-30/scenes", plain, "", 200, `"Name":"scene_test_types"`},
		{"DisableScene", "POST", "/2020-04-30/scenes/" + SceneTest + "/disable", plain, "", 200, ""},
		{"EnableScene", "POST", "/2020-04-30/scenes/" + SceneTest + "/enable", plain, "", 200, ""},
		{"DeleteAuthCookie (cookie)", "DELETE", "/2020-04-30/auth/cookies/" + tok[1], plain, "", 200, ""},
	}
	for _, tc := range cases {
		resp, body := rawExchange(t, s, curlReq(tc.method, tc.path, host, "", tc.cookie, tc.data))
		if resp.StatusCode != tc.status || !strings.Contains(body, tc.contains) {
			t.Errorf("%s: %d %s", tc.name, resp.StatusCode, body)
		}
		if resp.Header.Get("Server") != serverHeader || resp.TransferEncoding == nil {
			t.Errorf("%s: headers %v %v", tc.name, resp.Header, resp.TransferEncoding)
		}
	}
	// 2019: create, then delete with -u (Basic) as its example does.
	resp, body = rawExchange(t, s, curlReq("POST", "/2019-09-30/auth/cookies", host, adminBasic, "", ""))
	if resp.StatusCode != 201 || body != `{"Code":201,"Message":"success"}` {
		t.Fatalf("2019 CreateAuthCookie: %d %s", resp.StatusCode, body)
	}
	tok19 := strings.TrimPrefix(strings.Split(resp.Header.Get("Set-Cookie"), ";")[0], "token=")
	resp, body = rawExchange(t, s, curlReq("DELETE", "/2019-09-30/auth/cookies/"+tok19, host, adminBasic, "", ""))
	if resp.StatusCode != 200 || body != `{"Code":200,"Message":"success"}` {
		t.Fatalf("2019 DeleteAuthCookie: %d %s", resp.StatusCode, body)
	}
}

func TestDocWatchExampleByteForByte(t *testing.T) {
	s, _ := start(t, Options{Heartbeat: 10 * time.Millisecond})
	ck := login(t, s, V2020, "admin", "admin1234")
	host := strings.TrimPrefix(s.URL, "https://")
	conn := dialTLS(t, s)
	raw := curlReq("POST", "//2020-04-30/things/bulk", host, "", ck, `{"BulkAction":"Watch","Things":[]}`)
	if _, err := io.WriteString(conn, raw); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/plain" {
		t.Fatalf("watch: %d %v", resp.StatusCode, resp.Header)
	}
	line, err := bufio.NewReader(resp.Body).ReadString('\n')
	if err != nil || !regexp.MustCompile(`^\{"Message":"heartbeat","Data":\{"Timestamp":\d{13}\}\}\n$`).MatchString(line) {
		t.Fatalf("first line %q, %v", line, err)
	}
}

// TestCurl runs the docs' commands with curl itself (host and port
// changed), -k as in the docs and --cacert with the simulator's PEM.
func TestCurl(t *testing.T) {
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Skip("curl is not installed")
	}
	s, _ := start(t, Options{Heartbeat: 20 * time.Millisecond})
	dir := t.TempDir()
	jar := filepath.Join(dir, "token.cookie")
	pem := filepath.Join(dir, "ca.x509.pem")
	if err := os.WriteFile(pem, s.CertPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	base := s.URL
	run := func(args ...string) string {
		out, err := exec.Command(curl, append([]string{"-sS"}, args...)...).CombinedOutput()
		if err != nil && !strings.Contains(strings.Join(args, " "), "--max-time") {
			t.Fatalf("curl %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	out := run("-i", "-c", jar, "-u", "admin:admin1234", "-k", "-X", "POST", base+"/2020-04-30/auth/cookies")
	for _, want := range []string{"HTTP/1.1 201 Created", "Server: openresty/1.13.6.2", "Transfer-Encoding: chunked", "Connection: keep-alive", "Max-Age=3600; Path=/"} {
		if !strings.Contains(out, want) {
			t.Errorf("CreateAuthCookie output lacks %q:\n%s", want, out)
		}
	}
	checks := []struct {
		args []string
		want string
	}{
		{[]string{"-i", "-b", jar, "-k", base + "/2020-04-30/things"}, `"ProductKey":"` + KeyLight + `"`},
		{[]string{"-i", "-b", jar, "-d", `{"Tags":{"Name":"LightSensor"}}`, "-k", "-X", "POST", base + "/2020-04-30/things/search"}, `"DeviceName":"Light01"`},
		{[]string{"-i", "-b", jar, "-k", base + "/2020-04-30/things/" + KeyLight + "/Light01/properties?identifiers=LightSwitch"}, `"Properties":{"LightSwitch":1}`},
		{[]string{"-i", "-b", jar, "-d", `{"Properties":{"LightSwitch":0}}`, "-k", "-X", "POST", base + "/2020-04-30/things/" + KeyLight + "/Light01/properties"}, `"Data":[]`},
		{[]string{"-i", "-b", jar, "-d", `{"Services":[{"Name":"setColor","Args":{"color":"red"}}]}`, "-k", "-X", "POST", base + "/2019-09-30/things/" + KeyLight + "/Light01/services"}, `"Name":"setColor"`},
		{[]string{"-i", "-b", jar, "-d", `{"BulkAction":"GetProperties","Things":[{"ProductKey":"` + KeyLight + `","DeviceName":"Light01","Identifiers":["LightSwitch"]}]}`, "-k", "-X", "POST", base + "//2020-04-30/things/bulk"}, `{"LightSwitch":0}`},
		{[]string{"-i", "-b", jar, "-k", base + "/2020-04-30/tsls/" + KeyLight}, `"schema":"` + tslSchema + `"`},
		{[]string{"-i", "-b", jar, "-k", "-X", "POST", base + "/2020-04-30/functions/service:helloworld:function:helloworld/invocations"}, "Content-Type: text/plain; charset=UTF-8"},
		{[]string{"-i", "-b", jar, "-k", "-X", "POST", base + "/2020-04-30/scenes/" + SceneTest + "/enable"}, "HTTP/1.1 200 OK"},
		{[]string{"-i", "-b", jar, "--cacert", pem, base + "/2020-04-30/scenes"}, `"Scenes":[`},
		{[]string{"-i", "-b", jar, "--cacert", pem, strings.Replace(base, "127.0.0.1", "localhost", 1) + "/2020-04-30/scenes"}, `"Code":"Unauthorized"`}, // verified; the jar's cookie is for 127.0.0.1
		{[]string{"-b", jar, "-d", `{"BulkAction":"Watch","Things":[]}`, "-k", "-X", "POST", "--max-time", "1", base + "//2020-04-30/things/bulk"}, `{"Message":"heartbeat","Data":{"Timestamp":`},
	}
	for _, c := range checks {
		if out := run(c.args...); !strings.Contains(out, c.want) {
			t.Errorf("curl %v: lacks %q:\n%s", c.args, c.want, out)
		}
	}
	tok := regexp.MustCompile(`token\t([0-9a-f]{64})`).FindStringSubmatch(readFile(t, jar))
	if tok == nil {
		t.Fatalf("cookie jar: %s", readFile(t, jar))
	}
	if out := run("-i", "-b", jar, "-k", "-X", "DELETE", base+"/2020-04-30/auth/cookies/"+tok[1]); !strings.Contains(out, "HTTP/1.1 200 OK") {
		t.Errorf("DeleteAuthCookie: %s", out)
	}
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
