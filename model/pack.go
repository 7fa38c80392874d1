package model

import (
	"encoding/binary"
	"strings"
	"time"
	"unsafe"
)

// A Log holds its records packed, not as Records: a fixed, pointer-free
// slot per record (what the class filters and the list's colours read) and
// the rest as bytes in large blocks, with repeated strings interned and a
// body stored as the difference from the last body of its operation and
// device. The garbage collector has nothing to scan in either, and a record
// costs about a tenth of a Record with its headers and bodies.
//
// Log.At decodes a record into a fresh Record whose strings are copies (or
// interned strings), so a block can be reused once every record in it fell
// out; the filters decode into the log's scratch Record, whose strings point
// into the blocks and die with the match.

// slot is the fixed part of a packed record.
type slot struct {
	id     uint64
	sec    int64 // Start: Unix seconds and nanoseconds, in the zone loc
	dur    int64
	status int64
	nsec   int32
	blk    uint32 // serial of the block holding the rest
	off    uint32 // where in it
	flags  uint8
	loc    uint8 // index in the log's zones
}

// The slot flags.
const (
	flagErr       uint8 = 1 << iota // Err is set
	flagZeroStart                   // Start is the zero time
)

// blockSize is the size of a block of packed records; a record bigger than
// that gets a block of its own.
const blockSize = 64 << 10

// spareBlocks is how many emptied blocks a log keeps for reuse.
const spareBlocks = 4

// block is packed records' variable parts, one after another.
type block struct {
	serial uint32
	data   []byte
	last   uint64 // the newest sequence number stored in it
}

// String tags: a uvarint, 0 for "", odd for an interned string (its id is
// the tag's upper bits), even for inline bytes (the length likewise).
// tagHTTPDate, as a header value, is an HTTP date stored as seconds from
// the record's Start.
const tagHTTPDate = 1

// Body tags.
const (
	bodyEmpty  = 0
	bodyInline = 1
	bodyDelta  = 2 // a base's prefix, new bytes, the base's suffix
)

// httpDate is net/http's TimeFormat.
const httpDate = "Mon, 02 Jan 2006 15:04:05 GMT"

// packer holds what packing needs besides the records: interned strings,
// the body bases, the time zones, and buffers.
type packer struct {
	tab   interner
	bases map[baseKey]baseRef
	zones []*time.Location
	buf   []byte
	seen  [4096]uint64 // hashes of strings seen once (intern on the second)
	// last is the interned string last stored at each position of a
	// record: consecutive records mostly repeat them (the gateway, the
	// method, header names and values), and a comparison is cheaper than
	// the table's lookup.
	last [nPos]baseRef
	// id is the interned id str last stored (0: inline).
	id uint16
	// date is the last Date header that read back, and its time: it
	// changes once a second.
	date     string
	dateUnix int64
}

// The positions of a record's strings, for packer.last; a header list has
// maxPosHeaders positions for names and as many for values.
const (
	posGateway = iota
	posVersion
	posOp
	posMethod
	posPath
	posPK
	posDN
	posCode
	posMsg
	posErrKind
	posErrText
	posLink
	posAction
	posDetail
	posReqType
	posRespType
	posReqHeaders
	posRespHeaders = posReqHeaders + 2*maxPosHeaders
	nPos           = posRespHeaders + 2*maxPosHeaders
	maxPosHeaders  = 8
)

// baseKey is what a body is compared with: the last body of the same
// operation, device and direction, by their interned ids (an id reused
// for another string after a sweep only makes a poorer base, never a wrong
// body: the difference is exact whatever the base).
type baseKey uint64

// noBase is the key of a record whose operation or device is not
// interned: its bodies are stored whole.
const noBase baseKey = 1 << 63

// baseRef is a body interned as a base; s is checked on use, since the id
// is reused once no record held refers to it.
type baseRef struct {
	id uint16
	s  string
}

// maxBaseKeys bounds the body bases tracked (operations × devices).
const maxBaseKeys = 4096

func newPacker() *packer {
	return &packer{tab: newInterner(), bases: make(map[baseKey]baseRef), zones: []*time.Location{time.UTC}}
}

