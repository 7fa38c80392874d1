package recording

// The decoder's JSON lexing: white space, strings with their escapes,
// integers, literals, skipping values, and the interner of short strings.

import (
	"bytes"
	"encoding/binary"
	"hash/maphash"
	"math"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// ws skips white space.
func (d *decoder) ws() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

// lit reads past c, after white space.
func (d *decoder) lit(c byte) bool {
	d.ws()
	if d.i < len(d.b) && d.b[d.i] == c {
		d.i++
		return true
	}
	return false
}

// open reads past the opening of an object or an array.
func (d *decoder) open(c byte) bool { return d.lit(c) }

// next reads past a ',' (more: another member follows) or the closing
// byte; ok is false on anything else.
func (d *decoder) next(closing byte) (more, ok bool) {
	d.ws()
	if d.i < len(d.b) {
		switch d.b[d.i] {
		case ',':
			d.i++
			return true, true
		case closing:
			d.i++
			return false, true
		}
	}
	return false, false
}

// key reads an object key and its colon. An escaped key goes to
// json.Unmarshal.
func (d *decoder) key() ([]byte, bool) {
	s, ok := d.raw()
	return s, ok && d.lit(':')
}

// raw reads an ASCII string without escapes and returns its bytes (in the
// line).
func (d *decoder) raw() ([]byte, bool) {
	if !d.lit('"') {
		return nil, false
	}
	start := d.i
	d.i = plainRun(d.b, d.i)
	if d.i >= len(d.b) || d.b[d.i] != '"' {
		return nil, false
	}
	d.i++
	return d.b[start : d.i-1], true
}

// plainRun is the end of the run of plain string bytes (strByte 0) from
// i: eight bytes at a time while no byte of the eight is special, then
// one at a time.
func plainRun(b []byte, i int) int {
	for i+8 <= len(b) && special(binary.LittleEndian.Uint64(b[i:])) == 0 {
		i += 8
	}
	for i < len(b) && strByte[b[i]] == 0 {
		i++
	}
	return i
}

// special is non-zero when one of the eight bytes of w is one strByte
// marks: below 0x20, a quote, a backslash, or past ASCII (the classic
// has-zero-byte and has-less-than tests, exact as to whether there is one).
func special(w uint64) uint64 {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	quote := w ^ (ones * '"')
	backslash := w ^ (ones * '\\')
	return ((w-ones*0x20)&^w | (quote-ones)&^quote | (backslash-ones)&^backslash | w) & highs
}

// strByte marks the bytes a string's plain run stops at: the quote, the
// backslash, control characters (invalid raw) and bytes past ASCII.
var strByte = func() (t [256]byte) {
	for c := range 256 {
		if c < 0x20 || c == '"' || c == '\\' || c >= utf8.RuneSelf {
			t[c] = 1
		}
	}
	return t
}()

// str reads a string value; short ones are interned when intern is set.
func (d *decoder) str(intern bool) (string, bool) {
	if !d.lit('"') {
		return "", false
	}
	start := d.i
	for {
		if d.i = plainRun(d.b, d.i); d.i >= len(d.b) {
			return "", false
		}
		switch c := d.b[d.i]; {
		case c == '"':
			s := d.b[start:d.i]
			d.i++
			return d.in.str(s, intern), true
		case c >= utf8.RuneSelf:
			r, n := utf8.DecodeRune(d.b[d.i:])
			if r == utf8.RuneError && n == 1 {
				return "", false // json.Unmarshal writes U+FFFD: let it
			}
			d.i += n
		case c == '\\':
			return d.escaped(start, intern)
		default:
			return "", false
		}
	}
}

// escaped goes on reading a string with escapes from its first one.
func (d *decoder) escaped(start int, intern bool) (string, bool) {
	buf := append(d.buf[:0], d.b[start:d.i]...)
	for d.i < len(d.b) {
		c := d.b[d.i]
		switch {
		case strByte[c] == 0:
			j := plainRun(d.b, d.i)
			buf = append(buf, d.b[d.i:j]...)
			d.i = j
		case c == '"':
			d.i++
			d.buf = buf
			return d.in.str(buf, intern), true
		case c >= utf8.RuneSelf:
			r, n := utf8.DecodeRune(d.b[d.i:])
			if r == utf8.RuneError && n == 1 {
				return "", false
			}
			buf = append(buf, d.b[d.i:d.i+n]...)
			d.i += n
		case c == '\\':
			var ok bool
			if buf, ok = d.escape(buf); !ok {
				return "", false
			}
		default:
			return "", false
		}
	}
	return "", false
}

// escape appends the rune of the escape at d.i to buf.
func (d *decoder) escape(buf []byte) ([]byte, bool) {
	if d.i+1 >= len(d.b) {
		return buf, false
	}
	c := d.b[d.i+1]
	d.i += 2
	switch c {
	case '"', '\\', '/':
		return append(buf, c), true
	case 'b':
		return append(buf, '\b'), true
	case 'f':
		return append(buf, '\f'), true
	case 'n':
		return append(buf, '\n'), true
	case 'r':
		return append(buf, '\r'), true
	case 't':
		return append(buf, '\t'), true
	case 'u':
		r, ok := d.hex4()
		if !ok {
			return buf, false
		}
		if utf16.IsSurrogate(r) {
			// Only a valid pair: json.Unmarshal writes U+FFFD for the rest.
			if r >= 0xdc00 || d.i+1 >= len(d.b) || d.b[d.i] != '\\' || d.b[d.i+1] != 'u' {
				return buf, false
			}
			d.i += 2
			lo, ok := d.hex4()
			if !ok {
				return buf, false
			}
			if r = utf16.DecodeRune(r, lo); r == utf8.RuneError {
				return buf, false
			}
		}
		return utf8.AppendRune(buf, r), true
	}
	return buf, false
}

// hex4 reads the four hex digits of a \u escape.
func (d *decoder) hex4() (rune, bool) {
	if d.i+4 > len(d.b) {
		return 0, false
	}
	var r rune
	for _, c := range d.b[d.i : d.i+4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	d.i += 4
	return r, true
}

// time reads a time as time.Time's UnmarshalJSON does: the text between
// the quotes, unescaped, in strict RFC 3339.
func (d *decoder) time(t *time.Time) bool {
	s, ok := d.raw()
	return ok && t.UnmarshalText(s) == nil
}

// digits reads an integer without sign, fraction or exponent, as JSON
// writes it (no leading zero); false when it is another number or too
// large for 64 bits.
func (d *decoder) digits() (uint64, bool) {
	start := d.i
	var n uint64
	for ; d.i < len(d.b); d.i++ {
		c := d.b[d.i]
		if c < '0' || c > '9' {
			break
		}
		if n > (math.MaxUint64-9)/10 {
			return 0, false
		}
		n = n*10 + uint64(c-'0')
	}
	switch {
	case d.i == start, d.b[start] == '0' && d.i-start > 1:
		return 0, false
	case d.i < len(d.b) && (d.b[d.i] == '.' || d.b[d.i] == 'e' || d.b[d.i] == 'E'):
		return 0, false
	}
	return n, true
}

// uint reads a uint64.
func (d *decoder) uint() (uint64, bool) {
	d.ws()
	return d.digits()
}

// int reads a signed integer that fits in bits.
func (d *decoder) int(bits uint) (int64, bool) {
	d.ws()
	neg := d.i < len(d.b) && d.b[d.i] == '-'
	if neg {
		d.i++
	}
	n, ok := d.digits()
	limit := uint64(1) << (bits - 1)
	switch {
	case !ok:
		return 0, false
	case neg && n <= limit:
		return -int64(n), true
	case !neg && n < limit:
		return int64(n), true
	}
	return 0, false
}

// intN reads an int.
func (d *decoder) intN() (int, bool) {
	n, ok := d.int(strconvIntSize)
	return int(n), ok
}

const strconvIntSize = 32 << (^uint(0) >> 63)

// bool reads true or false.
func (d *decoder) bool() (bool, bool) {
	d.ws()
	rest := d.b[d.i:]
	switch {
	case bytes.HasPrefix(rest, []byte("true")):
		d.i += 4
		return true, true
	case bytes.HasPrefix(rest, []byte("false")):
		d.i += 5
		return false, true
	}
	return false, false
}

// maxDepth bounds the nesting of a skipped value.
const maxDepth = 64

// skip reads past any valid JSON value but null.
func (d *decoder) skip() bool {
	d.ws()
	if d.i >= len(d.b) || d.depth >= maxDepth {
		return false
	}
	d.depth++
	defer func() { d.depth-- }()
	switch c := d.b[d.i]; c {
	case '"':
		_, ok := d.str(false)
		return ok
	case '{':
		return d.object(nil, func([]byte) bool { return false }) // every key is unknown
	case '[':
		d.i++
		for more := !d.lit(']'); more; {
			var ok bool
			if !d.skip() {
				return false
			}
			if more, ok = d.next(']'); !ok {
				return false
			}
		}
		return true
	case 't', 'f':
		_, ok := d.bool()
		return ok
	case 'n':
		return false // a null: json.Unmarshal
	default:
		return d.number()
	}
}

// number reads past a JSON number.
func (d *decoder) number() bool {
	b, i := d.b, d.i
	digits := func() bool {
		j := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		return i > j
	}
	if i < len(b) && b[i] == '-' {
		i++
	}
	if i < len(b) && b[i] == '0' {
		i++
	} else if !digits() {
		return false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if !digits() {
			return false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if !digits() {
			return false
		}
	}
	d.i = i
	return true
}

// interner shares the strings that repeat from record to record
// (operations, paths, header names and values): less memory for a replay
// held in the log, less work for the collector. It is a direct-mapped
// cache, a slot per hash: a string that misses (a new one, or one whose
// slot another took) is allocated and takes the slot.
type interner struct {
	seed maphash.Seed
	tab  []string
}

// internMax is the longest string interned; internSize the slots.
const (
	internMax  = 64
	internSize = 4096
)

func newInterner() interner {
	return interner{seed: maphash.MakeSeed(), tab: make([]string, internSize)}
}

// str is b as a string: the one held when intern is set and b is short.
func (in *interner) str(b []byte, intern bool) string {
	if !intern || len(b) > internMax || len(b) == 0 {
		return string(b)
	}
	slot := &in.tab[maphash.Bytes(in.seed, b)&(internSize-1)]
	if *slot != string(b) {
		*slot = string(b)
	}
	return *slot
}
