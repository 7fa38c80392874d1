package loadgen

import (
	"strconv"
	"time"

	"edgetop/model"
)

// span is where a field's text is in the record's scratch.
type span struct{ lo, hi int32 }

func (s span) in(text string) string { return text[s.lo:s.hi] }

// hspan is one header's name and value.
type hspan struct{ name, value span }

// draft is a record's text fields while the record is written, as spans
// of the scratch that becomes the record's one string.
type draft struct {
	gateway, version, op, method, path, pk, dn span
	code, msg, errText, detail, loc            span
	reqType, reqBody, respType, respBody       span
	req                                        [5]hspan
	resp                                       [9]hspan
	nreq, nresp                                int
	reqSize, respSize                          int64
	truncated                                  bool
	retryAfter                                 int   // seconds; 0 for none
	setVal                                     int64 // the value a SetThingProperties sends
}

var (
	gateways = [2]string{gateway2020, gateway2019}
	versions = [2]string{version2020, version2019}
	pow10    = [...]int64{1, 10, 100, 1000}
)

// httpDate is the Date header's layout (net/http's TimeFormat).
const httpDate = "Mon, 02 Jan 2006 15:04:05 GMT"

func (g *Gen) mark() int32         { return int32(len(g.b)) }
func (g *Gen) since(lo int32) span { return span{lo, int32(len(g.b))} }
func (g *Gen) put(s string) span   { lo := g.mark(); g.b = append(g.b, s...); return g.since(lo) }
func (g *Gen) num(v int64)         { g.b = strconv.AppendInt(g.b, v, 10) }
func (g *Gen) copyOf(s span) span {
	lo := g.mark()
	g.b = append(g.b, g.b[s.lo:s.hi]...)
	return g.since(lo)
}
func (g *Gen) reqHeader(n string, v span) { g.d.req[g.d.nreq] = hspan{g.put(n), v}; g.d.nreq++ }
func (g *Gen) respHeader(n string, v span) {
	g.d.resp[g.d.nresp] = hspan{g.put(n), v}
	g.d.nresp++
}

// build writes call c as the record r.
func (g *Gen) build(r *model.Record, c *call) {
	g.b = g.b[:0]
	g.d = draft{}
	d := &g.d
	id, start, v := g.id, g.start(), 0
	if c.v19 {
		v = 1
	}
	d.gateway, d.version = g.put(gateways[v]), g.put(versions[v])
	d.op, d.method = g.put(opNames[c.op]), g.put(opMethods[c.op])
	lo := g.mark()
	g.writePath(c, v, c.legacy)
	d.path = g.since(lo)
	if c.dev >= 0 && c.op != opList && c.op != opWatch && c.op != opDelete {
		d.pk = g.put(devices[c.dev].prod.key)
		if c.op != opTSL {
			d.dn = g.put(g.devName(c))
		}
	}
	g.request(c, v)
	status := outcomeStatus[c.out].status
	if c.op == opAuth && status == 200 {
		status = 201
	}
	var te *model.TransportError
	if e := transportErrors[c.out]; e.kind != "" {
		status, d.errText = 0, g.put(e.text)
	} else {
		g.response(c, v, status, start)
	}
	kind, delay, retry := g.action(c)
	dur := g.durationOf(c)
	text := string(g.b)
	if status == 0 {
		te = &model.TransportError{Kind: transportErrors[c.out].kind, Text: d.errText.in(text)}
	}
	*r = model.Record{
		ID: id, Start: start, Duration: dur,
		Gateway: d.gateway.in(text), APIVersion: d.version.in(text), Operation: d.op.in(text), Method: d.method.in(text),
		Path: d.path.in(text), ProductKey: d.pk.in(text), DeviceName: d.dn.in(text),
		Status: status, APICode: d.code.in(text), APIMessage: d.msg.in(text), Err: te,
		BytesOut: d.reqSize, BytesIn: d.respSize, Attempt: c.attempt, Parent: c.parent, Link: c.link,
		RequestHeaders:  headers(text, d.req[:d.nreq]),
		ResponseHeaders: headers(text, d.resp[:d.nresp]),
		RequestBody:     model.Body{ContentType: d.reqType.in(text), Preview: d.reqBody.in(text), Size: d.reqSize},
		ResponseBody: model.Body{
			ContentType: d.respType.in(text), Preview: d.respBody.in(text), Size: d.respSize, Truncated: d.truncated,
		},
		Action: model.Action{Kind: kind, Delay: delay, Detail: d.detail.in(text)},
	}
	g.follow(c, id, retry)
}

