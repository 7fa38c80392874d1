package model

import (
	"bytes"
	"slices"
	"testing"

	"edgetop/assets"
)

// The embedded files are what the binary ships: they must parse, hold the
// same table the tests pin, and have no duplicates (the parsers reject them).
func TestEmbeddedStatusTableParses(t *testing.T) {
	c, err := ParseCatalog(bytes.NewReader(assets.StatusCodes()))
	if err != nil {
		t.Fatal(err)
	}
	got := c.Entries()
	if len(got) != len(wantTable) {
		t.Fatalf("embedded table has %d codes, want %d", len(got), len(wantTable))
	}
	for i, want := range wantTable {
		want.FromTable = true
		if !entryEqual(got[i], want) {
			t.Errorf("embedded entry %d:\n got %#v\nwant %#v", i, got[i], want)
		}
	}
}

func TestEmbeddedAPICodesParse(t *testing.T) {
	a, err := ParseAPICodes(bytes.NewReader(assets.APICodes()))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range a.All() {
		names = append(names, c.Code)
	}
	if !slices.Equal(names, wantAPICodeNames) {
		t.Errorf("embedded Codes:\n got %q\nwant %q", names, wantAPICodeNames)
	}
}
