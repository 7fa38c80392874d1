package edgesim

import (
	"encoding/json"
	"fmt"
	"time"
)

// serviceCall is one entry of a Services array.
type serviceCall struct {
	Name string          `json:"Name"`
	Args json.RawMessage `json:"Args"`
}

// serviceResult is one entry of the Services array of a reply.
type serviceResult struct {
	Name    string `json:"Name"`
	Returns any    `json:"Returns"`
}

// outcome is what a device replied to one service call.
type outcome struct {
	data      any
	code, msg string // empty code: success
}

// returns renders an outcome as the version's Returns object: 2020 shows
// only Data on success and Code/Message on failure; 2019 has Message
// ("success" or the reason) and Data.
func (o outcome) returns(ver string) any {
	data := o.data
	if data == nil {
		data = emptyList
	}
	if ver == V2019 {
		if o.code != "" {
			return struct {
				Message string `json:"Message"`
			}{o.msg}
		}
		return struct {
			Message string `json:"Message"`
			Data    any    `json:"Data"`
		}{"success", data}
	}
	if o.code != "" {
		return err2020{Code: o.code, Message: o.msg}
	}
	return struct {
		Data any `json:"Data"`
	}{data}
}

// servicesData is CallThingServices' Data.
type servicesData struct {
	Services  []serviceResult `json:"Services"`
	Timestamp int64           `json:"Timestamp"`
}

// callThingServices is CallThingServices. A call whose every service
// failed answers with the first failure: 400 when it was a parameter
// problem (bad or missing Args: InvalidParameter, MissingParameter), 500
// with the device's error Code otherwise (Message.FailedReply,
// Service.NotExist); with at least one success it is 200 and each failure
// is in its Returns.
func (s *Server) callThingServices(c *call) {
	var body struct{ Services []serviceCall }
	if !c.decode(&body) {
		return
	}
	if len(body.Services) == 0 {
		c.fail(400, "MissingParameter", "Services is required")
		return
	}
	d := c.device()
	if d == nil {
		return
	}
	if e := checkServices(d, body.Services); e != nil {
		c.fail(400, e.code, e.msg)
		return
	}
	if !c.reachable(d) {
		return
	}
	results, nFailed, firstFail := s.runServices(c, d, body.Services)
	if nFailed == len(results) {
		c.fail(failStatus(firstFail.code), firstFail.code, firstFail.msg)
		return
	}
	c.ok(200, servicesData{Services: results, Timestamp: c.ms()})
}

// failStatus is the HTTP status of a failed service call's Code: a
// parameter problem is the caller's (400), anything else the upstream's (500).
func failStatus(code string) int {
	switch code {
	case "InvalidParameter", "MissingParameter", "BadRequest":
		return 400
	}
	return 500
}

// runServices runs calls in order; it returns the rendered results, how
// many failed and the first failure (nil when none).
func (s *Server) runServices(c *call, d *device, calls []serviceCall) ([]serviceResult, int, *outcome) {
	results := make([]serviceResult, 0, len(calls))
	var firstFail *outcome
	failed := 0
	for _, sc := range calls {
		o := s.runService(d, sc, c.now)
		if o.code != "" {
			failed++
			if firstFail == nil {
				firstFail = &o
			}
		}
		results = append(results, serviceResult{Name: sc.Name, Returns: o.returns(c.ver)})
	}
	return results, failed, firstFail
}

// checkServices rejects calls to services the product does not have.
func checkServices(d *device, calls []serviceCall) *apiErr {
	for _, sc := range calls {
		if sc.Name == "" {
			return &apiErr{"MissingParameter", "Services[].Name is required"}
		}
		if sc.Name != "set" && sc.Name != "get" && d.prod.service(sc.Name) == nil {
			return &apiErr{"InvalidParameter", fmt.Sprintf("product %s has no service %s", d.prod.Name, sc.Name)}
		}
	}
	return nil
}