// pack encodes r's variable part into p.buf and fills s; seq is the
// record's sequence number (the interned strings' last use).
func (p *packer) pack(r *Record, seq uint64, s *slot) {
	*s = slot{id: r.ID, dur: int64(r.Duration), status: int64(r.Status)}
	if r.Start.IsZero() {
		s.flags |= flagZeroStart
	} else {
		s.sec, s.nsec = r.Start.Unix(), int32(r.Start.Nanosecond())
		s.loc = p.zone(r.Start.Location())
	}
	b := p.buf[:0]
	// The head: what the filters read.
	b = p.str(b, r.Gateway, seq, posGateway)
	b = p.str(b, r.APIVersion, seq, posVersion)
	b = p.str(b, r.Operation, seq, posOp)
	key, okOp := baseKey(p.id)<<32, r.Operation == "" || p.id != 0
	b = p.str(b, r.Method, seq, posMethod)
	b = p.str(b, r.Path, seq, posPath)
	b = p.str(b, r.ProductKey, seq, posPK)
	key, okPK := key|baseKey(p.id)<<16, r.ProductKey == "" || p.id != 0
	b = p.str(b, r.DeviceName, seq, posDN)
	key, okDN := key|baseKey(p.id), r.DeviceName == "" || p.id != 0
	if !okOp || !okPK || !okDN {
		key = noBase
	}
	b = p.str(b, r.APICode, seq, posCode)
	b = p.str(b, r.APIMessage, seq, posMsg)
	if r.Err != nil {
		s.flags |= flagErr
		b = p.str(b, string(r.Err.Kind), seq, posErrKind)
		b = p.str(b, r.Err.Text, seq, posErrText)
	}
	// The rest.
	b = binary.AppendVarint(b, r.BytesOut)
	b = binary.AppendVarint(b, r.BytesIn)
	b = binary.AppendVarint(b, int64(r.Attempt))
	b = binary.AppendVarint(b, int64(r.HeadersCut))
	b = binary.AppendUvarint(b, r.Parent)
	b = p.str(b, string(r.Link), seq, posLink)
	b = p.str(b, string(r.Action.Kind), seq, posAction)
	b = binary.AppendVarint(b, int64(r.Action.Delay))
	b = p.str(b, r.Action.Detail, seq, posDetail)
	b = p.headers(b, r.RequestHeaders, r, seq, posReqHeaders)
	b = p.headers(b, r.ResponseHeaders, r, seq, posRespHeaders)
	b = p.body(b, &r.RequestBody, key, seq, posReqType)
	b = p.body(b, &r.ResponseBody, key|1<<48, seq, posRespType)
	p.buf = b
}

// zone is the index of loc in the zones, added when new (past 255 zones,
// UTC: the instant is kept, its zone is not).
func (p *packer) zone(loc *time.Location) uint8 {
	for i, z := range p.zones {
		if z == loc {
			return uint8(i)
		}
	}
	if len(p.zones) == 256 {
		return 0
	}
	p.zones = append(p.zones, loc)
	return uint8(len(p.zones) - 1)
}

// str appends s, found at position pos of the record (-1: none):
// interned when it was seen before (and fits), else inline.
func (p *packer) str(b []byte, s string, seq uint64, pos int) []byte {
	p.id = 0
	if s == "" {
		return append(b, 0)
	}
	if len(s) <= maxInternLen {
		if pos >= 0 {
			if c := &p.last[pos]; c.s == s && p.tab.holds(c.id, c.s) {
				p.tab.use(c.id, seq)
				p.id = c.id
				return binary.AppendUvarint(b, uint64(c.id)<<1|1)
			}
		}
		id, ok := p.tab.lookup(s, seq)
		if !ok && p.twice(s) {
			id, ok = p.tab.add(s, seq)
		}
		if ok {
			if pos >= 0 {
				p.last[pos] = baseRef{id: id, s: p.tab.strs[id]}
			}
			p.id = id
			return binary.AppendUvarint(b, uint64(id)<<1|1)
		}
	}
	b = binary.AppendUvarint(b, uint64(len(s))<<1)
	return append(b, s...)
}

