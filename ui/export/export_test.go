package export_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"edgetop/model"
	"edgetop/model/har"
	"edgetop/ui/export"
	"edgetop/ui/termtext"
)

var t0 = time.Date(2026, 12, 1, 9, 35, 58, 902_261_041, time.UTC)

// hostile is text a gateway could send: escape sequences, C0 and C1
// controls (bytes and characters), DEL, bidi overrides, zero-width
// characters, line separators, a soft hyphen, a quote for the shell.
const hostile = "a\x1b[2J\x1b]0;owned\x07\x9b\u009b31m\x7f\u202e\u2066\u200b\u200d\ufeff\u00ad\u2028\u2029\x00\r\n\t'$(id)`id`z"

const gw = "https://127.0.0.1:9999"

func cookieHeaders(extra ...model.Header) []model.Header {
	return append([]model.Header{
		{Name: "User-Agent", Value: "edgetop-edgeclient/1"},
		{Name: "Accept", Value: "application/json"},
		{Name: "Cookie", Value: "token=4f9b3ea8******"},
	}, extra...)
}

// fixed are records of every shape the curl export treats apart.
func fixed() []model.Record {
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	return []model.Record{
		{
			ID: 1, Start: at(0), Gateway: gw, APIVersion: "2020-04-30", Operation: "CreateAuthCookie", Method: "POST",
			Path: "/2020-04-30/auth/cookies", Status: 201, Attempt: 1,
			RequestHeaders: []model.Header{{Name: "Authorization", Value: "Basic ******"}},
		},
		{
			ID: 2, Start: at(1), Gateway: gw, APIVersion: "2020-04-30", Operation: "SetThingProperties", Method: "POST",
			Path: "/2020-04-30/things/pk/dn/properties", ProductKey: "pk", DeviceName: "dn", Status: 400,
			APICode: "InvalidParameter", APIMessage: "bad", Attempt: 1,
			RequestHeaders: cookieHeaders(model.Header{Name: "Content-Type", Value: "application/json"}),
			RequestBody:    model.Body{ContentType: "application/json", Preview: `{"Name":"it's"}`, Size: 15},
		},
		{
			ID: 3, Start: at(2), Gateway: gw, APIVersion: "2020-04-30", Operation: "InvokeFunction", Method: "POST",
			Path: "/2020-04-30/functions/f/invoke", Status: 200, Attempt: 1,
			RequestHeaders: cookieHeaders(
				model.Header{Name: "X-Api-Key", Value: "ab******"},
				model.Header{Name: "X-Evil" + hostile, Value: "v"},
				model.Header{Name: "X-Note", Value: hostile},
			),
			RequestBody: model.Body{Preview: "@/etc/passwd\n" + hostile, Size: 9000, Truncated: true},
		},
		{
			ID: 4, Start: at(3), Gateway: gw, APIVersion: "2020-04-30", Operation: "GetThingProperties" + hostile, Method: "GET",
			Path: "/2020-04-30/things/pk/" + hostile + "/properties", ProductKey: "pk", DeviceName: hostile,
			Status: 404, APICode: "NotFound" + hostile, Attempt: 1, RequestHeaders: cookieHeaders(),
		},
		{
			ID: 5, Start: at(4), Gateway: gw, APIVersion: "2020-04-30", Operation: "BulkActions.Watch", Method: "POST",
			Path: "/2020-04-30/things/bulkactions", Attempt: 2, Parent: 4, Link: model.LinkRetry,
			Err:            &model.TransportError{Kind: model.ErrReset, Text: "connection reset by peer" + hostile},
			RequestHeaders: cookieHeaders(),
			RequestBody:    model.Body{Preview: `{"BulkAction":"Watch"}`, Size: 22},
		},
		{
			ID: 6, Start: at(5), Gateway: gw, APIVersion: "2020-04-30", Operation: "ListThings", Method: "G\x1bET",
			Path: "/2020-04-30/things", Status: 200, Attempt: 1, RequestHeaders: cookieHeaders(),
		},
		{
			ID: 7, Start: at(6), Gateway: gw, APIVersion: "2020-04-30", Operation: "DeleteAuthCookie", Method: "DELETE",
			Path: "/2020-04-30/auth/cookies/4f9b3ea8******", Status: 200, Attempt: 1, RequestHeaders: cookieHeaders(),
		},
		{
			ID: 8, Start: at(7), APIVersion: "2019-09-30", Operation: "ListThings", Method: "GET", Path: "/2019-09-30/things",
			Status: 200, Attempt: 1, RequestHeaders: []model.Header{{Name: "Authorization", Value: "Basic ******"}},
			RequestBody: model.Body{Size: 12},
		},
	}
}

