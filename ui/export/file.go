package export

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"edgetop/model"
	"edgetop/model/har"
)

// FormatOf is the format a file name asks for by its extension: .jsonl
// (or .json, .ndjson), .har, .csv, .sh or .curl (curl commands).
func FormatOf(path string) (string, bool) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".jsonl", ".json", ".ndjson":
		return "jsonl", true
	case ".har":
		return "har", true
	case ".csv":
		return "csv", true
	case ".sh", ".curl":
		return "curl", true
	}
	return "", false
}

// WriteFile writes recs to path in format, mode 0600 (records show what a
// gateway answered): whole, to a temporary file in the same directory that
// is then renamed, so a failed export leaves no half file behind and an
// existing file is replaced only by a complete one.
func WriteFile(path, format string, recs model.Records, o Options, c har.Creator) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the temporary name means nothing to the operator
		}
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			_ = os.Remove(tmp.Name())
		}
	}()
	bw := bufio.NewWriterSize(tmp, 256<<10)
	err = errors.Join(Write(bw, format, recs, o, c), bw.Flush(), tmp.Chmod(0o600), tmp.Close())
	if err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
