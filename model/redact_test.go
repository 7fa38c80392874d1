package model

import (
	"strings"
	"testing"
)

func TestRedactorMasksImportedSecrets(t *testing.T) {
	var x Redactor
	login := Record{
		RequestHeaders:  []Header{{Name: "Authorization", Value: "Basic YWRtaW46czNjcmV0UGFzcw=="}},
		ResponseHeaders: []Header{{Name: "Set-Cookie", Value: "token=e82c2e9b7fe55a42143d89d1d635cd90; Max-Age=3600; Path=/"}},
		APIMessage:      "welcome YWRtaW46czNjcmV0UGFzcw==",
	}
	later := Record{
		Path:            "/2020-04-30/auth/cookies/e82c2e9b7fe55a42143d89d1d635cd90",
		RequestHeaders:  []Header{{Name: "Cookie", Value: "token=e82c2e9b7fe55a42143d89d1d635cd90"}, {Name: "X-Auth-Token", Value: "abcdef123456"}},
		ResponseBody:    Body{Preview: `{"token":"e82c2e9b7fe55a42143d89d1d635cd90","k":"abcdef123456"}`},
		ResponseHeaders: []Header{{Name: "Set-Cookie", Value: "token=e82c2e9b7fe55a42143d89d1d635cd90; Max-Age=3600"}},
	}
	x.Redact(&login)
	x.Redact(&later)
	for _, r := range []Record{login, later} {
		all := r.Path + r.APIMessage + r.ResponseBody.Preview
		for _, h := range append(r.RequestHeaders, r.ResponseHeaders...) {
			all += h.Value
		}
		for _, secret := range []string{"YWRtaW46czNjcmV0UGFzcw==", "e82c2e9b7fe55a42143d89d1d635cd90", "abcdef123456"} {
			if strings.Contains(all, secret) {
				t.Errorf("%q left in clear in %q", secret, all)
			}
		}
	}
	if !strings.Contains(login.ResponseHeaders[0].Value, "Max-Age=3600") {
		t.Errorf("the cookie's attributes went too: %q", login.ResponseHeaders[0].Value)
	}
}
