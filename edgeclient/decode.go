package edgeclient

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// flexCode is an API Code in either version: the 2020-04-30 string or the
// 2019-09-30 number (kept as decimal text).
type flexCode string

// UnmarshalJSON accepts a string, a number or null.
func (f *flexCode) UnmarshalJSON(b []byte) error {
	switch {
	case len(b) == 0 || string(b) == "null":
		*f = ""
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexCode(s)
	default:
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return err
		}
		*f = flexCode(n.String())
	}
	return nil
}

// failure reports whether a numeric Code says the call failed (>= 400).
func (f flexCode) failure() bool {
	n, err := strconv.Atoi(string(f))
	return err == nil && n >= 400
}

func isEmptyJSON(b []byte) bool {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		return true
	}
	if len(b) >= 2 && b[0] == '[' && b[len(b)-1] == ']' {
		return len(bytes.TrimSpace(b[1:len(b)-1])) == 0
	}
	return false
}

// envelope is both versions' body: 2019-09-30 adds Code and Message to
// success bodies, 2020-04-30 has only Data; errors have Code and Message.
// Data holds a pointer to the caller's result, so the body is decoded in
// one pass.
type envelope struct {
	Code    flexCode `json:"Code"`
	Message string   `json:"Message"`
	Data    any      `json:"Data"`
}

// emptyTableQuirk reports whether err is only the gateway's empty-table
// quirk at the top level: Data sent as [] where an object belongs (the rest
// of the body is still decoded by encoding/json).
func emptyTableQuirk(err error, body []byte) bool {
	var te *json.UnmarshalTypeError
	if !errors.As(err, &te) || te.Field != "Data" || te.Value != "array" {
		return false
	}
	var probe struct{ Data json.RawMessage }
	return json.Unmarshal(body, &probe) == nil && isEmptyJSON(probe.Data)
}

// decodeEnvelope decodes a 2xx body's Data into out (nil: ignore Data). An
// empty body is accepted (the 2020-04-30 cookie and scene answers have
// none). A 2019-09-30 body whose Code says failure is an APIError.
func decodeEnvelope(h *hop, out any) error {
	body := bytes.TrimSpace(h.body)
	if len(body) == 0 {
		return nil
	}
	if out == nil {
		out = &json.RawMessage{}
	}
	env := envelope{Data: out}
	if err := json.Unmarshal(body, &env); err != nil && !emptyTableQuirk(err, body) {
		return fmt.Errorf("%w: %v", errMalformed, err)
	}
	h.rec.APICode, h.rec.APIMessage = string(env.Code), env.Message
	if env.Code.failure() {
		// A 2019-09-30 body whose numeric Code says failure under a 2xx
		// status: Status stays the HTTP status, Code carries the body's.
		return &APIError{Status: h.rec.Status, Code: string(env.Code), Message: env.Message}
	}
	return nil
}

// parseErrorBody takes Code and Message from an error body, when it is the
// API's JSON (an HTML page from a proxy is left alone).
func parseErrorBody(h *hop) {
	body := bytes.TrimSpace(h.body)
	if len(body) == 0 || body[0] != '{' {
		return
	}
	var env struct {
		Code    flexCode `json:"Code"`
		Message string   `json:"Message"`
	}
	if json.Unmarshal(body, &env) == nil {
		h.rec.APICode, h.rec.APIMessage = string(env.Code), env.Message
	}
}

// Millis is a time in epoch milliseconds, as the API sends it: a number
// (Timestamp) or a string of digits (ConnectTime).
type Millis int64

// UnmarshalJSON accepts a number, a string of digits, "" or null.
func (m *Millis) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*m = 0
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		b = []byte(s)
		if len(b) == 0 {
			*m = 0
			return nil
		}
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return fmt.Errorf("epoch milliseconds: %w", err)
	}
	*m = Millis(f)
	return nil
}

// Time is m as a time.Time (zero for 0).
func (m Millis) Time() time.Time {
	if m == 0 {
		return time.Time{}
	}
	return time.UnixMilli(int64(m))
}

// Tags are a device's tags. The API sends them in three shapes: an array of
// single-pair objects ([{"k":"v"}], the schema), an object ({"k":"v"}, the
// SearchThings example) or [] when empty; all decode to the same map.
// Non-string values keep their JSON text.
type Tags map[string]string

// UnmarshalJSON accepts all three shapes, and null.
func (t *Tags) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	out := Tags{}
	switch {
	case len(b) == 0 || string(b) == "null":
	case b[0] == '{':
		if err := addTags(out, b); err != nil {
			return err
		}
	case b[0] == '[':
		var items []json.RawMessage
		if err := json.Unmarshal(b, &items); err != nil {
			return err
		}
		for _, it := range items {
			if err := addTags(out, it); err != nil {
				return err
			}
		}
	default:
		return fmt.Errorf("tags: unexpected JSON %.20q", b)
	}
	*t = out
	return nil
}

func addTags(out Tags, obj []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(obj, &m); err != nil {
		return fmt.Errorf("tags: %w", err)
	}
	for k, v := range m {
		var s string
		if json.Unmarshal(v, &s) != nil {
			s = string(v)
		}
		out[k] = s
	}
	return nil
}

// Values maps identifiers to raw JSON values (property values, arguments).
// It accepts [] for "none".
type Values map[string]json.RawMessage

// UnmarshalJSON accepts an object, [] or null.
func (v *Values) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && (b[0] == '[' || b[0] == 'n') && isEmptyJSON(b) {
		*v = Values{}
		return nil
	}
	m := map[string]json.RawMessage{}
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	*v = m
	return nil
}

// Returns is a per-item result inside CallThingServices and BulkActions:
// the device's own Code and Message (absent on success) and optional Data.
type Returns struct {
	Code    string          `json:"Code,omitempty"`
	Message string          `json:"Message,omitempty"`
	Data    json.RawMessage `json:"Data,omitempty"`
}

// UnmarshalJSON accepts a string or numeric Code.
func (r *Returns) UnmarshalJSON(b []byte) error {
	var raw struct {
		Code    flexCode        `json:"Code"`
		Message string          `json:"Message"`
		Data    json.RawMessage `json:"Data"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*r = Returns{Code: string(raw.Code), Message: raw.Message, Data: raw.Data}
	return nil
}

// OK reports whether the item succeeded: no Code (or a 2xx one) and no
// Message other than "success".
func (r Returns) OK() bool {
	switch r.Code {
	case "", "0", "200", "Success", "success":
	default:
		return false
	}
	return r.Message == "" || r.Message == "success" || r.Message == "sucess" //nolint:misspell // the 2019 docs' own spelling
}
