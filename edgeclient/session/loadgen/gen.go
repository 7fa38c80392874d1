package loadgen

import (
	"math"
	"math/rand/v2"
	"time"

	"edgetop/model"
)

// base is the first record's Start when no clock is set; records follow
// it every step.
var base = time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC)

const step = 50 * time.Microsecond

// Gen makes varied, realistic records; deterministic for a seed. Not safe for concurrent use.
type Gen struct {
	rng   *rand.Rand
	id    uint64
	clock func() time.Time
	// tokens are the visible halves of the two gateways' cookies (the
	// rest is masked); a CreateAuthCookie changes its gateway's.
	tokens [2][8]byte
	// queue holds the follow-ups (a redirect's hop, a renewal, a retry)
	// not yet due, in due order, from qh on.
	queue   []followUp
	qh      int
	lastDue uint64
	// b is the scratch the next record's text is written into before it
	// becomes that record's one string; d says where each field is in it.
	b []byte
	d draft
	// dateSec and date cache the Date header of the current second.
	dateSec int64
	date    []byte
	// The large bodies, made once: ListThings per version, GetTSL per
	// product, the Watch stream's request and its first lines.
	list      [2]string
	tsl       []string
	watchReq  string
	watchResp string
}

// call is one exchange to make: what is asked and how it will be answered.
type call struct {
	op      op
	out     outcome
	v19     bool // the 2019-09-30 gateway
	dev     int  // index in devices; -1 for none
	ghost   int  // index in ghosts: the device is gone (404)
	ident   int  // GET: -1 for every property, else one; SET: the property
	svc     int  // CALL: the service
	bad     bool // GET: an unknown identifier; SET: a value out of range; CALL: no Args
	legacy  bool // GET: the old singular path, which redirects
	attempt int
	parent  uint64
	link    model.Link
}

// followUp is a call the client makes because of an earlier record.
type followUp struct {
	due uint64 // the first ID it may take
	c   call
}

// New returns a generator whose records depend only on seed.
func New(seed uint64) *Gen {
	g := &Gen{
		rng:     rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		b:       make([]byte, 0, 8192),
		dateSec: math.MinInt64,
		date:    make([]byte, 0, 32),
	}
	for i := range g.tokens {
		g.newToken(i)
	}
	g.list = [2]string{listBody(false), listBody(true)}
	for _, p := range products {
		g.tsl = append(g.tsl, tslBody(p))
	}
	g.watchReq, g.watchResp = watchBodies()
	return g
}

// SetClock makes every record's Start now() instead of a fixed base time
// plus 50 µs per record (Feed sets time.Now, so that a live dashboard's
// rates and sparklines see the records as they arrive).
func (g *Gen) SetClock(now func() time.Time) { g.clock = now }

// Fill overwrites batch with the next len(batch) records: IDs 1,2,3… across calls, Start increasing (50µs apart from a fixed base time unless SetClock), every record with its own freshly allocated strings and header slices (never shared between records, so memory measurements are honest).
func (g *Gen) Fill(batch []model.Record) {
	for i := range batch {
		g.id++
		c := g.nextCall()
		g.build(&batch[i], &c)
	}
}

// Records returns the first n records of seed.
func Records(seed uint64, n int) []model.Record {
	rs := make([]model.Record, n)
	New(seed).Fill(rs)
	return rs
}

func (g *Gen) start() time.Time {
	if g.clock != nil {
		return g.clock()
	}
	return base.Add(time.Duration(g.id-1) * step)
}

// nextCall is the follow-up now due, else a fresh call.
func (g *Gen) nextCall() call {
	if g.qh < len(g.queue) && g.queue[g.qh].due <= g.id {
		c := g.queue[g.qh].c
		g.qh++
		if g.qh == len(g.queue) {
			g.queue, g.qh = g.queue[:0], 0
		}
		return c
	}
	return g.fresh()
}

// push queues a follow-up gap records from now (1: the next record).
func (g *Gen) push(c call, gap int) {
	due := max(g.lastDue, g.id+uint64(gap))
	g.lastDue = due
	g.queue = append(g.queue, followUp{due: due, c: c})
}

// outcomeTable maps a draw in [0, 10,000) to its outcome.
var outcomeTable = func() (t [10_000]outcome) {
	i := 0
	for o, w := range outcomeWeights {
		for range w {
			t[i] = outcome(o)
			i++
		}
	}
	if i != len(t) {
		panic("loadgen: outcome weights do not add up to 10,000")
	}
	return t
}()

// Device lists by role, made once.
var online, callable = func() (on, calls []int) {
	for i, d := range devices {
		if d.status == "Online" {
			on = append(on, i)
			if !d.faulty {
				calls = append(calls, i)
			}
		}
	}
	return on, calls
}()

// fresh draws a new call and its outcome.
func (g *Gen) fresh() call {
	c := call{out: outcomeTable[g.rng.IntN(len(outcomeTable))], dev: -1, ident: -1, attempt: 1}
	c.v19 = g.rng.IntN(100) < 3
	r := g.rng.IntN(100)
	switch c.out {
	case outOK:
		g.okCall(&c)
	case outFound:
		c.op, c.legacy = opGet, true
		c.dev = g.pick(online)
		c.ident = g.rng.IntN(len(devices[c.dev].prod.props))
	case outInvalid:
		c.bad = true
		if r < 60 {
			c.op, c.dev, c.svc = opGet, g.pick(online), g.rng.IntN(9) // svc: the bad name's digit
			break
		}
		for g.setCall(&c); devices[c.dev].prod.props[c.ident].kind == propText; {
			g.setCall(&c) // a number out of range
		}
	case outMissing:
		c.op, c.bad = opCall, true
		for c.svc = -1; c.svc < 0; { // a service that takes Args
			c.dev = g.pick(callable)
			c.svc = argService(devices[c.dev].prod)
		}
	case outForbidden:
		if r < 50 {
			g.setCall(&c)
		} else {
			g.serviceCall(&c)
		}
	case outNotFound:
		c.op, c.dev, c.ghost = opGet, g.rng.IntN(len(devices)), g.rng.IntN(len(ghosts))
		if r < 25 {
			g.setCall(&c) // the product's key, a gone device's name
		}
	case outMethod:
		c.op = opDelete
	case outTooMany, outThrottled:
		c.op, c.dev = opGet, g.pick(online)
	default:
		g.failingCall(&c, r)
	}
	if c.v19 && (c.op == opTSL || c.out == outFound) {
		c.v19 = false // 2020-04-30 only
	}
	return c
}

