package assets

import (
	"bytes"
	"testing"
)

func TestEmbeddedFiles(t *testing.T) {
	for name, get := range map[string]func() []byte{"status-codes.md": StatusCodes, "api-codes.md": APICodes} {
		b := get()
		if !bytes.Contains(b, []byte("|Code|")) {
			t.Errorf("%s: no table header in %d bytes", name, len(b))
		}
		b[0] ^= 0xff
		if bytes.Equal(get(), b) {
			t.Errorf("%s: the accessor returned the embedded bytes themselves", name)
		}
	}
}

func TestTourIsACopy(t *testing.T) {
	b := Tour()
	if !bytes.Contains(b, []byte("\nstep 200 ")) {
		t.Fatalf("tour.txt: no step 200 in %d bytes", len(b))
	}
	b[0] ^= 0xff
	if bytes.Equal(Tour(), b) {
		t.Error("Tour returned the embedded bytes themselves")
	}
}

func TestStatusCodesIsThePublishedTable(t *testing.T) {
	// Spot checks that the file is the published table as given, including
	// its irregular rows (the parsing itself is model's).
	b := StatusCodes()
	for _, s := range []string{
		"reasons: -   The semantic of the request was invalid.",
		"\n-   The request parameters contained an error. |\n",
		"**Note:** The IP address",
		"server overload. |\n",
	} {
		if !bytes.Contains(b, []byte(s)) {
			t.Errorf("status-codes.md lacks %q", s)
		}
	}
}