// twice reports whether s was seen before (by its hash), remembering it.
// A string seen once is stored inline: a value that never repeats (a
// request id, a timestamp) never takes room in the table.
func (p *packer) twice(s string) bool {
	h := hashString(s)
	i := h % uint64(len(p.seen))
	if p.seen[i] == h {
		return true
	}
	p.seen[i] = h
	return false
}

// hashString is FNV-1a, 64 bits (never 0 for a non-empty string in practice).
func hashString(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h | 1
}

func (p *packer) headers(b []byte, hs []Header, r *Record, seq uint64, pos int) []byte {
	b = binary.AppendUvarint(b, uint64(len(hs)))
	for i, h := range hs {
		np, vp := -1, -1
		if i < maxPosHeaders {
			np, vp = pos+i, pos+maxPosHeaders+i
		}
		b = p.str(b, h.Name, seq, np)
		if d, ok := p.dateOffset(h, r); ok {
			b = append(b, tagHTTPDate)
			b = binary.AppendVarint(b, d)
			continue
		}
		b = p.str(b, h.Value, seq, vp)
	}
	return b
}

// dateOffset is a Date header's value as seconds from r's Start, when it
// reads back exactly.
func (p *packer) dateOffset(h Header, r *Record) (int64, bool) {
	if len(h.Value) != len(httpDate) || h.Name != "Date" || r.Start.IsZero() {
		return 0, false
	}
	if h.Value != p.date {
		t, err := time.Parse(httpDate, h.Value)
		if err != nil || t.UTC().Format(httpDate) != h.Value {
			return 0, false
		}
		p.date, p.dateUnix = strings.Clone(h.Value), t.Unix()
	}
	return p.dateUnix - r.Start.Unix(), true
}

// body appends a body: its content type and size, then its preview, as a
// difference from the key's base when most of it is the same, else inline
// (and the new base).
func (p *packer) body(b []byte, body *Body, key baseKey, seq uint64, pos int) []byte {
	b = p.str(b, body.ContentType, seq, pos)
	b = binary.AppendVarint(b, body.Size)
	if body.Truncated {
		b = append(b, 1)
	} else {
		b = append(b, 0)
	}
	pv := body.Preview
	if pv == "" {
		return append(b, bodyEmpty)
	}
	if key&noBase != 0 { // the response's key is noBase with its direction bit
		b = append(b, bodyInline)
		b = binary.AppendUvarint(b, uint64(len(pv)))
		return append(b, pv...)
	}
	base, ok := p.bases[key]
	if ok && !p.tab.holds(base.id, base.s) {
		ok = false
	}
	if ok {
		pre, suf := common(base.s, pv)
		if 2*(pre+suf) >= len(pv) {
			p.tab.use(base.id, seq)
			b = append(b, bodyDelta)
			b = binary.AppendUvarint(b, uint64(base.id))
			b = binary.AppendUvarint(b, uint64(pre))
			b = binary.AppendUvarint(b, uint64(suf))
			mid := pv[pre : len(pv)-suf]
			b = binary.AppendUvarint(b, uint64(len(mid)))
			return append(b, mid...)
		}
	}
	if len(pv) <= maxBaseLen && (ok || len(p.bases) < maxBaseKeys) {
		if id, added := p.tab.addBase(pv, seq); added {
			p.bases[key] = baseRef{id: id, s: p.tab.strs[id]}
			b = append(b, bodyDelta)
			b = binary.AppendUvarint(b, uint64(id))
			b = binary.AppendUvarint(b, uint64(len(pv)))
			b = binary.AppendUvarint(b, 0)
			return binary.AppendUvarint(b, 0)
		}
	}
	b = append(b, bodyInline)
	b = binary.AppendUvarint(b, uint64(len(pv)))
	return append(b, pv...)
}

// common is the lengths of a and b's common prefix and suffix, which do
// not overlap in either.
func common(a, b string) (pre, suf int) {
	n := min(len(a), len(b))
	for pre < n && a[pre] == b[pre] {
		pre++
	}
	for suf < n-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	return pre, suf
}

// unpacker reads a packed record's variable part. The bytes are the log's
// own, so a short read does not happen; if it did, the fields would come
// out empty, never a panic.
type unpacker struct {
	b    []byte
	tab  *interner
	copy bool // strings are copied out of the block (else they alias it)
}

