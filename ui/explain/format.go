package explain

import (
	"strconv"
	"time"

	"edgetop/model"
)

// Catalog is the one catalog call a row's message needs.
type Catalog interface {
	Lookup(code int) model.Entry
}

// Message is a record's message as a row shows it: the table's response
// message (or, for an exchange the client could not use, the transport
// error), then the API's own Code when the body had one. Network text in
// it is not sanitised: the caller sanitises.
func Message(r *model.Record, cat Catalog) string {
	if r.Status == 0 || r.Unusable() {
		if r.Err != nil {
			return string(r.Err.Kind) + ": " + r.Err.Text
		}
		return "no response"
	}
	msg := cat.Lookup(r.Status).Message
	if r.APICode != "" {
		msg += " · " + r.APICode
	}
	return msg
}

// Latency prints a duration in at most 6 cells.
func Latency(d time.Duration) string {
	switch {
	case d < 0:
		return "-"
	case d < 10*time.Millisecond:
		return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 1, 64) + "ms"
	case d < time.Second:
		return strconv.FormatInt(int64(d/time.Millisecond), 10) + "ms"
	case d < 100*time.Second:
		return strconv.FormatFloat(d.Seconds(), 'f', 1, 64) + "s"
	case d < 1000*time.Second:
		return strconv.FormatInt(int64(d/time.Second), 10) + "s"
	}
	return strconv.FormatInt(int64(d/time.Minute), 10) + "m"
}

// Size prints a byte count in at most 6 cells.
func Size(n int64) string {
	const k, m, g = 1 << 10, 1 << 20, 1 << 30
	switch {
	case n < 0:
		return "?"
	case n < k:
		return strconv.FormatInt(n, 10)
	case n < 10*k:
		return strconv.FormatFloat(float64(n)/k, 'f', 1, 64) + "K"
	case n < m:
		return strconv.FormatInt(n/k, 10) + "K"
	case n < 10*m:
		return strconv.FormatFloat(float64(n)/m, 'f', 1, 64) + "M"
	case n < g:
		return strconv.FormatInt(n/m, 10) + "M"
	}
	return strconv.FormatFloat(float64(n)/g, 'f', 1, 64) + "G"
}
