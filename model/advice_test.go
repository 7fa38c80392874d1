package model

import (
	"strings"
	"testing"
)

func TestAdvice(t *testing.T) {
	tests := []struct {
		status int
		code   string
		want   string // a phrase the advice must hold; "" for no advice
	}{
		{200, "", ""},
		{201, "", ""},
		{0, "", "9999"},
		{302, "", "API version"},
		{400, "", "parameters"},
		{400, "InvalidParameter", "ProductKey/DeviceName"},
		{400, "MissingParameter", "missing parameter"},
		{400, "400", "parameters"}, // a 2019-09-30 numeric Code says nothing more
		{401, "Unauthorized", "CreateAuthCookie"},
		{403, "Forbidden", "gateway console"},
		{404, "NotFound", "ProductKey and DeviceName"},
		{405, "", "method"},
		{421, "TooManyConnections", "reduce parallel connections"},
		{429, "", "Retry-After"},
		{500, "Message.FailedReply", "TSL"},
		{500, "service.notexist", "start it"},
		{500, "", "logs"},
		{503, "ServiceUnavailable", "maintenance"},
		{418, "", "refused"},
		{599, "", "backoff"},
		{399, "", "redirects"},
		{999, "", "does not define"},
	}
	for _, tt := range tests {
		got := Advice(tt.status, tt.code)
		if tt.want == "" && got != "" || !strings.Contains(got, tt.want) {
			t.Errorf("Advice(%d, %q) = %q, want it to mention %q", tt.status, tt.code, got, tt.want)
		}
	}
}

func TestAdviceCoversEveryDocumentedCode(t *testing.T) {
	for _, e := range wantTable {
		if e.Class.IsError() && Advice(e.Code, "") == "" {
			t.Errorf("no advice for %d", e.Code)
		}
	}
	for _, name := range wantAPICodeNames {
		if Advice(500, name) == "" {
			t.Errorf("no advice for %s", name)
		}
	}
}

func TestAdviceForLoginRefused(t *testing.T) {
	login := &Record{Operation: "CreateAuthCookie", Status: 401, APICode: "Unauthorized"}
	if got := AdviceFor(login); !strings.Contains(got, "refused the console user or password") {
		t.Errorf("AdviceFor(CreateAuthCookie 401) = %q", got)
	}
	call := &Record{Operation: "ListThings", Status: 401, APICode: "Unauthorized"}
	if got, want := AdviceFor(call), Advice(401, "Unauthorized"); got != want {
		t.Errorf("AdviceFor(ListThings 401) = %q, want the status advice %q", got, want)
	}
}

// TestAdviceForRenewedCookie: a 401 the client fixed by renewing the
// cookie asks nothing of the operator; one it could not fix still does.
func TestAdviceForRenewedCookie(t *testing.T) {
	fixed := &Record{Operation: "GetThingProperties", Status: 401, Action: Action{Kind: ActionRenewed}}
	if a := AdviceFor(fixed); !strings.HasPrefix(a, "Nothing to do") || strings.Contains(a, "password") {
		t.Errorf("renewed 401: %q", a)
	}
	failed := &Record{Operation: "GetThingProperties", Status: 401, Action: Action{Kind: ActionGaveUp}}
	if a := AdviceFor(failed); !strings.Contains(a, "password") {
		t.Errorf("401 not fixed: %q", a)
	}
}

func TestAdviceForPinMismatch(t *testing.T) {
	r := &Record{Err: &TransportError{Kind: ErrTLS, Text: "tls: certificate pin mismatch: want sha256:aa, got sha256:bb"}}
	if got := AdviceFor(r); !strings.Contains(got, "not the pinned one") {
		t.Errorf("pin mismatch advice %q", got)
	}
	r.Err.Text = "tls: failed to verify certificate: x509: certificate signed by unknown authority"
	if got := AdviceFor(r); got != transportAdvice[ErrTLS] {
		t.Errorf("unknown authority advice %q", got)
	}
}