// TestCurlGolden pins the curl text for fixed records: quoting, the
// comments, what is left out and why. Refresh with go test -update.
func TestCurlGolden(t *testing.T) {
	var b bytes.Buffer
	if err := export.Curl(&b, model.Slice(fixed()), export.Options{CAFile: "/etc/edge/ca x'.pem", Insecure: true}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if err := termtext.Check(out, true); err != nil {
		t.Fatalf("unsafe curl text: %v", err)
	}
	if strings.Contains(out, "ab******") || strings.Contains(out, "--data-binary '@") || !strings.Contains(out, "--data-raw '@/etc/passwd") {
		t.Error("a masked header is sent, or a body starting with @ is sent with --data-binary (curl would read the file)")
	}
	golden.RequireEqual(t, out)
}

func TestCSV(t *testing.T) {
	recs := fixed()
	recs[1].APIMessage = "=HYPERLINK(\"http://evil\")"
	recs[1].Action = model.Action{Kind: model.ActionBackoff, Delay: 150 * time.Millisecond, Detail: "retry 2 of 4"}
	recs[3].Duration = 1234567 * time.Nanosecond
	recs[4].APICode = "+1"
	recs[5].APIMessage = "@SUM(A1)"
	recs[6].APIMessage = "-2+3"
	recs[7].APIMessage = "\t=1"
	var b bytes.Buffer
	if err := export.CSV(&b, model.Slice(recs)); err != nil {
		t.Fatal(err)
	}
	if err := termtext.Check(b.String(), true); err != nil {
		t.Fatalf("unsafe CSV: %v", err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := "time,id,duration_ms,method,operation,path,device,status,class,api_code,api_message,error_kind,error_text,bytes_out,bytes_in,attempt,action"
	if got := strings.Join(rows[0], ","); got != want || len(rows) != len(recs)+1 {
		t.Fatalf("header %q, %d rows", got, len(rows))
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	cell := func(row int, name string) string { return rows[row][col[name]] }
	if cell(2, "time") != "2026-12-01T09:35:58.903Z" || cell(2, "id") != "2" || cell(2, "api_message") != `'=HYPERLINK("http://evil")` ||
		cell(2, "action") != "backoff 150ms: retry 2 of 4" || cell(2, "device") != "pk/dn" || cell(2, "class") != "4xx" {
		t.Errorf("row 2 = %q", rows[2])
	}
	if cell(4, "duration_ms") != "1.235" || strings.ContainsAny(cell(4, "operation"), "\x1b\u202e\u200b") {
		t.Errorf("row 4 = %q", rows[4])
	}
	if cell(5, "api_code") != "'+1" || cell(5, "status") != "0" || cell(5, "class") != "net" || cell(5, "error_kind") != "reset" {
		t.Errorf("row 5 = %q", rows[5])
	}
	if cell(6, "api_message") != "'@SUM(A1)" || cell(7, "api_message") != "'-2+3" || cell(8, "api_message") != "' =1" {
		t.Errorf("formula guard: %q %q %q", cell(6, "api_message"), cell(7, "api_message"), cell(8, "api_message"))
	}
	for _, row := range rows {
		for _, c := range row {
			if s := strings.TrimLeft(c, " "); s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
				t.Errorf("cell %q starts a formula", c)
			}
		}
	}
}

func TestWriteFormats(t *testing.T) {
	recs := fixed()
	for _, f := range export.Formats() {
		var b bytes.Buffer
		if err := export.Write(&b, strings.ToUpper(f), model.Slice(recs), export.Options{}, har.Creator{Name: "edgetop", Version: "t"}); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if err := termtext.Check(b.String(), true); err != nil {
			t.Errorf("%s output is not safe to cat: %v", f, err)
		}
		for _, r := range b.String() {
			if r != '\n' && model.NeedsEscape(r) {
				t.Errorf("%s output holds %U raw", f, r)
			}
		}
	}
	err := export.Write(&bytes.Buffer{}, "xml", model.Slice(recs), export.Options{}, har.Creator{})
	if err == nil || !strings.Contains(err.Error(), "jsonl, har, curl, csv") {
		t.Fatalf("unknown format: %v", err)
	}
}

func TestJSONL(t *testing.T) {
	recs := fixed()
	var b bytes.Buffer
	if err := export.JSONL(&b, model.Slice(recs)); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != len(recs) {
		t.Fatalf("%d lines for %d records", len(lines), len(recs))
	}
	for i, l := range lines {
		var r model.Record
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		// What json.Marshal of the record decodes to: the same value.
		enc, _ := json.Marshal(&recs[i])
		var want model.Record
		_ = json.Unmarshal(enc, &want)
		if !reflect.DeepEqual(r, want) {
			t.Errorf("line %d decodes to\n%+v\nwant\n%+v", i+1, r, want)
		}
	}
}

// failWriter fails every write.
type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteErrors(t *testing.T) {
	for _, f := range export.Formats() {
		err := export.Write(failWriter{}, f, model.Slice(fixed()), export.Options{}, har.Creator{})
		if err == nil || !strings.Contains(err.Error(), "disk full") {
			t.Errorf("%s to a failing writer: %v", f, err)
		}
	}
}

// TestCurlNeverLeavesTheGateway: a recorded gateway or path that could
// send the request (and the cookie) to another host or scheme, or be read
// as an option, is never a command that runs.
func TestCurlNeverLeavesTheGateway(t *testing.T) {
	for _, c := range []struct{ gw, path string }{
		{"https://127.0.0.1:9999", "@evil.example/steal"},
		{"https://127.0.0.1:9999", ".evil.example/x"},
		{"https://127.0.0.1:9999", "//evil.example/x"},
		{"file://", "/etc/hostname"},
		{"http://127.0.0.1:9999", "/2020-04-30/things"},
		{"https://user@127.0.0.1:9999", "/2020-04-30/things"},
		{"-o/tmp/pwn://x", "/y"},
	} {
		var b strings.Builder
		r := model.Record{ID: 1, Gateway: c.gw, Path: c.path, Method: "GET", Operation: "ListThings", APIVersion: "2020-04-30"}
		if err := export.Curl(&b, model.Slice{r}, export.Options{}); err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(b.String(), "\n") {
			if strings.HasPrefix(l, "curl ") {
				t.Errorf("%s + %s runs: %s", c.gw, c.path, l)
			}
			if strings.Contains(l, "auth/cookies") && strings.Contains(l, c.gw) && !strings.HasPrefix(c.gw, "https://127") {
				t.Errorf("the token command goes to %s: %s", c.gw, l)
			}
		}
	}
}