func (u *unpacker) uvarint() uint64 {
	v, n := binary.Uvarint(u.b)
	if n <= 0 {
		u.b = nil
		return 0
	}
	u.b = u.b[n:]
	return v
}

// varint reads what binary.AppendVarint wrote (zigzag).
func (u *unpacker) varint() int64 {
	ux := u.uvarint()
	x := int64(ux >> 1)
	if ux&1 != 0 {
		x = ^x
	}
	return x
}

func (u *unpacker) byte1() byte {
	if len(u.b) == 0 {
		return 0
	}
	c := u.b[0]
	u.b = u.b[1:]
	return c
}

// bytes returns the next n bytes as a string.
func (u *unpacker) bytes(n uint64) string {
	if n > uint64(len(u.b)) {
		u.b = nil
		return ""
	}
	raw := u.b[:n]
	u.b = u.b[n:]
	if n == 0 {
		return ""
	}
	if u.copy {
		return string(raw)
	}
	return unsafe.String(&raw[0], len(raw))
}

func (u *unpacker) str() string {
	var tag uint64
	if len(u.b) > 0 && u.b[0] < 0x80 { // one byte, most tags: no call
		tag, u.b = uint64(u.b[0]), u.b[1:]
	} else {
		tag = u.uvarint()
	}
	if tag&1 == 1 {
		return u.tab.get(uint16(tag >> 1))
	}
	return u.bytes(tag >> 1)
}

// head decodes what the filters read into r.
func (u *unpacker) head(r *Record, s *slot, errBuf *TransportError) {
	r.Gateway = u.str()
	r.APIVersion = u.str()
	r.Operation = u.str()
	r.Method = u.str()
	r.Path = u.str()
	r.ProductKey = u.str()
	r.DeviceName = u.str()
	r.APICode = u.str()
	r.APIMessage = u.str()
	r.Err = nil
	if s.flags&flagErr != 0 {
		errBuf.Kind = ErrKind(u.str())
		errBuf.Text = u.str()
		r.Err = errBuf
	}
}

// rest decodes the remainder into r.
func (u *unpacker) rest(r *Record) {
	r.BytesOut = u.varint()
	r.BytesIn = u.varint()
	r.Attempt = int(u.varint())
	r.HeadersCut = int(u.varint())
	r.Parent = u.uvarint()
	r.Link = Link(u.str())
	r.Action.Kind = ActionKind(u.str())
	r.Action.Delay = time.Duration(u.varint())
	r.Action.Detail = u.str()
	r.RequestHeaders = u.headers(r)
	r.ResponseHeaders = u.headers(r)
	u.body(&r.RequestBody)
	u.body(&r.ResponseBody)
}

func (u *unpacker) headers(r *Record) []Header {
	n := u.uvarint()
	if n == 0 || n > uint64(len(u.b)) {
		return nil
	}
	hs := make([]Header, n)
	for i := range hs {
		hs[i].Name = u.str()
		if len(u.b) > 0 && u.b[0] == tagHTTPDate {
			u.b = u.b[1:]
			hs[i].Value = time.Unix(r.Start.Unix()+u.varint(), 0).UTC().Format(httpDate)
			continue
		}
		hs[i].Value = u.str()
	}
	return hs
}

func (u *unpacker) body(body *Body) {
	body.ContentType = u.str()
	body.Size = u.varint()
	body.Truncated = u.byte1() == 1
	switch u.byte1() {
	case bodyInline:
		body.Preview = u.bytes(u.uvarint())
	case bodyDelta:
		base := u.tab.get(uint16(u.uvarint()))
		pre, suf := u.uvarint(), u.uvarint()
		n := u.uvarint()
		if pre+suf > uint64(len(base)) || n > uint64(len(u.b)) {
			return
		}
		body.Preview = base[:pre] + string(u.b[:n]) + base[uint64(len(base))-suf:]
		u.b = u.b[n:]
	default:
		body.Preview = ""
	}
}

// start is the slot's Start.
func (p *packer) start(s *slot) time.Time {
	if s.flags&flagZeroStart != 0 {
		return time.Time{}
	}
	t := time.Unix(s.sec, int64(s.nsec))
	if z := p.zones[s.loc]; z != time.UTC {
		return t.In(z)
	}
	return t.UTC()
}
