package recording

import (
	"bytes"
	"encoding/json"
	"time"

	"edgetop/model"
)

// decoder decodes a record's line. encoding/json takes about 14 µs for a
// typical record here, too slow to replay a million at 200,000 a second, so
// lines go through a decoder made for model.Record first: it takes the
// lines the writer writes, and any valid JSON of that shape, giving exactly
// what json.Unmarshal gives (a fuzz test compares them). Anything else
// (a null, a number with a fraction, an escaped key, a key in other
// letter case, invalid UTF-8, damage) goes to json.Unmarshal, which
// decodes it or says what is wrong.
type decoder struct {
	b     []byte
	i     int
	buf   []byte         // unescaped text
	hs    []model.Header // headers, before they are copied out
	depth int            // of the value skipped
	in    interner
}

// record decodes line. A line is a record when it is a JSON object that
// json.Unmarshal decodes into a model.Record with a start time.
func (d *decoder) record(line []byte) (model.Record, error) {
	var r model.Record
	d.b, d.i, d.depth = line, 0, 0
	ok := d.fields(&r)
	d.b = nil
	if !ok {
		r = model.Record{}
		if err := json.Unmarshal(line, &r); err != nil {
			return model.Record{}, err
		}
		if t := bytes.TrimLeft(line, " \t\r\n"); len(t) == 0 || t[0] != '{' {
			return model.Record{}, errNotRecord
		}
	}
	if r.Start.IsZero() {
		return model.Record{}, errNoStart
	}
	return r, nil
}

// recordKeys are Record's JSON names, for the keys that are not (in any
// letter case: json.Unmarshal would take them).
var recordKeys = []string{
	"id", "start", "duration_ns", "gateway", "api_version", "operation", "method", "path",
	"product_key", "device_name", "status", "api_code", "api_message", "error", "bytes_out",
	"bytes_in", "attempt", "parent", "link", "request_headers", "response_headers",
	"request_body", "response_body", "action", "headers_cut",
}

// fields decodes the whole line as r; false sends it to json.Unmarshal.
func (d *decoder) fields(r *model.Record) bool {
	if !d.open('{') {
		return false
	}
	for more := !d.lit('}'); more; {
		key, ok := d.key()
		if !ok || !d.field(r, key) {
			return false
		}
		if more, ok = d.next('}'); !ok {
			return false
		}
	}
	d.ws()
	return d.i == len(d.b)
}

// field decodes the value of r's key.
func (d *decoder) field(r *model.Record, key []byte) bool {
	if p := stringField(r, key); p != nil {
		var ok bool
		*p, ok = d.str(true)
		return ok
	}
	var ok bool
	switch string(key) {
	case "id":
		r.ID, ok = d.uint()
	case "start":
		ok = d.time(&r.Start)
	case "duration_ns":
		var n int64
		n, ok = d.int(64)
		r.Duration = time.Duration(n)
	case "status":
		r.Status, ok = d.intN()
	case "error":
		if r.Err == nil {
			r.Err = &model.TransportError{}
		}
		ok = d.transportError(r.Err)
	case "bytes_out":
		r.BytesOut, ok = d.int(64)
	case "bytes_in":
		r.BytesIn, ok = d.int(64)
	case "attempt":
		r.Attempt, ok = d.intN()
	case "headers_cut":
		r.HeadersCut, ok = d.intN()
	case "parent":
		r.Parent, ok = d.uint()
	case "link":
		var s string
		s, ok = d.str(true)
		r.Link = model.Link(s)
	case "request_headers":
		// A second one: json.Unmarshal decodes into the first one's
		// elements; let it.
		ok = r.RequestHeaders == nil
		if ok {
			r.RequestHeaders, ok = d.headers()
		}
	case "response_headers":
		ok = r.ResponseHeaders == nil
		if ok {
			r.ResponseHeaders, ok = d.headers()
		}
	case "request_body":
		ok = d.body(&r.RequestBody)
	case "response_body":
		ok = d.body(&r.ResponseBody)
	case "action":
		ok = d.action(&r.Action)
	default:
		return d.unknown(key, recordKeys)
	}
	return ok
}

