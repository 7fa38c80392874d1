package har

import (
	"strings"
	"testing"
)

func TestReadLimit(t *testing.T) {
	doc := `{"log":{"entries":[]}}`
	if _, err := read(strings.NewReader(doc), int64(len(doc))); err != nil {
		t.Fatalf("a file of exactly the limit: %v", err)
	}
	_, err := read(strings.NewReader(doc+" "), int64(len(doc)))
	if err == nil || !strings.Contains(err.Error(), "larger than 22 bytes") {
		t.Fatalf("one byte over the limit: %v", err)
	}
	if got := sizeText(MaxReadBytes); got != "256 MiB" {
		t.Fatalf("sizeText(MaxReadBytes) = %q", got)
	}
}
