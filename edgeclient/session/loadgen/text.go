package loadgen

import (
	"time"
	"unicode/utf8"

	"edgetop/model"
)

// The bodies written per record: the API's error body and its Message,
// the success bodies (with fresh property values and Timestamp), the
// previews of the large ones, and JSON numbers.

// errorBody writes the API's error body ({"Code","Message"}; 2019-09-30's
// Code is the status) and the record's APICode and APIMessage.
func (g *Gen) errorBody(c *call, v, status int) {
	d := &g.d
	if c.out == outThrottled { // OpenResty's own page: no API Code
		d.respBody = g.put(throttledPage)
		d.respSize = int64(len(throttledPage))
		return
	}
	lo := g.mark()
	if v == 1 {
		g.num(int64(status))
	} else {
		g.b = append(g.b, outcomeStatus[c.out].code...)
	}
	d.code = g.since(lo)
	lo = g.mark()
	g.message(c, v)
	d.msg = g.since(lo)
	lo = g.mark()
	g.b = append(g.b, `{"Code":`...)
	if v == 1 {
		g.b = append(g.b, g.b[d.code.lo:d.code.hi]...)
	} else {
		g.b = append(g.b, '"')
		g.b = append(g.b, g.b[d.code.lo:d.code.hi]...)
		g.b = append(g.b, '"')
	}
	g.b = append(g.b, `,"Message":"`...)
	g.b = append(g.b, g.b[d.msg.lo:d.msg.hi]...)
	g.b = append(g.b, `"}`...)
	d.respBody = g.since(lo)
	d.respSize = int64(d.respBody.hi - d.respBody.lo)
}

// fixedMessages are the Messages that name nothing of the call.
var fixedMessages = [numOutcomes]string{
	outUnauthorized: "auth cookie invalid or expired: call CreateAuthCookie again",
	outTooMany:      "too many connections from 192.168.10.5",
	outSendReply:    "sending to the device access service failed: no reply in time",
	outConnLost:     "the connection to the data center was lost",
	outDataGet:      "the data center could not be read",
	outInternal:     "unexpected error in the edge API: see the gateway log",
	outUnavailable:  "the gateway is under maintenance",
}

// message writes the API Message of an error, worded as the simulator
// words it where it has the case.
func (g *Gen) message(c *call, v int) {
	b := g.b
	switch c.out {
	case outFound:
		b = append(append(b, "moved temporarily to "...), g.b[g.d.loc.lo:g.d.loc.hi]...)
	case outInvalid:
		g.invalidMessage(c)
		return
	case outMissing:
		s := &devices[c.dev].prod.services[c.svc]
		b = append(append(append(append(b, "Args."...), s.arg.id...), " is required by "...), s.name...)
	case outForbidden:
		b = append(append(b, "user viewer has no permission for "...), opNames[c.op]...)
	case outNotFound:
		b = append(append(append(b, "device "...), ghosts[c.ghost]...), " of product "...)
		b = append(append(b, devices[c.dev].prod.key...), " not found"...)
	case outMethod:
		b = append(append(append(b, "DELETE is not allowed on /"...), versions[v]...), "/things"...)
	case outNotExist:
		dv := &devices[c.dev]
		state := "inactivated"
		if dv.status == "Offline" {
			state = "offline"
		}
		b = append(append(append(b, "device "...), dv.name...), " is not connected ("...)
		b = append(append(b, state...), "): its driver service does not exist"...)
	case outFailedReply:
		if devices[c.dev].faulty {
			b = append(b, "device replied code 9201: lamp driver fault"...)
		} else {
			b = append(b, "device replied code 9203: sensor busy, try again later"...)
		}
	default:
		b = append(b, fixedMessages[c.out]...)
	}
	g.b = b
}

// invalidMessage is a 400 InvalidParameter's Message: an unknown
// identifier read, or a value out of the property's range.
func (g *Gen) invalidMessage(c *call) {
	if c.op == opGet {
		g.b = append(g.b, "unknown property identifier NoSuchProperty"...)
		g.b = append(g.b, byte('1'+c.svc%9))
		return
	}
	p := &devices[c.dev].prod.props[c.ident]
	g.b = append(append(append(g.b, "property "...), p.id...), ": "...)
	g.writeNum(g.d.setVal, p.dec)
	g.b = append(g.b, " is out of range ["...)
	g.writeNum(p.lo, p.dec)
	g.b = append(g.b, ", "...)
	g.writeNum(p.hi, p.dec)
	g.b = append(g.b, ']')
}