// headers is a freshly allocated header slice (nil for none).
func headers(text string, hs []hspan) []model.Header {
	if len(hs) == 0 {
		return nil
	}
	out := make([]model.Header, len(hs))
	for i, h := range hs {
		out[i] = model.Header{Name: h.name.in(text), Value: h.value.in(text)}
	}
	return out
}

func (g *Gen) devName(c *call) string {
	if c.out == outNotFound {
		return ghosts[c.ghost]
	}
	return devices[c.dev].name
}

// writePath writes the request path (legacy: the singular form that
// redirects).
func (g *Gen) writePath(c *call, v int, legacy bool) {
	g.b = append(g.b, '/')
	g.b = append(g.b, versions[v]...)
	switch c.op {
	case opList, opDelete:
		g.b = append(g.b, "/things"...)
		return
	case opAuth:
		g.b = append(g.b, "/auth/cookies"...)
		return
	case opWatch:
		g.b = append(g.b, "/things/bulk"...)
		return
	case opTSL:
		g.b = append(g.b, "/tsls/"...)
		g.b = append(g.b, devices[c.dev].prod.key...)
		return
	}
	if legacy {
		g.b = append(g.b, "/thing/"...)
	} else {
		g.b = append(g.b, "/things/"...)
	}
	g.b = append(g.b, devices[c.dev].prod.key...)
	g.b = append(g.b, '/')
	g.b = append(g.b, g.devName(c)...)
	switch c.op {
	case opSet:
		g.b = append(g.b, "/properties"...)
	case opCall:
		g.b = append(g.b, "/services"...)
	default:
		g.b = append(g.b, "/properties?"...)
		switch p := devices[c.dev].prod; {
		case c.bad:
			g.b = append(g.b, "identifiers=NoSuchProperty"...)
			g.b = append(g.b, byte('1'+c.svc%9))
		case c.ident < 0:
			g.b = append(g.b, p.query...)
		default:
			g.b = append(g.b, "identifiers="...)
			g.b = append(g.b, p.props[c.ident].id...)
		}
	}
}

// request writes the request's headers and body.
func (g *Gen) request(c *call, v int) {
	d := &g.d
	g.reqHeader("User-Agent", g.put(userAgent))
	g.reqHeader("Accept", g.put(jsonType))
	lo := g.mark()
	switch c.op {
	case opSet:
		p := &devices[c.dev].prod.props[c.ident]
		g.b = append(g.b, `{"Properties":{"`...)
		g.b = append(g.b, p.id...)
		g.b = append(g.b, `":`...)
		if c.bad {
			d.setVal = p.hi + 1 + g.rng.Int64N(p.hi/2+40)
			g.writeNum(d.setVal, p.dec)
		} else {
			g.value(p)
		}
		g.b = append(g.b, "}}"...)
	case opCall:
		s := &devices[c.dev].prod.services[c.svc]
		g.b = append(g.b, `{"Services":[{"Name":"`...)
		g.b = append(g.b, s.name...)
		g.b = append(g.b, '"')
		if s.arg != nil && !c.bad {
			g.b = append(g.b, `,"Args":{"`...)
			g.b = append(g.b, s.arg.id...)
			g.b = append(g.b, `":`...)
			g.value(s.arg)
			g.b = append(g.b, '}')
		}
		g.b = append(g.b, "}]}"...)
	case opWatch:
		g.b = append(g.b, g.watchReq...)
	}
	if body := g.since(lo); body.hi > body.lo {
		d.reqBody, d.reqSize = body, int64(body.hi-body.lo)
		d.reqType = g.put(jsonType)
		g.reqHeader("Content-Type", g.put(jsonType))
	}
	if c.op == opAuth {
		g.reqHeader("Authorization", g.put("Basic "+masked))
		return
	}
	lo = g.mark()
	g.b = append(g.b, "token="...)
	g.b = append(g.b, g.tokens[v][:]...)
	g.b = append(g.b, masked...)
	g.reqHeader("Cookie", g.since(lo))
}