// runService simulates the device executing one service.
func (s *Server) runService(d *device, sc serviceCall, now time.Time) outcome {
	if d.def.FailAll && sc.Name != "get" {
		s.hub.publish(event{
			pk: d.prod.Key, dn: d.def.Name, name: "LampFault",
			args: map[string]any{"ErrorCode": 9201}, ms: now.UnixMilli(),
		})
		return outcome{code: "Message.FailedReply", msg: "device replied code 9201: lamp driver fault"}
	}
	if svc := d.prod.service(sc.Name); svc != nil && s.world.chance(svc.FailRate) {
		return outcome{code: "Message.FailedReply", msg: "device replied code 9112: device busy, try again"}
	}
	var args map[string]any
	if len(sc.Args) > 0 && string(sc.Args) != "null" && sc.Name != "get" {
		if err := json.Unmarshal(sc.Args, &args); err != nil {
			return outcome{code: "InvalidParameter", msg: "Args must be an object"}
		}
	}
	switch sc.Name {
	case "get":
		return s.serviceGet(d, sc.Args, now)
	case "set":
		return s.applySet(d, args, now)
	}
	if svc := d.prod.service(sc.Name); svc != nil {
		for _, in := range svc.Inputs {
			if _, ok := args[in.ID]; !ok {
				return outcome{code: "MissingParameter", msg: "Args." + in.ID + " is required by " + sc.Name}
			}
		}
	}
	return s.runCustom(d, sc.Name, args, now)
}

// serviceGet is the built-in get service: Args is a list of identifiers
// (all properties when empty).
func (s *Server) serviceGet(d *device, raw json.RawMessage, now time.Time) outcome {
	var ids []string
	if len(raw) > 0 && string(raw) != "null" {
		if err := json.Unmarshal(raw, &ids); err != nil {
			return outcome{code: "InvalidParameter", msg: "Args of get must be a list of identifiers"}
		}
	}
	if bad := unknownProps(d, ids); bad != "" {
		return outcome{code: "InvalidParameter", msg: "unknown property identifier " + bad}
	}
	return outcome{data: s.world.values(d, ids, now)}
}

// applySet validates and stores properties (the set service, and the
// services that are a set in disguise).
func (s *Server) applySet(d *device, props map[string]any, now time.Time) outcome {
	if len(props) == 0 {
		return outcome{code: "MissingParameter", msg: "no properties to set"}
	}
	vals, err := validateProps(d, props)
	if err != nil {
		return outcome{code: err.code, msg: err.msg}
	}
	s.setProps(d, vals, now)
	return outcome{}
}

// runCustom runs a product's own service.
func (s *Server) runCustom(d *device, name string, args map[string]any, now time.Time) outcome {
	switch name {
	case "setColor":
		return s.applySet(d, map[string]any{"Color": args["color"]}, now)
	case "toggle":
		cur := toFloat(s.world.values(d, []string{"LightSwitch"}, now)["LightSwitch"])
		next := int64(1 - cur)
		s.setProps(d, map[string]any{"LightSwitch": next}, now)
		return outcome{data: map[string]any{"LightSwitch": next}}
	case "setRelay":
		return s.applySet(d, map[string]any{"RelayState": args["state"]}, now)
	case "calibrate":
		return s.calibrate(d, args, now)
	case "resetEnergy":
		return s.resetEnergy(d, now)
	case "selfTest":
		return outcome{data: map[string]any{"result": "ok"}}
	}
	return outcome{code: "Service.NotExist", msg: "service " + name + " is not implemented by the driver"}
}

// calibrate shifts the sensor's temperature by offset.
func (s *Server) calibrate(d *device, args map[string]any, now time.Time) outcome {
	v, bad := checkValue(typeFloat, -5, 5, 0.1, args["offset"])
	if bad != "" {
		return outcome{code: "InvalidParameter", msg: "offset: " + bad}
	}
	s.world.mu.Lock()
	defer s.world.mu.Unlock()
	d.calOffset = toFloat(v)
	s.hub.publish(event{
		pk: d.prod.Key, dn: d.def.Name, name: "CalibrationDone",
		args: map[string]any{"offset": v}, ms: now.UnixMilli(),
	})
	return outcome{}
}

// resetEnergy zeroes the meter's energy counter.
func (s *Server) resetEnergy(d *device, now time.Time) outcome {
	s.world.mu.Lock()
	defer s.world.mu.Unlock()
	p := d.prod.prop("TotalEnergy")
	d.energyReset += toFloat(s.world.valueLocked(d, p, now))
	s.hub.publish(event{
		pk: d.prod.Key, dn: d.def.Name, name: "propertiesChanged",
		args: map[string]any{"TotalEnergy": map[string]any{"time": now.UnixMilli(), "value": 0.0}}, ms: now.UnixMilli(),
	})
	return outcome{data: map[string]any{"TotalEnergy": 0}}
}