// okBody writes a success body. 2019-09-30 wraps Data in Code and Message.
func (g *Gen) okBody(c *call, v int, start time.Time) {
	d := &g.d
	switch c.op {
	case opList:
		g.bigBody(g.list[v], int64(len(g.list[v])))
		return
	case opTSL:
		g.bigBody(g.tsl[productIndex(devices[c.dev].prod)], -1)
		return
	case opWatch:
		g.bigBody(g.watchResp, 20_000+g.rng.Int64N(400_000))
		return
	case opAuth:
		if v == 1 {
			d.respBody = g.put(`{"Code":201,"Message":"success"}`)
			d.respSize = int64(d.respBody.hi - d.respBody.lo)
		}
		return
	}
	lo := g.mark()
	if v == 1 {
		g.b = append(g.b, `{"Code":200,"Message":"success","Data":`...)
	} else {
		g.b = append(g.b, `{"Data":`...)
	}
	switch p := devices[c.dev].prod; c.op {
	case opSet:
		g.b = append(g.b, `{"Data":[]`...)
	case opCall:
		g.services(&p.services[c.svc], v)
	default:
		g.b = append(g.b, `{"Properties":{`...)
		if c.ident >= 0 {
			g.prop(&p.props[c.ident])
		} else {
			for i, pi := range p.sorted {
				if i > 0 {
					g.b = append(g.b, ',')
				}
				g.prop(&p.props[pi])
			}
		}
		g.b = append(g.b, '}')
	}
	g.b = append(g.b, `,"Timestamp":`...)
	g.num(start.UnixMilli())
	g.b = append(g.b, "}}"...)
	d.respBody = g.since(lo)
	d.respSize = int64(d.respBody.hi - d.respBody.lo)
}

// services writes CallThingServices' Services: the one call's Returns
// (2019-09-30 adds its Message).
func (g *Gen) services(s *service, v int) {
	g.b = append(append(g.b, `{"Services":[{"Name":"`...), s.name...)
	g.b = append(g.b, `","Returns":{`...)
	if v == 1 {
		g.b = append(g.b, `"Message":"success",`...)
	}
	g.b = append(g.b, `"Data":`...)
	if s.out == nil {
		g.b = append(g.b, "[]"...)
	} else {
		g.b = append(append(append(g.b, `{"`...), s.out.id...), `":`...)
		g.value(s.out)
		g.b = append(g.b, '}')
	}
	g.b = append(g.b, "}}]"...)
}

// bigBody writes a preview of body, cut at BodyPreviewMax on a rune
// boundary; size is the whole body's (-1: len(body)).
func (g *Gen) bigBody(body string, size int64) {
	d := &g.d
	if size < 0 {
		size = int64(len(body))
	}
	p := body
	if len(p) > model.BodyPreviewMax {
		n := model.BodyPreviewMax
		for n > 0 && !utf8.RuneStart(p[n]) {
			n--
		}
		p = p[:n]
	}
	d.respBody, d.respSize, d.truncated = g.put(p), size, int64(len(p)) < size
}

// prop writes "id":value.
func (g *Gen) prop(p *prop) {
	g.b = append(g.b, '"')
	g.b = append(g.b, p.id...)
	g.b = append(g.b, `":`...)
	g.value(p)
}

// value writes a fresh value of p.
func (g *Gen) value(p *prop) {
	switch p.kind {
	case propText:
		g.b = append(g.b, '"')
		g.b = append(g.b, p.texts[g.rng.IntN(len(p.texts))]...)
		g.b = append(g.b, '"')
	default:
		g.writeNum(p.lo+g.rng.Int64N(p.hi-p.lo+1), p.dec)
	}
}

// writeNum writes v·10^-dec as encoding/json writes the float: no
// trailing zeros, no point for a whole number.
func (g *Gen) writeNum(v int64, dec int) {
	if v < 0 {
		g.b = append(g.b, '-')
		v = -v
	}
	g.num(v / pow10[dec])
	frac := v % pow10[dec]
	if frac == 0 {
		return
	}
	for frac%10 == 0 {
		frac /= 10
		dec--
	}
	g.b = append(g.b, '.')
	for p := pow10[dec-1]; p > frac; p /= 10 {
		g.b = append(g.b, '0')
	}
	g.num(frac)
}