// response writes the gateway's headers (in the order the client records
// them: sorted), the body, the API Code and Message.
func (g *Gen) response(c *call, v, status int, start time.Time) {
	d := &g.d
	switch c.out {
	case outTooMany, outThrottled:
		d.retryAfter = 1
	case outUnavailable:
		d.retryAfter = 1 << g.rng.IntN(3)
	}
	ctype := jsonUTF8
	switch {
	case c.out == outThrottled:
		ctype = "text/html"
	case c.op == opWatch:
		ctype = "text/plain"
	}
	if c.out == outMethod {
		g.respHeader("Allow", g.put("GET"))
	}
	if c.out != outTooMany { // the gateway closes the connection it refused
		g.respHeader("Connection", g.put("keep-alive"))
	}
	g.respHeader("Content-Type", g.put(ctype))
	d.respType = g.put(ctype)
	lo := g.mark()
	g.b = append(g.b, g.httpDate(start)...)
	g.respHeader("Date", g.since(lo))
	if c.out == outFound {
		lo = g.mark()
		g.writePath(c, v, false)
		d.loc = g.since(lo)
		g.respHeader("Location", g.copyOf(d.loc))
	}
	if d.retryAfter > 0 {
		lo = g.mark()
		g.num(int64(d.retryAfter))
		g.respHeader("Retry-After", g.since(lo))
	}
	g.respHeader("Server", g.put(serverName))
	if c.op == opAuth && status == 201 {
		g.newToken(v)
		lo = g.mark()
		g.b = append(g.b, "token="...)
		g.b = append(g.b, g.tokens[v][:]...)
		g.b = append(g.b, masked+"; Max-Age=3600; Path=/"...)
		g.respHeader("Set-Cookie", g.since(lo))
	}
	if status >= 300 {
		g.errorBody(c, v, status)
		return
	}
	g.okBody(c, v, start)
}

// httpDate is start's Date header, formatted once a second.
func (g *Gen) httpDate(start time.Time) []byte {
	if s := start.Unix(); s != g.dateSec {
		g.dateSec = s
		g.date = start.UTC().AppendFormat(g.date[:0], httpDate)
	}
	return g.date
}

// action is what the client did about the exchange, its Detail written;
// retry says a retry follows.
func (g *Gen) action(c *call) (kind model.ActionKind, delay time.Duration, retry bool) {
	d := &g.d
	switch {
	case c.out == outFound:
		lo := g.mark()
		g.b = append(append(g.b, "to "...), g.b[d.loc.lo:d.loc.hi]...)
		d.detail = g.since(lo)
		return model.ActionRedirect, 0, false
	case c.out == outUnauthorized:
		d.detail = g.put("the gateway rejected the cookie")
		return model.ActionRenewed, 0, false
	case c.op == opWatch && c.out == outOK:
		d.detail = g.put("stream closed by the client")
		return model.ActionNone, 0, false
	}
	m := maxAttempts(c)
	if m == 0 {
		if outcomeStatus[c.out].status == 500 {
			d.detail = g.put("not retried: the call changes state")
		}
		return model.ActionNone, 0, false
	}
	lo := g.mark()
	switch c.out {
	case outTooMany, outUnavailable:
		g.num(int64(outcomeStatus[c.out].status))
	case outTimeout, outReset:
		g.b = append(g.b, transportErrors[c.out].kind...)
	default:
		g.b = append(g.b, "500 on a read"...)
	}
	if c.attempt >= m {
		g.b = append(g.b, ", after "...)
		g.num(int64(c.attempt))
		g.b = append(g.b, " attempts"...)
		d.detail = g.since(lo)
		return model.ActionGaveUp, 0, false
	}
	delay = 50*time.Millisecond + time.Duration(g.rng.Int64N(int64(100*time.Millisecond)<<(c.attempt-1)))
	if d.retryAfter > 0 {
		delay = time.Duration(d.retryAfter) * time.Second
		g.b = append(g.b, ", Retry-After: "...)
		g.num(int64(d.retryAfter))
	}
	if c.out == outTooMany {
		g.b = append(g.b, ", concurrency lowered to "...)
		g.num(int64(max(4>>c.attempt, 1)))
	}
	d.detail = g.since(lo)
	return model.ActionBackoff, delay, true
}

// medians are the operations' typical durations, ns.
var medians = [...]float64{opGet: 1.2e6, opSet: 2.5e6, opCall: 6e6, opList: 2.5e6, opTSL: 2e6, opAuth: 3e6, opDelete: 6e5}

func (g *Gen) durationOf(c *call) time.Duration {
	switch {
	case c.out == outTimeout:
		return clientTimeout
	case c.op == opWatch:
		return 30*time.Second + time.Duration(g.rng.Int64N(int64(10*time.Minute)))
	}
	m := medians[c.op]
	switch st := outcomeStatus[c.out].status; {
	case c.out == outSendReply:
		m *= 40 // the gateway waited for the device
	case st == 503 || st == 421 || st == 429:
		m *= 0.3 // refused before any work
	case st >= 400 && st < 500:
		m *= 0.5
	}
	return g.duration(m)
}

func productIndex(p *product) int {
	for i, q := range products {
		if q == p {
			return i
		}
	}
	return 0
}
