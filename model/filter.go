package model

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Filter selects records for a View. Every set field must match (AND); the
// zero Filter matches every record.
type Filter struct {
	// Classes holds the wanted status classes; 0 means every class.
	Classes ClassSet
	// Codes holds the wanted HTTP statuses (0 for "no response"); empty
	// means every code.
	Codes []int
	// Operation is the wanted operation, compared case-insensitively;
	// "" means every operation.
	Operation string
	// Device is the wanted device: "ProductKey/DeviceName" matches exactly
	// (case-insensitively); a value without "/" matches either the
	// ProductKey or the DeviceName. "" means every device.
	Device string
	// Text is a case-insensitive substring searched in the operation,
	// method, path, device, status (as digits), API code and message, and
	// the transport error's kind and text. "" means every record.
	Text string
}

// Match reports whether r passes the filter.
func (f Filter) Match(r *Record) bool {
	if f.Classes != 0 && !f.Classes.Has(r.Class()) {
		return false
	}
	if len(f.Codes) > 0 && !slices.Contains(f.Codes, r.Status) {
		return false
	}
	if f.Operation != "" && !strings.EqualFold(f.Operation, r.Operation) {
		return false
	}
	if f.Device != "" && !f.matchDevice(r) {
		return false
	}
	return f.Text == "" || matchText(r, f.Text)
}

// matchDevice applies the Device field.
func (f Filter) matchDevice(r *Record) bool {
	pk, dn, both := strings.Cut(f.Device, "/")
	if both {
		return strings.EqualFold(pk, r.ProductKey) && strings.EqualFold(dn, r.DeviceName)
	}
	return strings.EqualFold(f.Device, r.ProductKey) || strings.EqualFold(f.Device, r.DeviceName)
}

// IsZero reports whether the filter matches every record: no field set, or
// Classes holding every class and nothing else set.
func (f Filter) IsZero() bool {
	return (f.Classes == 0 || f.Classes&AllClasses == AllClasses) &&
		len(f.Codes) == 0 && f.Operation == "" && f.Device == "" && f.Text == ""
}

// Equal reports whether f and g select the same records by the same fields
// (Codes compared as sets of values in order).
func (f Filter) Equal(g Filter) bool {
	return f.Classes == g.Classes && slices.Equal(f.Codes, g.Codes) &&
		f.Operation == g.Operation && f.Device == g.Device && f.Text == g.Text
}

// clone returns f with its own copy of Codes.
func (f Filter) clone() Filter {
	f.Codes = slices.Clone(f.Codes)
	return f
}

// matchText searches text in the record's searchable fields.
func matchText(r *Record, text string) bool {
	if containsFold(r.Operation, text) || containsFold(r.Path, text) ||
		containsFold(r.Method, text) || containsFold(r.ProductKey, text) ||
		containsFold(r.DeviceName, text) || containsFold(r.APICode, text) ||
		containsFold(r.APIMessage, text) {
		return true
	}
	if r.ProductKey != "" && strings.Contains(text, "/") && containsFold(r.Device(), text) {
		return true
	}
	if r.Err != nil && (containsFold(string(r.Err.Kind), text) || containsFold(r.Err.Text, text)) {
		return true
	}
	var buf [20]byte
	return strings.Contains(string(strconv.AppendInt(buf[:0], int64(r.Status), 10)), text)
}

// containsFold reports whether substr is in s, ignoring case (Unicode simple
// folding, as strings.EqualFold). It does not allocate.
func containsFold(s, substr string) bool {
	n := len(substr)
	if n == 0 {
		return true
	}
	if n > len(s) {
		return false
	}
	c0 := substr[0]
	ascii := c0 < utf8.RuneSelf
	lo, up := toLowerASCII(c0), toUpperASCII(c0)
	for i := 0; i+n <= len(s); i++ {
		if ascii && s[i] != lo && s[i] != up && s[i] < utf8.RuneSelf {
			continue
		}
		if strings.EqualFold(s[i:i+n], substr) {
			return true
		}
	}
	return false
}

func toLowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func toUpperASCII(c byte) byte {
	if 'a' <= c && c <= 'z' {
		return c - 'a' + 'A'
	}
	return c
}
