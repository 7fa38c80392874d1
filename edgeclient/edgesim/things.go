package edgesim

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// maxIdentifiers is the documented cap on GetThingProperties identifiers.
const maxIdentifiers = 100

// thingJSON is one device as ListThings and SearchThings return it,
// NickName included (the docs' examples carry it).
type thingJSON struct {
	ProductName string `json:"ProductName"`
	ProductKey  string `json:"ProductKey"`
	DeviceName  string `json:"DeviceName"`
	NickName    string `json:"NickName"`
	DriverId    string `json:"DriverId"` //nolint:revive // the API's spelling
	DriverName  string `json:"DriverName"`
	Tags        any    `json:"Tags"`
	Status      string `json:"Status"`
	Connected   bool   `json:"Connected"`
	ConnectTime string `json:"ConnectTime"`
}

// thing renders d at the call's time. Tags is a map, or [] when empty, as
// in the docs' examples.
func (c *call) thing(d *device) thingJSON {
	w := c.s.world
	var tags any = emptyList
	if len(d.def.Tags) > 0 {
		tags = d.def.Tags
	}
	return thingJSON{
		ProductName: d.prod.Name, ProductKey: d.prod.Key, DeviceName: d.def.Name,
		NickName: d.def.NickName, DriverId: d.prod.DriverID, DriverName: d.prod.DriverName,
		Tags: tags, Status: w.status(d, c.now), Connected: w.online(d, c.now),
		ConnectTime: strconv.FormatInt(w.connectTime(d, c.now), 10),
	}
}

// things renders a device list, [] when empty.
func (c *call) things(ds []*device) map[string]any {
	out := make([]thingJSON, 0, len(ds))
	for _, d := range ds {
		out = append(out, c.thing(d))
	}
	return map[string]any{"Things": out}
}

// query returns the values of a query key, matched case-insensitively
// (the docs write productkey, identifiers; clients may not).
func (c *call) query(key string) []string {
	var out []string
	for k, vs := range c.r.URL.Query() {
		if strings.EqualFold(k, key) {
			out = append(out, vs...)
		}
	}
	return out
}

// listThings is ListThings; 2020-04-30 filters by productkey/devicename.
func (s *Server) listThings(c *call) {
	var pk, dn string
	if c.ver == V2020 {
		pk, dn = first(c.query("productkey")), first(c.query("devicename"))
	}
	if pk != "" && s.world.byKey[pk] == nil {
		c.fail(404, "NotFound", "product "+pk+" not found")
		return
	}
	var out []*device
	for _, d := range s.world.devices {
		if (pk == "" || d.prod.Key == pk) && (dn == "" || d.def.Name == dn) {
			out = append(out, d)
		}
	}
	if dn != "" && len(out) == 0 {
		c.fail(404, "NotFound", "device "+dn+" not found")
		return
	}
	c.ok(200, c.things(out))
}

func first(vs []string) string {
	if len(vs) == 0 {
		return ""
	}
	return vs[0]
}

// searchThings is SearchThings: devices having every tag of the body.
// Tags may be a map or the schema's array of single-pair maps.
func (s *Server) searchThings(c *call) {
	var body struct{ Tags json.RawMessage }
	if !c.decode(&body) {
		return
	}
	want, err := parseTags(body.Tags)
	if err != nil {
		c.fail(400, err.code, err.msg)
		return
	}
	var out []*device
	for _, d := range s.world.devices {
		if hasTags(d, want) {
			out = append(out, d)
		}
	}
	c.ok(200, c.things(out))
}

// apiErr is an error with its API Code.
type apiErr struct{ code, msg string }

// parseTags accepts {"K":"V"} or [{"K":"V"},...].
func parseTags(raw json.RawMessage) (map[string]string, *apiErr) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, &apiErr{"MissingParameter", "Tags is required"}
	}
	m := map[string]string{}
	if err := json.Unmarshal(raw, &m); err != nil {
		var list []map[string]string
		if err2 := json.Unmarshal(raw, &list); err2 != nil {
			return nil, &apiErr{"InvalidParameter", "Tags must map tag keys to string values"}
		}
		for _, p := range list {
			for k, v := range p {
				m[k] = v
			}
		}
	}
	if len(m) == 0 {
		return nil, &apiErr{"MissingParameter", "Tags is empty"}
	}
	return m, nil
}

func hasTags(d *device, want map[string]string) bool {
	for k, v := range want {
		if got, ok := d.def.Tags[k]; !ok || got != v {
			return false
		}
	}
	return true
}

// decode parses the body as JSON whatever its Content-Type (the docs'
// curl -d examples send form-urlencoded). It writes 400 on failure.
func (c *call) decode(v any) bool {
	if len(strings.TrimSpace(string(c.body))) == 0 {
		c.fail(400, "MissingParameter", "request body is required")
		return false
	}
	if err := json.Unmarshal(c.body, v); err != nil {
		c.fail(400, "InvalidParameter", "malformed JSON body: "+err.Error())
		return false
	}
	return true
}

// device finds the path's device, writing 404 when it does not exist.
func (c *call) device() *device {
	pk, dn := c.params["pk"], c.params["dn"]
	if c.s.world.byKey[pk] == nil {
		c.fail(404, "NotFound", "product "+pk+" not found")
		return nil
	}
	d := c.s.world.device(pk, dn)
	if d == nil {
		c.fail(404, "NotFound", "device "+dn+" of product "+pk+" not found")
	}
	return d
}

