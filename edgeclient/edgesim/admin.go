package edgesim

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// adminPrefix is where the admin endpoint lives, on the API's listener.
const adminPrefix = "/__edgesim"

// maxAdminRules bounds the rules the admin endpoint accepts.
const maxAdminRules = 256

// adminStatus is GET /__edgesim/.
type adminStatus struct {
	Faults      []FaultRule
	Maintenance bool
	// MaintenanceLeft is the remaining window, e.g. "12s".
	MaintenanceLeft string `json:",omitempty"`
	ConnLimit       int
	Conns           map[string]int
	Tokens          int
	Watchers        int
	// Requests is how many API requests the gateway received (Requests).
	Requests uint64
}

// serveAdmin is the admin endpoint, loopback clients only:
//
//	GET    /__edgesim/              status: faults, maintenance, connections, requests received
//	GET    /__edgesim/faults        list fault rules
//	POST   /__edgesim/faults        add one: {"Spec":"op=...,code=500"} or a FaultRule object
//	DELETE /__edgesim/faults        clear every rule (and a manual maintenance window)
//	DELETE /__edgesim/faults/{id}   remove one rule
//	POST   /__edgesim/maintenance   start a window: {"For":"30s"}
//	DELETE /__edgesim/maintenance   end it
//	GET    /__edgesim/connlimit     {"Limit":n,"Conns":{ip:n}}
//	POST   /__edgesim/connlimit     {"Limit":n}
//	DELETE /__edgesim/watchers      cut every open Watch stream
//	DELETE /__edgesim/cookies       expire every auth cookie now
//	GET    /__edgesim/devices       the devices and their demo roles
func (s *Server) serveAdmin(w http.ResponseWriter, r *http.Request, path string) {
	if !isLoopback(r.RemoteAddr) {
		adminJSON(w, 403, map[string]string{"Error": "the admin endpoint is for loopback clients only"})
		return
	}
	path = strings.Trim(path, "/")
	switch {
	case path == "" && r.Method == http.MethodGet:
		adminJSON(w, 200, s.adminStatus())
	case path == "faults" || strings.HasPrefix(path, "faults/"):
		s.adminFaults(w, r, strings.TrimPrefix(strings.TrimPrefix(path, "faults"), "/"))
	case path == "maintenance":
		s.adminMaintenance(w, r)
	case path == "connlimit":
		s.adminConnLimit(w, r)
	case path == "watchers" && r.Method == http.MethodDelete:
		adminJSON(w, 200, map[string]int{"Dropped": s.DropWatchers()})
	case path == "cookies" && r.Method == http.MethodDelete:
		adminJSON(w, 200, map[string]int{"Expired": s.ExpireCookies()})
	case path == "devices" && r.Method == http.MethodGet:
		adminJSON(w, 200, s.Devices())
	default:
		adminJSON(w, 404, map[string]string{"Error": "unknown admin call " + r.Method + " " + r.URL.Path})
	}
}

func (s *Server) adminStatus() adminStatus {
	left, on := s.faults.maintenance(s.opts.Now())
	limit, conns := s.conns.snapshot()
	st := adminStatus{
		Faults: s.faults.List(), Maintenance: on, ConnLimit: limit, Conns: conns, Tokens: s.tokens.size(),
		Requests: s.Requests(),
	}
	if on {
		st.MaintenanceLeft = left.Round(time.Second).String()
	}
	s.streamMu.Lock()
	st.Watchers = s.watchers
	s.streamMu.Unlock()
	return st
}

// adminFaults lists, adds and removes fault rules.
func (s *Server) adminFaults(w http.ResponseWriter, r *http.Request, id string) {
	switch {
	case r.Method == http.MethodGet && id == "":
		adminJSON(w, 200, s.faults.List())
	case r.Method == http.MethodPost && id == "":
		if len(s.faults.List()) >= maxAdminRules {
			adminJSON(w, 400, map[string]string{"Error": "too many fault rules; clear some first"})
			return
		}
		rule, err := decodeRule(r)
		if err != nil {
			adminJSON(w, 400, map[string]string{"Error": err.Error()})
			return
		}
		rule.ID = s.faults.Add(rule)
		adminJSON(w, 201, rule)
	case r.Method == http.MethodDelete && id == "":
		s.faults.Clear()
		adminJSON(w, 200, map[string]string{"Result": "cleared"})
	case r.Method == http.MethodDelete:
		n, err := strconv.Atoi(id)
		if err != nil || !s.faults.Remove(n) {
			adminJSON(w, 404, map[string]string{"Error": "no fault rule " + id})
			return
		}
		adminJSON(w, 200, map[string]string{"Result": "removed"})
	default:
		adminJSON(w, 405, map[string]string{"Error": r.Method + " not allowed here"})
	}
}

// decodeRule reads {"Spec":"..."} or a FaultRule object.
func decodeRule(r *http.Request) (FaultRule, error) {
	var raw json.RawMessage
	if err := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 64<<10)).Decode(&raw); err != nil {
		return FaultRule{}, err
	}
	var spec struct{ Spec string }
	if json.Unmarshal(raw, &spec) == nil && spec.Spec != "" {
		return ParseFault(spec.Spec)
	}
	var rule FaultRule
	if err := json.Unmarshal(raw, &rule); err != nil {
		return rule, err
	}
	return rule, rule.Validate()
}

// adminMaintenance starts or ends a maintenance window.
func (s *Server) adminMaintenance(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodDelete:
		s.faults.Maintenance(0)
		adminJSON(w, 200, map[string]string{"Result": "maintenance ended"})
	case http.MethodPost:
		var body struct{ For string }
		_ = json.NewDecoder(http.MaxBytesReader(nil, r.Body, 4096)).Decode(&body)
		if body.For == "" {
			body.For = r.URL.Query().Get("for")
		}
		d, err := time.ParseDuration(body.For)
		if err != nil || d <= 0 {
			adminJSON(w, 400, map[string]string{"Error": `want {"For":"30s"}`})
			return
		}
		s.faults.Maintenance(d)
		adminJSON(w, 200, map[string]string{"Result": "maintenance for " + d.String()})
	default:
		adminJSON(w, 405, map[string]string{"Error": r.Method + " not allowed here"})
	}
}

// adminConnLimit reads or sets the per-IP connection limit.
func (s *Server) adminConnLimit(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost {
		var body struct{ Limit *int }
		if err := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 4096)).Decode(&body); err != nil || body.Limit == nil {
			adminJSON(w, 400, map[string]string{"Error": `want {"Limit":n}`})
			return
		}
		s.SetConnLimit(*body.Limit)
	} else if r.Method != http.MethodGet {
		adminJSON(w, 405, map[string]string{"Error": r.Method + " not allowed here"})
		return
	}
	limit, conns := s.conns.snapshot()
	adminJSON(w, 200, map[string]any{"Limit": limit, "Conns": conns})
}

// adminJSON writes an admin reply.
func adminJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", jsonType)
	w.WriteHeader(status)
	_, _ = w.Write(append(marshal(v), '\n'))
}
