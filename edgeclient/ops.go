package edgeclient

import (
	"net/url"
	"strings"
)

// The operation names used in records, one per edge API operation.
const (
	OpCreateAuthCookie   = "CreateAuthCookie"
	OpDeleteAuthCookie   = "DeleteAuthCookie"
	OpListThings         = "ListThings"
	OpSearchThings       = "SearchThings"
	OpGetThingProperties = "GetThingProperties"
	OpSetThingProperties = "SetThingProperties"
	OpCallThingServices  = "CallThingServices"
	OpBulkActions        = "BulkActions" // the action is in the body: see the four below
	OpBulkGetProperties  = "BulkActions.GetProperties"
	OpBulkSetProperties  = "BulkActions.SetProperties"
	OpBulkCallServices   = "BulkActions.CallServices"
	OpBulkWatch          = "BulkActions.Watch"
	OpGetTSL             = "GetTSL"
	OpInvokeFunction     = "InvokeFunction"
	OpListScenes         = "ListScenes"
	OpEnableScene        = "EnableScene"
	OpDisableScene       = "DisableScene"
	OpUnknown            = "Unknown"
)

// Versions of the edge API.
const (
	Version2020 = "2020-04-30"
	Version2019 = "2019-09-30"
)

// OperationFor maps an HTTP method and request path (query allowed, double
// slashes tolerated, version prefix optional) to the edge API operation and
// the device it names. BulkActions is returned without its action, which is
// in the request body. A known path with a method no operation takes is
// named by its resource and the method, e.g. "things (DELETE)", so a 405
// row says what was tried; other requests give OpUnknown. It is pure and
// safe for concurrent use.
func OperationFor(method, path string) (op, productKey, deviceName string) {
	rawQuery := ""
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path, rawQuery = path[:i], path[i+1:]
	}
	var segs [6]string
	n := 0
	for _, s := range strings.Split(path, "/") {
		if s == "" {
			continue
		}
		if n == len(segs) {
			return OpUnknown, "", ""
		}
		if u, err := url.PathUnescape(s); err == nil {
			s = u
		}
		segs[n] = s
		n++
	}
	p := segs[:n]
	if len(p) > 0 && (p[0] == Version2020 || p[0] == Version2019) {
		p = p[1:]
	}
	method = strings.ToUpper(method)
	if len(p) == 0 {
		return OpUnknown, "", ""
	}
	p[0] = canonicalCollection(p[0])
	if p[0] == "auth" && len(p) > 1 && strings.EqualFold(p[1], "cookie") {
		p[1] = "cookies" // the legacy singular spelling a gateway redirects
	}
	var pk, dn string
	switch p[0] {
	case "auth":
		op, pk, dn = authOp(method, p)
	case "things":
		op, pk, dn = thingsOp(method, p, rawQuery)
	case "tsls":
		op = OpUnknown
		if len(p) == 2 {
			pk = p[1]
			if method == "GET" {
				op = OpGetTSL
			}
		}
	case "functions":
		op = OpUnknown
		if method == "POST" && len(p) == 3 && p[2] == "invocations" {
			op = OpInvokeFunction
		}
	case "scenes":
		op, pk, dn = scenesOp(method, p)
	default:
		return OpUnknown, "", ""
	}
	if op == OpUnknown {
		if res := knownResource(p); res != "" {
			return res + " (" + method + ")", pk, dn
		}
	}
	return op, pk, dn
}

// knownResource names the resource of a path the API has (with some
// method), or "" when the path is not the API's.
func knownResource(p []string) string {
	last := p[len(p)-1]
	switch {
	case len(p) == 1 && (p[0] == "things" || p[0] == "scenes"):
		return p[0]
	case len(p) == 2 && p[0] == "things" && (last == "search" || last == "bulk"):
		return "things/" + last
	case len(p) == 2 && p[0] == "auth" && last == "cookies":
		return "auth/cookies"
	case len(p) == 3 && p[0] == "auth" && p[1] == "cookies":
		return "auth/cookies/{Token}"
	case len(p) == 4 && p[0] == "things" && (last == "properties" || last == "services"):
		return last
	case len(p) == 2 && p[0] == "tsls":
		return "tsls"
	case len(p) == 3 && p[0] == "functions" && last == "invocations":
		return "invocations"
	case len(p) == 3 && p[0] == "scenes" && (last == "enable" || last == "disable"):
		return "scenes/" + last
	}
	return ""
}

func authOp(method string, p []string) (string, string, string) {
	if len(p) < 2 || p[1] != "cookies" {
		return OpUnknown, "", ""
	}
	switch {
	case method == "POST" && len(p) == 2:
		return OpCreateAuthCookie, "", ""
	case method == "DELETE" && len(p) == 3:
		return OpDeleteAuthCookie, "", ""
	}
	return OpUnknown, "", ""
}

func thingsOp(method string, p []string, rawQuery string) (string, string, string) {
	switch {
	case len(p) == 1 && method == "GET":
		q, _ := url.ParseQuery(rawQuery)
		return OpListThings, queryFold(q, "productkey"), queryFold(q, "devicename")
	case len(p) == 2 && p[1] == "search" && method == "POST":
		return OpSearchThings, "", ""
	case len(p) == 2 && p[1] == "bulk" && method == "POST":
		return OpBulkActions, "", ""
	case len(p) == 4 && p[3] == "properties" && method == "GET":
		return OpGetThingProperties, p[1], p[2]
	case len(p) == 4 && p[3] == "properties" && method == "POST":
		return OpSetThingProperties, p[1], p[2]
	case len(p) == 4 && p[3] == "services" && method == "POST":
		return OpCallThingServices, p[1], p[2]
	case len(p) == 4:
		return OpUnknown, p[1], p[2]
	}
	return OpUnknown, "", ""
}

func scenesOp(method string, p []string) (string, string, string) {
	switch {
	case len(p) == 1 && method == "GET":
		return OpListScenes, "", ""
	case len(p) == 3 && method == "POST" && p[2] == "enable":
		return OpEnableScene, "", ""
	case len(p) == 3 && method == "POST" && p[2] == "disable":
		return OpDisableScene, "", ""
	}
	return OpUnknown, "", ""
}

// canonicalCollection names a path's first segment as the API spells it,
// so that a legacy or non-canonical spelling ("thing", "Things"), which a
// gateway answers with a redirect, is still named by its operation.
func canonicalCollection(s string) string {
	s = strings.ToLower(s)
	switch s {
	case "thing", "tsl", "function", "scene":
		return s + "s"
	}
	return s
}

// queryFold returns the first value of key, matched case-insensitively.
func queryFold(q url.Values, key string) string {
	for k, v := range q {
		if strings.EqualFold(k, key) && len(v) > 0 {
			return v[0]
		}
	}
	return ""
}