// reachable writes 500 Service.NotExist when d is not connected: the
// device access service for it is not running.
func (c *call) reachable(d *device) bool {
	if c.s.world.online(d, c.now) {
		return true
	}
	c.fail(500, "Service.NotExist", offlineMsg(d))
	return false
}

func offlineMsg(d *device) string {
	return fmt.Sprintf("device %s is not connected (%s): its driver service does not exist", d.def.Name, strings.ToLower(d.def.Status))
}

// identifiers collects the repeated identifiers query values; a
// comma-separated value is accepted too.
func (c *call) identifiers() []string {
	var ids []string
	for _, v := range c.query("identifiers") {
		for id := range strings.SplitSeq(v, ",") {
			if id = strings.TrimSpace(id); id != "" {
				ids = append(ids, id)
			}
		}
	}
	return ids
}

// getThingProperties is GetThingProperties.
func (s *Server) getThingProperties(c *call) {
	ids := c.identifiers()
	switch {
	case len(ids) == 0:
		c.fail(400, "MissingParameter", "identifiers is required")
		return
	case len(ids) > maxIdentifiers:
		c.fail(400, "InvalidParameter", fmt.Sprintf("at most %d identifiers, got %d", maxIdentifiers, len(ids)))
		return
	}
	d := c.device()
	if d == nil {
		return
	}
	if bad := unknownProps(d, ids); bad != "" {
		c.fail(400, "InvalidParameter", "unknown property identifier "+bad)
		return
	}
	if !c.reachable(d) {
		return
	}
	c.ok(200, propsData{Properties: s.world.values(d, ids, c.now), Timestamp: c.ms()})
}

// propsData is GetThingProperties' Data.
type propsData struct {
	Properties map[string]any `json:"Properties"`
	Timestamp  int64          `json:"Timestamp"`
}

// setData is SetThingProperties' Data: the set's own Data ([]) and a time.
type setData struct {
	Data      any   `json:"Data"`
	Timestamp int64 `json:"Timestamp"`
}

func unknownProps(d *device, ids []string) string {
	for _, id := range ids {
		if d.prod.prop(id) == nil {
			return id
		}
	}
	return ""
}

// setThingProperties is SetThingProperties.
func (s *Server) setThingProperties(c *call) {
	var body struct{ Properties map[string]any }
	if !c.decode(&body) {
		return
	}
	if len(body.Properties) == 0 {
		c.fail(400, "MissingParameter", "Properties is required")
		return
	}
	d := c.device()
	if d == nil {
		return
	}
	vals, err := validateProps(d, body.Properties)
	if err != nil {
		c.fail(400, err.code, err.msg)
		return
	}
	if !c.reachable(d) {
		return
	}
	s.setProps(d, vals, c.now)
	c.ok(200, setData{Data: emptyList, Timestamp: c.ms()})
}

// validateProps checks values against the TSL: known, writable, typed and
// in range. It returns them normalised.
func validateProps(d *device, in map[string]any) (map[string]any, *apiErr) {
	out := make(map[string]any, len(in))
	keys := make([]string, 0, len(in))
	for k := range in {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, id := range keys {
		p := d.prod.prop(id)
		if p == nil {
			return nil, &apiErr{"InvalidParameter", "unknown property identifier " + id}
		}
		if p.Access != "rw" {
			return nil, &apiErr{"InvalidParameter", "property " + id + " is read-only"}
		}
		v, err := checkValue(p.Type, p.Min, p.Max, p.Step, in[id])
		if err != "" {
			return nil, &apiErr{"InvalidParameter", "property " + id + ": " + err}
		}
		out[id] = v
	}
	return out, nil
}

// checkValue checks one value against a TSL data type; "" when it fits.
func checkValue(typ string, lo, hi, step float64, v any) (any, string) {
	if typ == typeText {
		s, ok := v.(string)
		if !ok {
			return nil, "want a string"
		}
		if hi > 0 && float64(len(s)) > hi {
			return nil, fmt.Sprintf("longer than %g", hi)
		}
		return s, ""
	}
	if b, ok := v.(bool); ok && typ == typeBool {
		v = toFloat(b)
	}
	f, ok := v.(float64)
	if !ok {
		return nil, "want a number"
	}
	if f < lo || f > hi {
		return nil, fmt.Sprintf("%g out of range [%g, %g]", f, lo, hi)
	}
	if (typ == typeInt || typ == typeBool) && f != float64(int64(f)) {
		return nil, "want an integer"
	}
	return typed(typ, step, f), ""
}

// setProps stores values and announces them on the Watch stream. The
// store and the announcement happen under world.mu, so a Watch tick sees
// both or neither (see watchStream.emit).
func (s *Server) setProps(d *device, vals map[string]any, now time.Time) {
	ms := now.UnixMilli()
	args := make(map[string]any, len(vals))
	for k, v := range vals {
		args[k] = map[string]any{"time": ms, "value": v}
	}
	s.world.mu.Lock()
	defer s.world.mu.Unlock()
	for k, v := range vals {
		d.set[k] = v
	}
	s.hub.publish(event{pk: d.prod.Key, dn: d.def.Name, name: "propertiesChanged", args: args, ms: ms})
}
