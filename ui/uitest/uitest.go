// Package uitest holds what the dashboard's tests share: the embedded
// catalogs, a fixed clock, sample and hostile records. Only tests import
// it.
package uitest

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"edgetop/assets"
	"edgetop/model"
)

// T0 is the fixed clock of the tests.
var T0 = time.Date(2026, 11, 26, 13, 7, 1, 234_000_000, time.UTC)

// Catalogs parses the embedded status table and API Codes.
func Catalogs(t testing.TB) (*model.Catalog, *model.APICodes) {
	t.Helper()
	cat, err := model.ParseCatalog(bytes.NewReader(assets.StatusCodes()))
	if err != nil {
		t.Fatal(err)
	}
	codes, err := model.ParseAPICodes(bytes.NewReader(assets.APICodes()))
	if err != nil {
		t.Fatal(err)
	}
	return cat, codes
}

// Hdr builds headers from name, value pairs.
func Hdr(kv ...string) []model.Header {
	var out []model.Header
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, model.Header{Name: kv[i], Value: kv[i+1]})
	}
	return out
}

// SampleRecords is one of each kind of exchange the dashboard explains.
func SampleRecords() []model.Record {
	gw := "https://127.0.0.1:9999"
	base := func(id uint64, ms int, op, method, path string, status int, dur time.Duration) model.Record {
		return model.Record{
			ID: id, Start: T0.Add(time.Duration(ms) * time.Millisecond), Duration: dur, Gateway: gw,
			APIVersion: "2020-04-30", Operation: op, Method: method, Path: path, Status: status, Attempt: 1,
			RequestHeaders:  Hdr("Cookie", "token=e82c2e9b******"),
			ResponseHeaders: Hdr("Server", "openresty/1.13.6.2", "Content-Type", "application/json; charset=utf-8"),
		}
	}
	auth := base(1, 0, "CreateAuthCookie", "POST", "/2020-04-30/auth/cookies", 201, 3*time.Millisecond)
	auth.RequestHeaders = Hdr("Authorization", "Basic YWRt******")
	list := base(2, 6, "ListThings", "GET", "/2020-04-30/things", 200, 4200*time.Microsecond)
	list.BytesIn = 1834
	list.ResponseBody = model.Body{ContentType: "application/json", Preview: `{"Data":{"Things":[{"ProductKey":"a1Light","DeviceName":"Light01","Status":"Online"}]}}`, Size: 1834, Truncated: true}
	redir := base(3, 20, "GetThingProperties", "GET", "/2020-04-30/thing/a1Light/Light01/properties?identifiers=power", 302, 2*time.Millisecond)
	redir.ProductKey, redir.DeviceName = "a1Light", "Light01"
	redir.Action = model.Action{Kind: model.ActionRedirect, Detail: "to /2020-04-30/things/a1Light/Light01/properties"}
	hop := base(4, 23, "GetThingProperties", "GET", "/2020-04-30/things/a1Light/Light01/properties?identifiers=power", 200, 5*time.Millisecond)
	hop.ProductKey, hop.DeviceName, hop.Parent, hop.Link, hop.Attempt = "a1Light", "Light01", 3, model.LinkRedirect, 1
	hop.ResponseBody = model.Body{Preview: `{"Data":{"Properties":{"power":1},"Timestamp":1764162421234}}`, Size: 60}
	hop.BytesIn = 60
	bad := base(5, 40, "GetThingProperties", "GET", "/2020-04-30/things/a1Light/Light01/properties", 400, 3*time.Millisecond)
	bad.ProductKey, bad.DeviceName, bad.APICode, bad.APIMessage = "a1Light", "Light01", "MissingParameter", "identifiers is required"
	bad.ResponseBody = model.Body{Preview: `{"Code":"MissingParameter","Message":"identifiers is required"}`, Size: 62}
	unauth := base(6, 60, "GetThingProperties", "GET", "/2020-04-30/things/a1Sensor/TH01/properties?identifiers=temp", 401, 2*time.Millisecond)
	unauth.ProductKey, unauth.DeviceName, unauth.APICode = "a1Sensor", "TH01", "Unauthorized"
	unauth.Action = model.Action{Kind: model.ActionRenewed, Detail: "cookie expired"}
	conns := base(7, 80, "GetThingProperties", "GET", "/2020-04-30/things/a1Sensor/TH02/properties?identifiers=temp", 421, 1*time.Millisecond)
	conns.ProductKey, conns.DeviceName, conns.APICode, conns.APIMessage = "a1Sensor", "TH02", "TooManyConnections", "too many connections from 127.0.0.1"
	conns.Action = model.Action{Kind: model.ActionBackoff, Delay: 250 * time.Millisecond}
	svc := base(8, 100, "CallThingServices", "POST", "/2020-04-30/things/a1Light/Light04/services", 500, 12*time.Millisecond)
	svc.ProductKey, svc.DeviceName, svc.APICode, svc.APIMessage = "a1Light", "Light04", "Message.FailedReply", "device replied code 9201: lamp driver fault"
	svc.Action = model.Action{Kind: model.ActionGaveUp}
	svc.RequestBody = model.Body{Preview: `{"Services":[{"Name":"toggle"}]}`, Size: 32}
	maint := base(9, 120, "ListThings", "GET", "/2020-04-30/things", 503, 1*time.Millisecond)
	maint.APICode, maint.APIMessage = "ServiceUnavailable", "maintenance"
	maint.Action = model.Action{Kind: model.ActionBackoff, Delay: time.Second, Detail: "Retry-After: 1"}
	netErr := base(10, 140, "GetThingProperties", "GET", "/2020-04-30/things/a1Light/Light02/properties?identifiers=power", 0, 30*time.Second)
	netErr.ProductKey, netErr.DeviceName = "a1Light", "Light02"
	netErr.Err = &model.TransportError{Kind: model.ErrTimeout, Text: "context deadline exceeded (Client.Timeout exceeded while awaiting headers)"}
	netErr.ResponseHeaders = nil
	ok := base(11, 160, "GetThingProperties", "GET", "/2020-04-30/things/a1Light/Light01/properties?identifiers=power", 200, 3*time.Millisecond)
	ok.ProductKey, ok.DeviceName, ok.BytesIn = "a1Light", "Light01", 60
	return []model.Record{auth, list, redir, hop, bad, unauth, conns, svc, maint, netErr, ok}
}

