package export

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"edgetop/model"
	"edgetop/ui/termtext"
)

// csvHeader names CSV's columns.
var csvHeader = []string{
	"time", "id", "duration_ms", "method", "operation", "path", "device", "status", "class",
	"api_code", "api_message", "error_kind", "error_text", "bytes_out", "bytes_in", "attempt", "action",
}

// CSV writes a header row, then one row per record: the start time (RFC
// 3339 with milliseconds, UTC), id, duration in milliseconds, method,
// operation, path, device, status, class (2xx ... net), API code and
// message, transport error kind and text, body bytes out and in, attempt,
// and what the client did (kind, delay, detail).
//
// Every text is sanitised (termtext.Sanitize), and a cell that a
// spreadsheet would take for a formula (starting with = + - @, a tab or a
// carriage return, after any spaces) gets a leading ' so that it stays
// text.
func CSV(w io.Writer, recs model.Records) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return fmt.Errorf("export csv: %w", err)
	}
	row := make([]string, len(csvHeader))
	for i := range recs.Len() {
		fillRow(row, recs.At(i))
		for j := range row {
			row[j] = safeCell(row[j])
		}
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("export csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("export csv: %w", err)
	}
	return nil
}

// fillRow puts r's cells, sanitised, into row.
func fillRow(row []string, r *model.Record) {
	var kind, text string
	if r.Err != nil {
		kind, text = string(r.Err.Kind), r.Err.Text
	}
	s := termtext.Sanitize
	copy(row, []string{
		r.Start.UTC().Format("2006-01-02T15:04:05.000Z07:00"),
		strconv.FormatUint(r.ID, 10),
		strconv.FormatFloat(float64(r.Duration)/float64(time.Millisecond), 'f', 3, 64),
		s(r.Method), s(r.Operation), s(r.Path), s(r.Device()),
		strconv.Itoa(r.Status), r.Class().String(),
		s(r.APICode), s(r.APIMessage), s(kind), s(text),
		strconv.FormatInt(r.BytesOut, 10), strconv.FormatInt(r.BytesIn, 10), strconv.Itoa(r.Attempt),
		s(actionText(r.Action)),
	})
}

// actionText is "kind", "kind 150ms" or "kind 150ms: detail".
func actionText(a model.Action) string {
	s := string(a.Kind)
	if a.Delay > 0 {
		s = strings.TrimSpace(s + " " + a.Delay.String())
	}
	if a.Detail != "" {
		if s != "" {
			s += ": "
		}
		s += a.Detail
	}
	return s
}

// safeCell keeps a cell from being read as a formula (CSV injection): a
// cell starting with = + - @, a tab or a carriage return, after any
// spaces (which some spreadsheets skip), gets a leading '.
func safeCell(c string) string {
	if t := strings.TrimLeft(c, " "); t != "" && strings.IndexByte("=+-@\t\r", t[0]) >= 0 {
		return "'" + c
	}
	return c
}
