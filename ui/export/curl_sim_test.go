//go:build unix

package export_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"edgetop/edgeclient"
	"edgetop/edgeclient/edgesim"
	"edgetop/model"
	"edgetop/ui/export"
)

// tokenSpy keeps every token the gateway sets, so that the secret check
// does not rely on the client's masking.
type tokenSpy struct {
	base   http.RoundTripper
	mu     sync.Mutex
	tokens []string
}

func (s *tokenSpy) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := s.base.RoundTrip(r)
	if err == nil {
		for _, ck := range resp.Cookies() {
			if ck.Name == "token" {
				s.mu.Lock()
				s.tokens = append(s.tokens, ck.Value)
				s.mu.Unlock()
			}
		}
	}
	return resp, err
}

// simSession runs real calls against a simulator and returns their
// records, the simulator, and the tokens it handed out.
func simSession(t *testing.T) ([]model.Record, *edgesim.Server, []string) {
	t.Helper()
	sim, err := edgesim.New(edgesim.Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sim.Close() })
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(sim.CertPEM()) {
		t.Fatal("simulator certificate does not parse")
	}
	spy := &tokenSpy{base: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
	var mu sync.Mutex
	var recs []model.Record
	c, err := edgeclient.New(edgeclient.Config{
		Gateway: sim.URL, User: "admin", Password: "admin1234", Transport: spy,
		Observer: edgeclient.ObserverFunc(func(r model.Record) { mu.Lock(); recs = append(recs, r); mu.Unlock() }),
		Retry:    edgeclient.RetryPolicy{MaxAttempts: 1},
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	props := "/2020-04-30/things/" + edgesim.KeyLight + "/Light01/properties"
	calls := []func() error{
		func() error {
			_, err := c.GetThingProperties(ctx, edgesim.KeyLight, "Light01", "LightSwitch")
			return err
		}, // 201, 200
		func() error {
			_, err := c.GetThingProperties(ctx, edgesim.KeyLight, "Light99", "LightSwitch")
			return err
		}, // 404
		func() error { _, err := c.Raw(ctx, "GET", props, nil); return err },          // 400 MissingParameter
		func() error { _, err := c.Raw(ctx, "POST", props, []byte("{")); return err }, // 400 InvalidParameter
		func() error {
			_, err := c.SetThingProperties(ctx, edgesim.KeyLight, "Light01", map[string]any{"LightSwitch": 1})
			return err
		}, // 200 with a body
		func() error {
			_, err := c.ListThings(ctx, edgeclient.ThingFilter{ProductKey: edgesim.KeyLight})
			return err
		}, // 200 with a query
		func() error { _, err := c.Raw(ctx, "GET", "/things", nil); return err },               // 302, then 200
		func() error { _, err := c.Raw(ctx, "DELETE", "/2020-04-30/things", nil); return err }, // 405
	}
	for _, call := range calls {
		_ = call() // the 4xx are the point
	}
	if err := c.Close(ctx); err != nil { // DeleteAuthCookie
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	spy.mu.Lock()
	defer spy.mu.Unlock()
	return recs, sim, spy.tokens
}

// runSh runs script with sh in a session of its own (no controlling
// terminal, so that curl reads a password from stdin) and returns its
// output.
func runSh(t *testing.T, script, stdin string, env ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "sh", "-c", script)
	cmd.Stdin = strings.NewReader(stdin)
	cmd.Env = append(os.Environ(), env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("sh -c %q: %v\nstderr: %s", script, err, errb.String())
	}
	return out.String()
}

var (
	titleRE  = regexp.MustCompile(`^# #(\d+) `)
	statusRE = regexp.MustCompile(`^HTTP/[0-9.]+ (\d{3})`)
	hexToken = regexp.MustCompile(`^[0-9a-f]{64}$`)
)

// TestCurlAgainstSimulator: the exported script, run, gets a token with
// the command its header gives and then the same status as recorded for
// every exchange it sends again.
func TestCurlAgainstSimulator(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl is not installed")
	}
	recs, sim, tokens := simSession(t)
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, sim.CertPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := export.Curl(&b, model.Slice(recs), export.Options{CAFile: caFile, User: "admin"}); err != nil {
		t.Fatal(err)
	}
	script := b.String()
	if len(tokens) == 0 {
		t.Fatal("the spy saw no token")
	}
	for _, secret := range append(tokens, "admin1234", "YWRtaW46YWRtaW4xMjM0") {
		if strings.Contains(script, secret) {
			t.Fatalf("the script holds the secret %q:\n%s", secret, script)
		}
	}

	// The token command, exactly as the header gives it; the password is
	// typed on stdin, where curl reads it without a terminal.
	var tokenCmd string
	for l := range strings.SplitSeq(script, "\n") {
		if cmd, ok := strings.CutPrefix(l, "# export EDGETOP_TOKEN="); ok {
			tokenCmd = "export EDGETOP_TOKEN=" + cmd
			break
		}
	}
	if tokenCmd == "" {
		t.Fatalf("no token command in:\n%s", script)
	}
	token := runSh(t, tokenCmd+"\nprintf %s \"$EDGETOP_TOKEN\"", "admin1234\n")
	if !hexToken.MatchString(token) {
		t.Fatalf("the token command printed %q", token)
	}
	if strings.Contains(script, token) {
		t.Fatal("the script holds the new token")
	}

	byID := map[uint64]*model.Record{}
	for i := range recs {
		byID[recs[i].ID] = &recs[i]
	}
	blocks := strings.Split(script, "\n\n")[1:]
	if len(blocks) != len(recs) {
		t.Fatalf("%d commands for %d records:\n%s", len(blocks), len(recs), script)
	}
	seen := map[int]int{}
	for _, block := range blocks {
		m := titleRE.FindStringSubmatch(block)
		if m == nil {
			t.Fatalf("block without a title:\n%s", block)
		}
		id, _ := strconv.ParseUint(m[1], 10, 64)
		r := byID[id]
		at := strings.Index(block, "\ncurl ")
		if strings.Contains(block, "\n# not run: ") {
			if r.Operation != "CreateAuthCookie" && r.Operation != "DeleteAuthCookie" || at >= 0 {
				t.Errorf("record %d (%s) is not run:\n%s", id, r.Operation, block)
			}
			continue
		}
		if at < 0 {
			t.Fatalf("no command in:\n%s", block)
		}
		out := runSh(t, block[at+1:], "", "EDGETOP_TOKEN="+token)
		sm := statusRE.FindStringSubmatch(out)
		if sm == nil {
			t.Fatalf("record %d: no status in the output of\n%s\n---\n%s", id, block, out)
		}
		got, _ := strconv.Atoi(sm[1])
		if got != r.Status {
			t.Errorf("record %d %s: curl got %d, recorded %d:\n%s\n---\n%s", id, r.Operation, got, r.Status, block, out)
		}
		seen[got]++
	}
	for _, want := range []int{200, 302, 400, 404, 405} {
		if seen[want] == 0 {
			t.Errorf("no command got %d (seen %v); the session should have one", want, seen)
		}
	}
	if seen[400] < 2 || seen[200] < 4 {
		t.Errorf("statuses seen %v: want both 400s and the four 200s", seen)
	}
}

// TestCurlHostileScript runs the script made from hostile records with a
// curl that only prints its arguments: nothing in a record can run a
// command or break out of its quotes, and each argument arrives as the
// sanitised text.
func TestCurlHostileScript(t *testing.T) {
	var b bytes.Buffer
	if err := export.Curl(&b, model.Slice(fixed()), export.Options{User: "admin"}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	stub := "curl() { printf '%s\\n' \"$@\" >> " + shellQuoteTest(filepath.Join(dir, "args")) + "; }\n" +
		"id() { echo PWNED; }\n"
	out := runSh(t, stub+b.String()+"\necho done", "", "EDGETOP_TOKEN=tok")
	args, err := os.ReadFile(filepath.Join(dir, "args"))
	if err != nil {
		t.Fatal(err)
	}
	if out != "done\n" || bytes.Contains(args, []byte("PWNED")) || bytes.Contains(args, []byte("uid=")) {
		t.Fatalf("the script ran something: output %q, args:\n%s", out, args)
	}
	if !bytes.Contains(args, []byte("Cookie: token=tok\n")) || !bytes.Contains(args, []byte("'$(id)`id`z")) {
		t.Fatalf("arguments not as written:\n%s", args)
	}
	// Records 2, 3 and 5 run (1 and 7 are auth, 4's path and 6's method
	// are hostile, 8 has no gateway).
	if n := bytes.Count(args, []byte("-sS\n")); n != 3 {
		t.Fatalf("%d commands ran, want 3:\n%s", n, args)
	}
}

func shellQuoteTest(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
