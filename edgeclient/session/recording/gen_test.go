package recording

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"edgetop/model"
)

// genRecords makes n varied, realistic records: the operations of a demo
// session, headers in wire order, JSON body previews of a few hundred bytes,
// retries, redirects, transport errors, and text outside ASCII. The same
// seed gives the same records.
func genRecords(n int, seed uint64) []model.Record {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	start := time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC)
	recs := make([]model.Record, n)
	at := start
	for i := range recs {
		at = at.Add(time.Duration(rng.IntN(20_000)) * time.Microsecond)
		recs[i] = genRecord(rng, uint64(i+1), at)
	}
	return recs
}

var (
	genOps = []struct{ op, method, path string }{
		{"ListThings", "GET", "/2020-04-30/things?pageSize=50&pageNo=1"},
		{"GetThingProperties", "GET", "/2020-04-30/things/%s/%s/properties"},
		{"SetThingProperties", "POST", "/2020-04-30/things/%s/%s/properties"},
		{"CallThingService", "POST", "/2020-04-30/things/%s/%s/services/reboot"},
		{"GetTSL", "GET", "/2020-04-30/things/%s/%s/tsl"},
		{"CreateAuthCookie", "POST", "/2020-04-30/auth"},
		{"BulkActions.Watch", "POST", "/2020-04-30/bulk/watch"},
	}
	genDevices = []string{"sensor-01", "sensor-17", "valve-3", "温度计-2", "meter_A7", "pump\u200b-9"}
	genStatus  = []int{200, 200, 200, 200, 200, 200, 200, 302, 400, 401, 404, 421, 500, 503}
)

func genRecord(rng *rand.Rand, id uint64, at time.Time) model.Record {
	o := genOps[rng.IntN(len(genOps))]
	pk, dn := "a1B2c3D4e5", genDevices[rng.IntN(len(genDevices))]
	path := o.path
	if strings.Contains(path, "%s") {
		path = fmt.Sprintf(path, pk, dn)
	} else {
		pk, dn = "", ""
	}
	r := model.Record{
		ID: id, Start: at, Duration: time.Duration(500+rng.IntN(80_000)) * time.Microsecond,
		Gateway: "https://127.0.0.1:9999", APIVersion: "2020-04-30", Operation: o.op, Method: o.method,
		Path: path, ProductKey: pk, DeviceName: dn, Status: genStatus[rng.IntN(len(genStatus))], Attempt: 1,
		RequestHeaders: []model.Header{
			{Name: "User-Agent", Value: "edgetop/0.1.0-dev"},
			{Name: "Accept", Value: "application/json"},
			{Name: "Cookie", Value: "token=8f******"},
		},
		ResponseHeaders: []model.Header{
			{Name: "Server", Value: "openresty/1.13.6.2"},
			{Name: "Date", Value: at.Format(time.RFC1123)},
			{Name: "Content-Type", Value: "application/json;charset=UTF-8"},
			{Name: "Content-Length", Value: fmt.Sprint(200 + rng.IntN(400))},
			{Name: "Connection", Value: "keep-alive"},
		},
	}
	if o.method == "POST" {
		r.RequestHeaders = append(r.RequestHeaders, model.Header{Name: "Content-Type", Value: "application/json"})
		body := fmt.Sprintf(`{"params":{"temperature":%d.%d,"switch":%d,"name":"%s"}}`, rng.IntN(40), rng.IntN(10), rng.IntN(2), dn)
		r.RequestBody = model.Body{ContentType: "application/json", Preview: body, Size: int64(len(body))}
		r.BytesOut = int64(len(body))
	}
	r.ResponseBody = genBody(rng, r.Status, pk, dn)
	r.BytesIn = r.ResponseBody.Size
	switch {
	case r.Status >= 400:
		r.APICode, r.APIMessage = "InvalidParameter", "the parameter \"pageSize\" is invalid"
		if rng.IntN(3) == 0 {
			r.Attempt, r.Parent, r.Link = 2, id-1, model.LinkRetry
			r.Action = model.Action{Kind: model.ActionBackoff, Delay: 2 * time.Second, Detail: "retried after Retry-After: 2"}
		}
	case r.Status == 302:
		r.ResponseHeaders = append(r.ResponseHeaders, model.Header{Name: "Location", Value: "https://127.0.0.1:9999" + path})
		r.Action = model.Action{Kind: model.ActionRedirect, Detail: "followed the redirect"}
	}
	if rng.IntN(40) == 0 {
		r.Status = 0
		r.Err = &model.TransportError{Kind: model.ErrReset, Text: "read tcp 127.0.0.1:51234->127.0.0.1:9999: connection reset by peer"}
		r.ResponseHeaders, r.ResponseBody = nil, model.Body{Size: -1}
	}
	return r
}

func genBody(rng *rand.Rand, status int, pk, dn string) model.Body {
	var b strings.Builder
	fmt.Fprintf(&b, `{"code":%d,"message":"%s","data":{`, status, map[bool]string{true: "success", false: "error"}[status < 400])
	for i, n := 0, 2+rng.IntN(8); i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"prop%d":{"value":%d,"time":%d,"unit":"°C\t"}`, i, rng.IntN(100000), 1764581400000+rng.IntN(1e6))
	}
	fmt.Fprintf(&b, `,"productKey":"%s","deviceName":"%s"}}`, pk, dn)
	s := b.String()
	body := model.Body{ContentType: "application/json;charset=UTF-8", Preview: s, Size: int64(len(s))}
	if rng.IntN(10) == 0 {
		body.Preview += "\x1b[2J\u202e\u0085"
		body.Size += 4096
		body.Truncated = true
	}
	return body
}
