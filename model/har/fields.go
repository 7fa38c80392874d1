package har

import (
	"encoding/json"
	"strings"

	"edgetop/model"
)

// errField is the entry's _error: {kind, text} as edgetop writes it. When
// read, a plain string (how other tools write an error) is accepted too,
// as an error of kind "other".
type errField struct {
	Kind string `json:"kind"`
	Text string `json:"text"`
}

// UnmarshalJSON accepts an object or a string.
func (e *errField) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*e = errField{Kind: string(model.ErrOther), Text: s}
		return nil
	}
	type plain errField
	return json.Unmarshal(b, (*plain)(e))
}

// looseText is a string field that other tools may fill with anything:
// when read, a value that is not a string is ignored rather than failing
// the whole file.
type looseText string

// UnmarshalJSON keeps a string and ignores any other value.
func (t *looseText) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		*t = looseText(s)
	}
	return nil
}

// StatusText is the standard reason phrase of an HTTP status (HAR's
// statusText), "" for 0 (no response) or a status it does not know. The
// edge API's own texts for 302 and 421 ("Move temporarily", "Too Many
// Connections") are used for those two.
func StatusText(status int) string {
	switch status {
	case 100:
		return "Continue"
	case 101:
		return "Switching Protocols"
	case 200:
		return "OK"
	case 201:
		return "Created"
	case 202:
		return "Accepted"
	case 204:
		return "No Content"
	case 206:
		return "Partial Content"
	case 301:
		return "Moved Permanently"
	case 302:
		return "Move temporarily"
	case 303:
		return "See Other"
	case 304:
		return "Not Modified"
	case 307:
		return "Temporary Redirect"
	case 308:
		return "Permanent Redirect"
	case 400:
		return "Bad Request"
	case 401:
		return "Unauthorized"
	case 403:
		return "Forbidden"
	case 404:
		return "Not Found"
	case 405:
		return "Method Not Allowed"
	case 408:
		return "Request Timeout"
	case 409:
		return "Conflict"
	case 413:
		return "Content Too Large"
	case 415:
		return "Unsupported Media Type"
	case 421:
		return "Too Many Connections"
	case 429:
		return "Too Many Requests"
	case 500:
		return "Internal Server Error"
	case 501:
		return "Not Implemented"
	case 502:
		return "Bad Gateway"
	case 503:
		return "Service Unavailable"
	case 504:
		return "Gateway Timeout"
	}
	return ""
}

// requestCookies lists the pairs of the Cookie headers (values are
// already masked in a record).
func requestCookies(hs []model.Header) []cookie {
	out := []cookie{}
	for _, h := range hs {
		if !strings.EqualFold(h.Name, "Cookie") {
			continue
		}
		for pair := range strings.SplitSeq(h.Value, ";") {
			name, value, _ := strings.Cut(strings.TrimSpace(pair), "=")
			if name != "" {
				out = append(out, cookie{Name: name, Value: value})
			}
		}
	}
	return out
}

// responseCookies lists the Set-Cookie headers' cookies with the
// attributes HAR has a field for. Expires is left out: a viewer that
// cannot parse it refuses the whole file, and a gateway sends Max-Age.
func responseCookies(hs []model.Header) []cookie {
	out := []cookie{}
	for _, h := range hs {
		if !strings.EqualFold(h.Name, "Set-Cookie") {
			continue
		}
		parts := strings.Split(h.Value, ";")
		name, value, _ := strings.Cut(strings.TrimSpace(parts[0]), "=")
		if name == "" {
			continue
		}
		c := cookie{Name: name, Value: value}
		for _, a := range parts[1:] {
			k, v, _ := strings.Cut(strings.TrimSpace(a), "=")
			switch strings.ToLower(k) {
			case "path":
				c.Path = v
			case "domain":
				c.Domain = v
			case "httponly":
				c.HTTPOnly = true
			case "secure":
				c.Secure = true
			}
		}
		out = append(out, c)
	}
	return out
}

// queryOf lists the query parameters of a path, decoded as a form would
// be ('+' is a space, %XX a byte; a malformed escape is kept as it is).
func queryOf(path string) []nameVal {
	out := []nameVal{}
	_, q, ok := strings.Cut(path, "?")
	if !ok {
		return out
	}
	q, _, _ = strings.Cut(q, "#")
	for pair := range strings.SplitSeq(q, "&") {
		if pair == "" {
			continue
		}
		name, value, _ := strings.Cut(pair, "=")
		out = append(out, nameVal{Name: unescape(name), Value: unescape(value)})
	}
	return out
}

// unescape decodes a query component leniently.
func unescape(s string) string {
	if !strings.ContainsAny(s, "%+") {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '+':
			b = append(b, ' ')
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			b = append(b, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
		default:
			b = append(b, c)
		}
	}
	return string(b)
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}
