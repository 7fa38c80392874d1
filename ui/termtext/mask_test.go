package termtext_test

import (
	"strings"
	"testing"

	"edgetop/edgeclient"
	"edgetop/ui/termtext"
)

// FuzzMaskedOnScreen: whatever a gateway puts around or inside a secret,
// the client's masked text, once the screen's sanitiser has dropped what a
// terminal would not show, holds no secret. The masker and the sanitiser
// live in two packages (edgeclient never draws); this keeps them agreeing.
func FuzzMaskedOnScreen(f *testing.F) {
	const pass = "s3cretPassw0rd"
	c, err := edgeclient.New(edgeclient.Config{Gateway: "https://127.0.0.1:9999", User: "admin", Password: pass, Insecure: true})
	if err != nil {
		f.Fatal(err)
	}
	for _, junk := range []string{"", "\xff", "\x1b[1m", "\x9b1m", "\u200b", "\u202e", "\x00", "\xe2\x82", "\u00ad", "\x1b]0;x\x07"} {
		f.Add("msg: ", junk, 6, " end")
	}
	f.Fuzz(func(t *testing.T, before, junk string, at int, after string) {
		at = max(0, min(at, len(pass)))
		for _, secret := range []string{pass, strings.ToUpper(pass)} {
			text := before + secret[:at] + junk + secret[at:] + after
			shown := termtext.Sanitize(c.Mask(text))
			if strings.Contains(strings.ToLower(shown), strings.ToLower(pass)) {
				t.Fatalf("Mask(%q) shows as %q: the password is on screen", text, shown)
			}
		}
	})
}
