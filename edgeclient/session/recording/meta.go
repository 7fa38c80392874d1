package recording

import (
	"encoding/json"
	"time"

	"edgetop/model"
)

// FormatVersion is the version of the recording format, the meta line's
// edgetop_recording. The records' own form is model.RecordSchema.
const FormatVersion = 1

// Meta is the first line of a recording: which session it is. It holds no
// secret (no password, no token).
type Meta struct {
	// Recording is FormatVersion (set by the writer when 0).
	Recording int `json:"edgetop_recording"`
	// Version is edgetop's version.
	Version string `json:"version"`
	// Started is when the session started (the file's part: when it was
	// created).
	Started time.Time `json:"started"`
	// Gateway is the base URL, without credentials.
	Gateway    string `json:"gateway"`
	APIVersion string `json:"api_version"`
	User       string `json:"user"`
	// CAFile is the absolute path of --ca-file, or empty.
	CAFile    string `json:"ca_file"`
	Insecure  bool   `json:"insecure"`
	Simulated bool   `json:"simulated"`
	// Part is 2, 3, ... in the files a long session continues in (Auto);
	// 0 in its first.
	Part int `json:"part,omitempty"`
}

// metaPrefix starts every meta line: the writer puts edgetop_recording
// first, so a line is told from a record without decoding it.
var metaPrefix = []byte(`{"edgetop_recording":`)

// encodeMeta is m's line, newline included.
func encodeMeta(m Meta) ([]byte, error) {
	if m.Recording == 0 {
		m.Recording = FormatVersion
	}
	b, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	return append(model.AppendSafeJSON(nil, b), '\n'), nil
}
