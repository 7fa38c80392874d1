package model

import (
	"bytes"
	"strings"
	"testing"

	"edgetop/assets"
)

// wantAPICodeNames is every documented Code of the 2020-04-30 API, in order.
var wantAPICodeNames = []string{
	"BadRequest", "InvalidParameter", "MissingParameter", "Unauthorized", "Forbidden", "NotFound",
	"MethodNotAllowed", "InternalServerError", "ServiceUnavailable",
	"Cookie.Handler.Create", "Cookie.Set", "HMAC", "Connection.Create", "Connection.Lost", "Message.Create",
	"Message.SendAndReply", "Message.InvalidReply", "Message.FailedReply", "Service.NotExist",
	"Service.Data.Get", "Service.Data.Set",
}

func TestAPICodesStatusAndMeaning(t *testing.T) {
	a, err := ParseAPICodes(bytes.NewReader(assets.APICodes()))
	if err != nil {
		t.Fatal(err)
	}
	status := map[string]int{
		"BadRequest": 400, "InvalidParameter": 400, "MissingParameter": 400, "Unauthorized": 401,
		"Forbidden": 403, "NotFound": 404, "MethodNotAllowed": 405, "InternalServerError": 500,
		"ServiceUnavailable": 503,
	}
	for _, name := range wantAPICodeNames {
		c, ok := a.Lookup(name)
		want, known := status[name]
		if !known {
			want = 500 // the 500 sub-codes
		}
		if !ok || c.Code != name || c.Status != want || c.Meaning == "" {
			t.Errorf("Lookup(%q) = %+v, %v; want status %d and a meaning", name, c, ok, want)
		}
	}
	if c, _ := a.Lookup("MissingParameter"); c.Meaning != "A required request parameter is missing." {
		t.Errorf("MissingParameter meaning = %q", c.Meaning)
	}
}

func TestAPICodesLookup(t *testing.T) {
	in := "|Code|HTTP status|Meaning|\n|---|---|---|\n" +
		"|`InvalidParameter`|400 Bad Request|A parameter is **invalid**.|\n|invalidparameter|400|lower|\n|HMAC|500|x|\n"
	a, err := ParseAPICodes(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		in, code, meaning string
		ok                bool
	}{
		{"InvalidParameter", "InvalidParameter", "A parameter is invalid.", true},
		{"invalidparameter", "invalidparameter", "lower", true}, // exact wins
		{"INVALIDPARAMETER", "InvalidParameter", "A parameter is invalid.", true},
		{" hmac ", "HMAC", "x", true},
		{"Nope", "", "", false},
		{"", "", "", false},
	}
	for _, tt := range tests {
		c, ok := a.Lookup(tt.in)
		if ok != tt.ok || c.Code != tt.code || c.Meaning != tt.meaning {
			t.Errorf("Lookup(%q) = %+v, %v", tt.in, c, ok)
		}
	}
	var none *APICodes
	if _, ok := none.Lookup("HMAC"); ok || none.All() != nil {
		t.Error("nil APICodes found something")
	}
}

func TestParseAPICodesErrors(t *testing.T) {
	head := "|Code|HTTP status|Meaning|\n|---|---|---|\n"
	for name, in := range map[string]string{
		"empty":       "",
		"header only": head,
		"bad status":  head + "|X|abc|m|\n",
		"status 99":   head + "|X|99|m|\n",
		"no meaning":  head + "|X|400||\n",
		"space code":  head + "|A B|400|m|\n",
		"two cells":   head + "|X|400|\n",
		"duplicate":   head + "|X|400|m|\n|X|500|n|\n",
	} {
		if _, err := ParseAPICodes(strings.NewReader(in)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
