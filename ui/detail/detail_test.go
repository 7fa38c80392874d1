package detail

import (
	"strings"
	"testing"
	"time"

	"edgetop/model"
	"edgetop/ui/theme"
	"edgetop/ui/uitest"
)

func explainText(t *testing.T, r *model.Record) string {
	t.Helper()
	cat, codes := uitest.Catalogs(t)
	return strings.Join(explainer{cat: cat, codes: codes}.lines(r, theme.NoColorTheme(), 200, ""), "\n")
}

func TestExplainLoginRefusedIsAboutCredentials(t *testing.T) {
	out := explainText(t, &model.Record{
		Operation: "CreateAuthCookie", Method: "POST", Status: 401,
		APICode: "Unauthorized", APIMessage: "bad credentials",
	})
	for _, want := range []string{"refused the console user or password", "check --user and the password"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
}

func TestExplain2019SuccessEnvelopeIsNotAnError(t *testing.T) {
	out := explainText(t, &model.Record{Operation: "ListThings", Method: "GET", Status: 200, APICode: "200", APIMessage: "success"})
	if strings.Contains(out, "API error") {
		t.Errorf("a 2019 success envelope is shown as an API error:\n%s", out)
	}
	out = explainText(t, &model.Record{Operation: "ListThings", Method: "GET", Status: 404, APICode: "404", APIMessage: "no such device"})
	if !strings.Contains(out, "API error") || !strings.Contains(out, "2019-09-30 numeric Code") {
		t.Errorf("a 2019 error envelope is not explained:\n%s", out)
	}
}

func TestExplainUndocumentedCodeSaysSo(t *testing.T) {
	out := explainText(t, &model.Record{Operation: "GetThingProperties", Method: "GET", Status: 421, APICode: "TooManyConnections"})
	if !strings.Contains(out, "not in the documented 2020-04-30 Code list") {
		t.Errorf("undocumented Code not flagged:\n%s", out)
	}
}

// TestActionSaidOnce: what the client did is one sentence, its delay and
// its reason each said once (it used to read "Backed off 76ms and retried.
// (refused: backed off 77ms and retried)").
func TestActionSaidOnce(t *testing.T) {
	for _, tt := range []struct {
		a    model.Action
		want string
	}{
		{model.Action{Kind: model.ActionBackoff, Delay: 76 * time.Millisecond, Detail: "refused"}, "Backed off 76ms and retried (refused)."},
		{model.Action{Kind: model.ActionBackoff, Delay: time.Second, Detail: "503, Retry-After: 1"}, "Backed off 1.0s and retried (503, Retry-After: 1)."},
		{model.Action{Kind: model.ActionRedirect, Detail: "to /2020-04-30/things"}, "Followed the redirect to /2020-04-30/things."},
		{model.Action{Kind: model.ActionRenewed, Detail: "the gateway rejected the cookie"}, "Renewed the auth cookie and retried (the gateway rejected the cookie)."},
		{model.Action{Kind: model.ActionGaveUp, Detail: "500 on a read, after 2 attempts"}, "Stopped retrying (500 on a read, after 2 attempts); the error went to the caller."},
	} {
		if got := actionText(&model.Record{Action: tt.a}); got != tt.want {
			t.Errorf("%+v: %q, want %q", tt.a, got, tt.want)
		}
	}
}

// TestExplainNoResponse: an exchange that got no answer says so instead of
// describing an empty response.
func TestExplainNoResponse(t *testing.T) {
	out := explainText(t, &model.Record{
		Operation: "ListThings", Method: "GET", Duration: 3 * time.Millisecond, BytesOut: 12,
		Err: &model.TransportError{Kind: model.ErrRefused, Text: "connection refused"},
	})
	if !strings.Contains(out, "No response · failed after 3.0ms") || strings.Contains(out, "Response ·") ||
		!strings.Contains(out, "12B out") {
		t.Errorf("no-response exchange:\n%s", out)
	}
}

// TestExplainNamesAProductAlone: a product's request (GetTSL) names the
// product, not a device "pk/".
func TestExplainNamesAProductAlone(t *testing.T) {
	out := explainText(t, &model.Record{Operation: "GetTSL", Method: "GET", Path: "/2020-04-30/products/a1Light/tsl", ProductKey: "a1Light", Status: 200})
	if !strings.Contains(out, "Product: a1Light ") || strings.Contains(out, "Device:") || strings.Count(out, "a1Light/") != 1 { // the path's
		t.Errorf("a product alone:\n%s", out)
	}
	out = explainText(t, &model.Record{Operation: "GetThingProperties", Method: "GET", ProductKey: "a1Light", DeviceName: "Light01", Status: 200})
	if !strings.Contains(out, "Device: a1Light/Light01") {
		t.Errorf("a device:\n%s", out)
	}
}
