package edgesim

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// The two API versions.
const (
	V2019 = "2019-09-30"
	V2020 = "2020-04-30"
)

// Response header values every gateway reply carries (edge-api.md §1).
const (
	serverHeader = "openresty/1.13.6.2"
	jsonType     = "application/json; charset=utf-8"
)

// call is one request being served: what the router found and what the
// handlers need.
type call struct {
	s      *Server
	w      http.ResponseWriter
	r      *http.Request
	ver    string
	op     string
	params map[string]string
	body   []byte
	now    time.Time
	user   *User
	token  string
	wrote  bool
	// watchFault is a truncate or malformed fault for a Watch stream: the
	// stream is dropped after its first line, or that line is broken.
	watchFault FaultAction
}

// ms is the call's time in epoch milliseconds.
func (c *call) ms() int64 { return c.now.UnixMilli() }

// env2019 is the 2019-09-30 envelope: numeric Code equal to the status.
type env2019 struct {
	Code    int    `json:"Code"`
	Message string `json:"Message"`
	Data    any    `json:"Data,omitempty"`
}

// env2020 is the 2020-04-30 success envelope: Data only.
type env2020 struct {
	Data any `json:"Data"`
}

// err2020 is the 2020-04-30 error body with its string Code.
type err2020 struct {
	Code    string `json:"Code"`
	Message string `json:"Message"`
}

// ok answers status with data in the version's success envelope.
func (c *call) ok(status int, data any) {
	if c.ver == V2019 {
		c.writeJSON(status, env2019{Code: status, Message: "success", Data: data})
		return
	}
	c.writeJSON(status, env2020{Data: data})
}

// okEmpty answers a success that has no data: headers only in 2020-04-30,
// {"Code":status,"Message":"success"} in 2019-09-30.
func (c *call) okEmpty(status int) {
	if c.ver == V2019 {
		c.writeJSON(status, env2019{Code: status, Message: "success"})
		return
	}
	c.write(status, jsonType, nil)
}

// fail answers an error in the version's error envelope. code is the
// 2020-04-30 string Code; 2019-09-30 carries the status number instead.
func (c *call) fail(status int, code, msg string) {
	if c.ver == V2019 {
		c.writeJSON(status, env2019{Code: status, Message: msg})
		return
	}
	c.writeJSON(status, err2020{Code: code, Message: msg})
}

// writeJSON encodes v without HTML escaping and writes it.
func (c *call) writeJSON(status int, v any) {
	c.write(status, jsonType, marshal(v))
}

// write sends the status, headers and body. It flushes the headers first
// so that even a small body goes out chunked, as OpenResty sends it.
func (c *call) write(status int, contentType string, body []byte) {
	if c.wrote {
		return
	}
	c.wrote = true
	h := c.w.Header()
	h.Set("Content-Type", contentType)
	if h.Get("Connection") == "" {
		h.Set("Connection", "keep-alive")
	}
	c.w.WriteHeader(status)
	flush(c.w)
	if len(body) > 0 {
		_, _ = c.w.Write(body)
	}
}

// marshal encodes v as compact JSON without HTML escaping and without the
// encoder's trailing newline.
func marshal(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return []byte(`{"Code":"InternalServerError","Message":"encoding failed"}`)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// apiCodeFor is the default 2020-04-30 Code of an HTTP status.
func apiCodeFor(status int) string {
	switch status {
	case 302:
		return "Found"
	case 400:
		return "BadRequest"
	case 401:
		return "Unauthorized"
	case 403:
		return "Forbidden"
	case 404:
		return "NotFound"
	case 405:
		return "MethodNotAllowed"
	case 421:
		return "TooManyConnections"
	case 500:
		return "InternalServerError"
	case 503:
		return "ServiceUnavailable"
	}
	return strconv.Itoa(status)
}

// emptyList is what an empty result serialises as: [] (Lua cjson's empty
// table), never {} or null.
var emptyList = []any{}