// ManyRecords makes n successful polls with increasing IDs from id0.
func ManyRecords(id0 uint64, n int) []model.Record {
	out := make([]model.Record, n)
	for i := range out {
		out[i] = model.Record{
			ID: id0 + uint64(i), Start: T0.Add(time.Duration(i) * time.Millisecond), Duration: 4 * time.Millisecond,
			Gateway: "https://127.0.0.1:9999", Operation: "GetThingProperties", Method: "GET",
			Path: "/2020-04-30/things/a1Light/Light01/properties?identifiers=power", ProductKey: "a1Light",
			DeviceName: "Light01", Status: 200, Attempt: 1, BytesIn: 60,
		}
		if i%10 == 7 {
			out[i].Status, out[i].APICode = 404, "NotFound"
		}
	}
	return out
}

// Evil is text a hostile gateway could send: colours, screen clears,
// cursor moves, a window title (OSC), a hyperlink, 8-bit CSI, NUL, BEL,
// backspace, carriage return, DEL, bidi overrides, a line separator and
// broken UTF-8.
const Evil = "\x1b[31;1mHOSTILE\x1b[0m\x1b[2J\x1b[H\x1b]0;pwned\x07\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\" +
	"\x9b6n\x00\x07\x08\rOVER\x7f\u202eesrever\u202c\u2028\xff\xfe\x1bP+q\x1b\\\u009b1m"

// HostileRecord carries Evil in every field that came from the network,
// with a 10 MB body.
func HostileRecord(id uint64) model.Record {
	big := strings.Repeat(Evil+"\n", 10<<20/(len(Evil)+1))
	return model.Record{
		ID: id, Start: T0, Duration: time.Millisecond, Gateway: "https://gw" + Evil, APIVersion: "2020-04-30" + Evil,
		Operation: "Op" + Evil, Method: "GET" + Evil, Path: "/2020-04-30/things/" + Evil, ProductKey: "pk" + Evil,
		DeviceName: "dev" + Evil, Status: 400, APICode: "Code" + Evil, APIMessage: "msg" + Evil,
		RequestHeaders:  []model.Header{{Name: "X" + Evil, Value: Evil}},
		ResponseHeaders: []model.Header{{Name: "Content-Type", Value: "application/json" + Evil}},
		ResponseBody:    model.Body{ContentType: Evil, Preview: big, Size: int64(len(big)), Truncated: true},
		RequestBody:     model.Body{Preview: `{"a":"` + Evil + `"}`, Size: 10},
		Action:          model.Action{Kind: model.ActionKind("x" + Evil), Detail: Evil},
	}
}

// NetHostile is HostileRecord as a transport error.
func NetHostile(id uint64) model.Record {
	r := HostileRecord(id)
	r.Status = 0
	r.Err = &model.TransportError{Kind: model.ErrKind("k" + Evil), Text: Evil}
	return r
}

// OpenPTY opens a pseudo-terminal pair, or skips the test where there is
// none; both ends are closed when the test ends.
func OpenPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skip("no pseudo-terminals here:", err)
	}
	if err := unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		m.Close()
		t.Skip("unlockpt:", err)
	}
	n, err := unix.IoctlGetUint32(int(m.Fd()), unix.TIOCGPTN)
	if err != nil {
		m.Close()
		t.Skip("ptsname:", err)
	}
	s, err := os.OpenFile("/dev/pts/"+strconv.FormatUint(uint64(n), 10), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		m.Close()
		t.Skip("open pts:", err)
	}
	t.Cleanup(func() { s.Close(); m.Close() })
	return m, s
}