// stringField is r's string field of that key, or nil.
func stringField(r *model.Record, key []byte) *string {
	switch string(key) {
	case "gateway":
		return &r.Gateway
	case "api_version":
		return &r.APIVersion
	case "operation":
		return &r.Operation
	case "method":
		return &r.Method
	case "path":
		return &r.Path
	case "product_key":
		return &r.ProductKey
	case "device_name":
		return &r.DeviceName
	case "api_code":
		return &r.APICode
	case "api_message":
		return &r.APIMessage
	}
	return nil
}

var errorKeys = []string{"kind", "text"}

func (d *decoder) transportError(e *model.TransportError) bool {
	return d.object(errorKeys, func(key []byte) bool {
		var ok bool
		switch string(key) {
		case "kind":
			var s string
			s, ok = d.str(true)
			e.Kind = model.ErrKind(s)
		case "text":
			e.Text, ok = d.str(true)
		}
		return ok
	})
}

var headerKeys = []string{"name", "value"}

// headers decodes an array of headers into one allocation of the right
// size; like json.Unmarshal, [] is an empty slice, not nil.
func (d *decoder) headers() ([]model.Header, bool) {
	if !d.open('[') {
		return nil, false
	}
	hs := d.hs[:0]
	for more := !d.lit(']'); more; {
		var h model.Header
		ok := d.object(headerKeys, func(key []byte) bool {
			var ok bool
			switch string(key) {
			case "name":
				h.Name, ok = d.str(true)
			case "value":
				h.Value, ok = d.str(true)
			}
			return ok
		})
		if !ok {
			return nil, false
		}
		hs = append(hs, h)
		if more, ok = d.next(']'); !ok {
			return nil, false
		}
	}
	d.hs = hs
	out := make([]model.Header, len(hs))
	copy(out, hs)
	return out, true
}

var bodyKeys = []string{"content_type", "preview", "size", "truncated"}

func (d *decoder) body(b *model.Body) bool {
	return d.object(bodyKeys, func(key []byte) bool {
		var ok bool
		switch string(key) {
		case "content_type":
			b.ContentType, ok = d.str(true)
		case "preview":
			b.Preview, ok = d.str(false)
		case "size":
			b.Size, ok = d.int(64)
		case "truncated":
			b.Truncated, ok = d.bool()
		}
		return ok
	})
}

var actionKeys = []string{"kind", "delay_ns", "detail"}

func (d *decoder) action(a *model.Action) bool {
	return d.object(actionKeys, func(key []byte) bool {
		var ok bool
		switch string(key) {
		case "kind":
			var s string
			s, ok = d.str(true)
			a.Kind = model.ActionKind(s)
		case "delay_ns":
			var n int64
			n, ok = d.int(64)
			a.Delay = time.Duration(n)
		case "detail":
			a.Detail, ok = d.str(true)
		}
		return ok
	})
}

// object decodes an object whose keys are known, calling f for each of
// them; other keys are skipped as json.Unmarshal skips them.
func (d *decoder) object(known []string, f func(key []byte) bool) bool {
	if !d.open('{') {
		return false
	}
	for more := !d.lit('}'); more; {
		key, ok := d.key()
		if !ok {
			return false
		}
		if isKnown(key, known) {
			ok = f(key)
		} else {
			ok = d.unknown(key, known)
		}
		if !ok {
			return false
		}
		if more, ok = d.next('}'); !ok {
			return false
		}
	}
	return true
}

func isKnown(key []byte, known []string) bool {
	for _, k := range known {
		if string(key) == k {
			return true
		}
	}
	return false
}

// unknown skips the value of a key that is not a field, unless it is one
// in other letter case (json.Unmarshal folds case).
func (d *decoder) unknown(key []byte, known []string) bool {
	for _, k := range known {
		if bytes.EqualFold(key, []byte(k)) {
			return false
		}
	}
	return d.skip()
}