// failingCall picks the call a 5xx, a 401, a 421, a 503 or a transport
// error answers: a call to an offline device, a failing service, or any
// call (r is the caller's draw in [0, 100)).
func (g *Gen) failingCall(c *call, r int) {
	switch c.out {
	case outNotExist:
		g.anyCall(c, r)
		c.dev = g.pick(offline)
		c.svc = 0
		if c.op == opSet {
			c.dev = 9 // the offline sensor; the inactive door has nothing to set
			c.ident = len(sensorProps) - 1
		}
	case outFailedReply:
		g.serviceCall(c)
		c.dev, c.svc = 3, g.rng.IntN(2) // the faulty lamp
		if r < 50 {
			c.dev, c.svc = 6+g.rng.IntN(3), 0 // a busy sensor's calibrate
		}
	default: // other 500s, 401, 503 and transport errors: any device call
		g.anyCall(c, r)
		if r >= 95 && c.out != outUnauthorized {
			c.op, c.dev = opList, -1
		}
	}
}

// okCall picks the operation of a call that succeeds: mostly reads.
func (g *Gen) okCall(c *call) {
	switch r := g.rng.IntN(1000); {
	case r < 800:
		c.op, c.dev = opGet, g.pick(online)
		if g.rng.IntN(100) < 15 {
			c.ident = g.rng.IntN(len(devices[c.dev].prod.props))
		}
	case r < 860:
		g.setCall(c)
	case r < 930:
		g.serviceCall(c)
	case r < 960:
		c.op = opList
	case r < 975:
		c.op, c.dev = opTSL, g.rng.IntN(len(devices))
	case r < 995:
		c.op = opAuth
	default:
		c.op = opWatch
	}
}

// anyCall is a read (70%), a write or a service call on an online device.
func (g *Gen) anyCall(c *call, r int) {
	switch {
	case r < 70:
		c.op, c.dev = opGet, g.pick(online)
	case r < 85:
		g.setCall(c)
	default:
		g.serviceCall(c)
	}
}

func (g *Gen) setCall(c *call) {
	c.op, c.dev = opSet, g.pick(writable)
	props := devices[c.dev].prod.props
	for c.ident = g.rng.IntN(len(props)); !props[c.ident].rw; c.ident = g.rng.IntN(len(props)) {
	}
}

func (g *Gen) serviceCall(c *call) {
	c.op, c.dev = opCall, g.pick(callable)
	c.svc = g.rng.IntN(len(devices[c.dev].prod.services))
}

// argService is the index of a service of p that takes Args, -1 if none.
func argService(p *product) int {
	for i, s := range p.services {
		if s.arg != nil {
			return i
		}
	}
	return -1
}

func (g *Gen) pick(from []int) int { return from[g.rng.IntN(len(from))] }

// maxAttempts is the client's limit for a failed call it retries, 0 for
// one it does not (a write after a 500 or a transport error: the request
// may have arrived).
func maxAttempts(c *call) int {
	read := c.op == opGet || c.op == opList || c.op == opTSL
	switch c.out {
	case outTooMany, outUnavailable:
		return 4
	case outTimeout, outReset:
		if read {
			return 4
		}
	case outNotExist, outSendReply, outConnLost, outDataGet, outInternal:
		if read {
			return 2
		}
	}
	return 0
}

// follow queues what the client does next because of record id.
func (g *Gen) follow(c *call, id uint64, retry bool) {
	switch {
	case c.out == outFound:
		h := *c
		h.out, h.legacy, h.parent, h.link = outOK, false, id, model.LinkRedirect
		g.push(h, 1)
	case c.out == outUnauthorized:
		g.push(call{op: opAuth, v19: c.v19, dev: -1, ident: -1, attempt: 1}, 1)
		r := *c
		r.out, r.attempt, r.parent, r.link = outOK, c.attempt+1, id, model.LinkRenewal
		g.push(r, 1)
	case retry:
		r := *c
		r.attempt, r.parent, r.link = c.attempt+1, id, model.LinkRetry
		fails := 25
		if c.out == outNotExist {
			fails = 70 // the device is still offline
		}
		if g.rng.IntN(100) >= fails {
			r.out = outOK
		}
		g.push(r, 1+g.rng.IntN(24))
	}
}

// duration is a log-normal draw around median, above a quarter of a
// millisecond (the round trip), cut to 0.3–300 ms.
func (g *Gen) duration(median float64) time.Duration {
	d := 2.5e5 + median*math.Exp(0.9*g.rng.NormFloat64())
	return time.Duration(min(max(d, 3e5), 3e8))
}

const hexDigits = "0123456789abcdef"

func (g *Gen) newToken(gw int) {
	v := g.rng.Uint32()
	for i := range g.tokens[gw] {
		g.tokens[gw][i] = hexDigits[v>>(28-4*i)&0xf]
	}
}
