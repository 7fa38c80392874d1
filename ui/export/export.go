// Package export writes recorded exchanges for use outside edgetop: as the
// JSON lines edgetop records and replays, as a HAR for a browser's network
// panel (model/har), as a shell script of curl commands that send the same
// requests again, or as CSV for a spreadsheet or an incident note.
//
// Records hold no secret in clear (the client masks them), and every text
// that came from the network is made safe before it is written: sanitised
// (ui/termtext) in the curl and CSV forms, escaped in the JSON forms
// (model.AppendSafeJSON), so that any of these files can be cat'ed in a
// terminal or opened in a spreadsheet without harm.
package export

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"edgetop/model"
	"edgetop/model/har"
)

// Options says how the session reached the gateway, for the curl commands.
type Options struct {
	// CAFile is the CA certificate file the session trusted (--ca-file),
	// "" for the system roots.
	CAFile string
	// Insecure is true when the session did not verify the certificate.
	Insecure bool
	// User is the console user, for the command that gets a token.
	User string
}

// Formats lists the formats Write knows, in the order a help text names
// them.
func Formats() []string { return []string{"jsonl", "har", "curl", "csv"} }

// Write writes recs in format: "jsonl", "har", "curl" or "csv" (in any
// case). o is used by curl, c by har.
func Write(w io.Writer, format string, recs model.Records, o Options, c har.Creator) error {
	switch strings.ToLower(format) {
	case "jsonl":
		return JSONL(w, recs)
	case "har":
		return har.Write(w, recs, c)
	case "curl":
		return Curl(w, recs, o)
	case "csv":
		return CSV(w, recs)
	}
	return fmt.Errorf("export: unknown format %q: want %s", format, strings.Join(Formats(), ", "))
}

// JSONL writes one record per line in its JSON form (model.Record), the
// form edgetop records and replays, with every control and invisible
// character escaped.
func JSONL(w io.Writer, recs model.Records) error {
	bw := bufio.NewWriter(w)
	var line []byte
	for i := range recs.Len() {
		r := recs.At(i)
		b, err := json.Marshal(r)
		if err != nil {
			return fmt.Errorf("export jsonl: record %d: %w", r.ID, err)
		}
		line = append(model.AppendSafeJSON(line[:0], b), '\n')
		if _, err := bw.Write(line); err != nil {
			return fmt.Errorf("export jsonl: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("export jsonl: %w", err)
	}
	return nil
}
