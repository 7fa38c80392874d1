package model

import "strings"

// apiCodeAdvice is what the operator can do per API error Code, where the
// Code says more than its HTTP status. Keys are lower case.
var apiCodeAdvice = map[string]string{
	"invalidparameter": "Fix the named parameter: check ProductKey/DeviceName, identifiers (at most 100), property " +
		"values against the device's TSL, and that the body is valid JSON.",
	"missingparameter": "Add the missing parameter (Properties, Services, Things, identifiers...) and send the " +
		"request again.",
	"cookie.handler.create": "The gateway could not create a session: try again shortly; if it persists, check the " +
		"gateway's logs and restart its edge API service.",
	"cookie.set": "The gateway could not store the session: check free disk and memory on the gateway, then " +
		"sign in again.",
	"hmac": "The gateway failed to sign the session: retry; if it persists, check the gateway's logs.",
	"connection.create": "The gateway cannot reach its internal service: check that Link IoT Edge is running on the " +
		"gateway (lectl status), then retry.",
	"connection.lost": "The gateway lost its internal service mid-call: retry after a moment; check the gateway's " +
		"logs if it repeats.",
	"message.create": "The gateway could not build the internal message: check the request's values, then the " +
		"gateway's logs.",
	"message.sendandreply": "The device or service did not answer in time: check that the device is online and " +
		"its driver is running, then retry.",
	"message.invalidreply": "The device's driver replied with malformed data: check the driver's logs and version.",
	"message.failedreply": "The device or service refused the call: check ProductKey/DeviceName, the service or " +
		"property identifiers and their values against the TSL, and the driver's logs.",
	"service.notexist": "The service behind this call is not running: check the driver, function or scene in the " +
		"gateway console and start it.",
	"service.data.get": "The gateway's data center could not be read: retry; check the gateway's disk and logs.",
	"service.data.set": "The gateway's data center could not be written: check free disk on the gateway, then retry.",
}

// statusAdvice is what the operator can do per HTTP status.
var statusAdvice = map[int]string{
	0: "No response came: check the gateway address and port (9999), that the gateway is up and reachable, and " +
		"TLS trust (--ca-file with the gateway's ca.x509.pem, or --pin).",
	302: "The gateway redirected the call: check the API version (--api-version) and the gateway URL.",
	400: "Fix the request: check the parameters (ProductKey, DeviceName, identifiers, values) and the JSON body; " +
		"the same request fails again unchanged.",
	401: "Sign in again (CreateAuthCookie); if that fails too, check the user name and password in the gateway " +
		"console.",
	403: "The user lacks permission for this API: grant it in the gateway console (https://GATEWAY:9999), or use " +
		"another user.",
	404: "Check ProductKey and DeviceName (or the scene or function name) and the API version; the resource does " +
		"not exist on this gateway.",
	405: "This operation does not accept that HTTP method: check the API version and the client.",
	421: "Too many connections from this IP: reduce parallel connections and reuse keep-alive ones; clients " +
		"behind the same NAT or proxy share the limit.",
	429: "Too many requests: slow down, and honour Retry-After before retrying.",
	500: "The gateway failed: retry later, and check the gateway's logs if it persists.",
	502: "A proxy in front of the gateway got no valid answer: check the proxy and that the gateway is running.",
	503: "The gateway is in maintenance or overloaded: wait and retry with backoff (honour Retry-After).",
	504: "A proxy in front of the gateway timed out: check the gateway's load and the network to it.",
}

// Advice is short advice for the operator about an exchange that ended with
// status (0: no response) and, when the body had one, the API's error Code.
// The Code's advice wins when it says more than the status; "" when there is
// nothing to do.
func Advice(status int, apiCode string) string {
	if a, ok := apiCodeAdvice[strings.ToLower(strings.TrimSpace(apiCode))]; ok {
		return a
	}
	if a, ok := statusAdvice[status]; ok {
		return a
	}
	switch ClassOf(status) {
	case Class2xx, Class1xx:
		return ""
	case Class3xx:
		return "The client follows redirects; if this one repeats, check the gateway URL and API version."
	case Class4xx:
		return "The gateway refused the request as sent: check its parameters, credentials and rate."
	case Class5xx:
		return "The gateway failed: retry later with backoff, and check its logs if it persists."
	default:
		return "The gateway sent a status HTTP does not define: check what answers at this address."
	}
}

// loginRefusedAdvice is the advice for CreateAuthCookie answered 401: the
// table's 401 text is about an expired cookie, but here there was no cookie
// yet — the console credentials themselves were refused.
const loginRefusedAdvice = "The gateway refused the console user or password: check --user and the password " +
	"(EDGETOP_PASSWORD or --password-file). The credentials are the edge gateway console's; on Link IoT Edge " +
	"v2.4.7 and later the admin sets the password with `lectl console password`."

// transportAdvice is what the operator can do per transport error kind,
// for exchanges with no usable response.
var transportAdvice = map[ErrKind]string{
	ErrRefused: "Nothing accepted the connection: check the gateway address and port (9999), that the gateway " +
		"is up, and any firewall between.",
	ErrDNS: "The gateway's name did not resolve: check the spelling of the host in --gateway, the DNS server " +
		"(/etc/resolv.conf) or use the gateway's IP address.",
	ErrTimeout: "The gateway did not answer in time: check its load and the network to it; a device call that " +
		"waits on a slow device can take long too (--timeout).",
	ErrTLS: "The gateway's certificate was not trusted: if it is the one you expect, pin it (--pin with the " +
		"fingerprint shown) or trust its CA (--ca-file with the gateway's ca.x509.pem).",
	ErrReset: "The connection was cut: check the network path to the gateway (a proxy, NAT or unstable link) " +
		"and the gateway's load; reads are retried.",
	ErrTruncated: "The answer was cut short (or was over the size cap): check the network path to the gateway " +
		"and any proxy in front of it; reads are retried.",
	ErrMalformed: "The body is not the edge API's JSON: check what answers at this address (a proxy's error " +
		"page?) and the API version (--api-version).",
}

// pinMismatchAdvice is the advice for a certificate that is not the
// pinned one: either the gateway's certificate was renewed, or something
// else answers at its address.
const pinMismatchAdvice = "The gateway's certificate is not the pinned one: if its certificate was renewed " +
	"(check on the gateway), pin the new fingerprint shown; if not, something else answers at this address " +
	"(a proxy or an attacker): do not pin it."

// cookieRenewedAdvice is the advice for a 401 the client fixed itself.
const cookieRenewedAdvice = "Nothing to do: the cookie had run out, and edgetop logged in again " +
	"(CreateAuthCookie) and retried; the next rows show both."

// AdviceFor is Advice for one exchange: like Advice, but it knows that a
// 401 on CreateAuthCookie means wrong credentials, not an expired cookie,
// and that an exchange the client could not use (no response, or a 2xx
// with a broken body) is about its transport error.
func AdviceFor(r *Record) string {
	switch {
	case r.Operation == "CreateAuthCookie" && r.Status == 401:
		return loginRefusedAdvice
	case r.Status == 401 && r.Action.Kind == ActionRenewed:
		// The client fixed it: the cookie had run out, it got a new one.
		return cookieRenewedAdvice
	case r.Err != nil && r.Err.Kind == ErrTLS && strings.Contains(r.Err.Text, "pin mismatch"):
		return pinMismatchAdvice
	case r.Err != nil && (r.Status == 0 || r.Unusable()):
		if a, ok := transportAdvice[r.Err.Kind]; ok {
			return a
		}
	}
	return Advice(r.Status, r.APICode)
}
