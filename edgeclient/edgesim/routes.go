package edgesim

import (
	"net/http"
	"slices"
	"strings"
)

// route is one operation's method and path template (after the version
// segment). "{name}" segments are variables.
type route struct {
	method   string
	pattern  []string
	op       string
	only2020 bool
	handle   func(*call)
}

// routes is the API's route table.
func (s *Server) routes() []route {
	return []route{
		{http.MethodPost, seg("auth/cookies"), "CreateAuthCookie", false, s.createAuthCookie},
		{http.MethodDelete, seg("auth/cookies/{token}"), "DeleteAuthCookie", false, s.deleteAuthCookie},
		{http.MethodGet, seg("things"), "ListThings", false, s.listThings},
		{http.MethodPost, seg("things/search"), "SearchThings", true, s.searchThings},
		{http.MethodPost, seg("things/bulk"), "BulkActions", false, s.bulkActions},
		{http.MethodGet, seg("things/{pk}/{dn}/properties"), "GetThingProperties", false, s.getThingProperties},
		{http.MethodPost, seg("things/{pk}/{dn}/properties"), "SetThingProperties", false, s.setThingProperties},
		{http.MethodPost, seg("things/{pk}/{dn}/services"), "CallThingServices", false, s.callThingServices},
		{http.MethodGet, seg("tsls/{pk}"), "GetTSL", true, s.getTSL},
		{http.MethodPost, seg("functions/{fn}/invocations"), "InvokeFunction", false, s.invokeFunction},
		{http.MethodGet, seg("scenes"), "ListScenes", true, s.listScenes},
		{http.MethodPost, seg("scenes/{scene}/enable"), "EnableScene", true, s.enableScene},
		{http.MethodPost, seg("scenes/{scene}/disable"), "DisableScene", true, s.disableScene},
	}
}

func seg(p string) []string { return strings.Split(p, "/") }

// match reports whether segs fits pattern and returns its variables.
func match(pattern, segs []string) (map[string]string, bool) {
	if len(pattern) != len(segs) {
		return nil, false
	}
	var params map[string]string
	for i, p := range pattern {
		if strings.HasPrefix(p, "{") {
			if segs[i] == "" {
				return nil, false
			}
			if params == nil {
				params = map[string]string{}
			}
			params[p[1:len(p)-1]] = segs[i]
			continue
		}
		if p != segs[i] {
			return nil, false
		}
	}
	return params, true
}

// resolution is what the router decided for a request path.
type resolution struct {
	route    *route
	params   map[string]string
	ver      string
	status   int    // 0: dispatch route; else 302, 404 or 405
	location string // for 302
	allow    []string
}

// resolve routes a request. Slashes are merged first (nginx merge_slashes:
// the docs' own `//2020-04-30/...` examples succeed); then a known version
// and path dispatch, a wrong method is 405, and a non-canonical spelling of
// a known path (trailing slash, no version, singular or capitalised
// collection, legacy `auth/cookie`) is 302 to the canonical one.
func (s *Server) resolve(method, rawPath, query string) resolution {
	path := mergeSlashes(rawPath)
	segs := strings.Split(strings.TrimPrefix(path, "/"), "/")
	ver := segs[0]
	if ver == V2019 || ver == V2020 {
		res := s.lookup(method, ver, segs[1:])
		if res.status != 404 {
			return res
		}
		if canon := canonical(segs[1:]); canon != nil {
			if r2 := s.lookup(method, ver, canon); r2.status != 404 {
				return redirect(ver, canon, query)
			}
		}
		return res
	}
	// No version: a path of the latest version without its prefix.
	canon := canonical(segs)
	if canon == nil {
		canon = segs
	}
	if r2 := s.lookup(method, V2020, canon); r2.status != 404 {
		return redirect(V2020, canon, query)
	}
	return resolution{ver: V2020, status: 404}
}

// lookup finds the route for method and segments within one version.
func (s *Server) lookup(method, ver string, segs []string) resolution {
	res := resolution{ver: ver, status: 404}
	for i := range s.table {
		rt := &s.table[i]
		if rt.only2020 && ver != V2020 {
			continue
		}
		params, ok := match(rt.pattern, segs)
		if !ok {
			continue
		}
		if rt.method == method {
			return resolution{route: rt, params: params, ver: ver}
		}
		res.status = 405
		if !slices.Contains(res.allow, rt.method) {
			res.allow = append(res.allow, rt.method)
		}
	}
	return res
}

// redirect builds a 302 to the canonical path.
func redirect(ver string, segs []string, query string) resolution {
	loc := "/" + ver + "/" + strings.Join(segs, "/")
	if query != "" {
		loc += "?" + query
	}
	return resolution{ver: ver, status: 302, location: loc}
}

// legacyNames maps non-canonical first segments to canonical ones.
var legacyNames = map[string]string{
	"thing": "things", "tsl": "tsls", "scene": "scenes", "function": "functions",
}

// canonical returns the canonical spelling of segs, or nil when it is
// already canonical: trailing slash dropped, literal segments lowercased
// (variables keep their case), singular collections made plural, and the
// legacy `auth/cookie` made `auth/cookies`.
func canonical(segs []string) []string {
	out := slices.Clone(segs)
	if n := len(out); n > 1 && out[n-1] == "" {
		out = out[:n-1]
	}
	if len(out) == 0 {
		return nil
	}
	first := strings.ToLower(out[0])
	if plural, ok := legacyNames[first]; ok {
		first = plural
	}
	out[0] = first
	switch first {
	case "auth":
		if len(out) > 1 && strings.EqualFold(out[1], "cookie") {
			out[1] = "cookies"
		}
		lowerAt(out, 1)
	case "things":
		if len(out) == 2 {
			lowerAt(out, 1) // search, bulk
		}
		lowerAt(out, 3)
	case "functions":
		lowerAt(out, 2)
	case "scenes":
		lowerAt(out, 2)
	}
	if slices.Equal(out, segs) {
		return nil
	}
	return out
}

// lowerAt lowercases segs[i] if it exists.
func lowerAt(segs []string, i int) {
	if i < len(segs) {
		segs[i] = strings.ToLower(segs[i])
	}
}

// mergeSlashes collapses runs of '/' into one.
func mergeSlashes(p string) string {
	if !strings.Contains(p, "//") {
		return p
	}
	var b strings.Builder
	prev := byte(0)
	for i := 0; i < len(p); i++ {
		if p[i] == '/' && prev == '/' {
			continue
		}
		prev = p[i]
		b.WriteByte(p[i])
	}
	return b.String()
}
