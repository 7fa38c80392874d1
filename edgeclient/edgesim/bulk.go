package edgesim

import (
	"encoding/json"
	"fmt"
)

// maxBulkThings bounds the Things of one BulkActions request.
const maxBulkThings = 100

// bulkActions are the four BulkAction values.
var bulkActions = map[string]bool{"GetProperties": true, "SetProperties": true, "CallServices": true, "Watch": true}

// bulkOp names a BulkActions request by its action ("BulkActions.Watch"),
// for permissions and faults; "BulkActions" when the body does not say.
func bulkOp(body []byte) string {
	var b struct{ BulkAction string }
	if json.Unmarshal(body, &b) == nil && bulkActions[b.BulkAction] {
		return "BulkActions." + b.BulkAction
	}
	return "BulkActions"
}

// bulkThing is one entry of Things, with every action's fields.
type bulkThing struct {
	ProductKey  string         `json:"ProductKey"`
	DeviceName  string         `json:"DeviceName"`
	Identifiers []string       `json:"Identifiers"`
	Properties  map[string]any `json:"Properties"`
	Services    []serviceCall  `json:"Services"`
	Watches     string         `json:"Watches"`
}

// bulkResult is one entry of Results.
type bulkResult struct {
	ProductKey string          `json:"ProductKey"`
	DeviceName string          `json:"DeviceName"`
	Returns    any             `json:"Returns,omitempty"`
	Services   []serviceResult `json:"Services,omitempty"`
}

// bulkData is BulkActions' Data for GetProperties, SetProperties and
// CallServices.
type bulkData struct {
	Results   []bulkResult `json:"Results"`
	Timestamp int64        `json:"Timestamp"`
}

// bulkActions is BulkActions. Per-device failures are in each Returns
// with an overall 200.
func (s *Server) bulkActions(c *call) {
	var body struct {
		BulkAction string
		Things     *[]bulkThing
	}
	if !c.decode(&body) {
		return
	}
	switch {
	case body.BulkAction == "":
		c.fail(400, "MissingParameter", "BulkAction is required")
		return
	case !bulkActions[body.BulkAction]:
		c.fail(400, "InvalidParameter", "BulkAction must be GetProperties, SetProperties, CallServices or Watch")
		return
	case body.BulkAction == "Watch":
		var things []bulkThing
		if body.Things != nil {
			things = *body.Things
		}
		s.watch(c, things)
		return
	case body.Things == nil:
		c.fail(400, "MissingParameter", "Things is required")
		return
	case len(*body.Things) > maxBulkThings:
		c.fail(400, "InvalidParameter", fmt.Sprintf("at most %d Things", maxBulkThings))
		return
	}
	results := make([]bulkResult, 0, len(*body.Things))
	for _, t := range *body.Things {
		results = append(results, s.bulkOne(c, body.BulkAction, t))
	}
	c.ok(200, bulkData{Results: results, Timestamp: c.ms()})
}

// bulkOne runs one device's part of a bulk action.
func (s *Server) bulkOne(c *call, action string, t bulkThing) bulkResult {
	res := bulkResult{ProductKey: t.ProductKey, DeviceName: t.DeviceName}
	d, o := s.bulkDevice(c, t)
	if d == nil {
		res.Returns = o.returns(c.ver)
		return res
	}
	switch action {
	case "GetProperties":
		o = s.bulkGet(c, d, t.Identifiers)
	case "SetProperties":
		o = s.applySet(d, t.Properties, c.now)
	case "CallServices":
		if len(t.Services) == 0 {
			o = outcome{code: "MissingParameter", msg: "Services is required"}
			break
		}
		if e := checkServices(d, t.Services); e != nil {
			o = outcome{code: e.code, msg: e.msg}
			break
		}
		res.Services, _, _ = s.runServices(c, d, t.Services)
		return res
	}
	res.Returns = o.returns(c.ver)
	return res
}

// bulkDevice finds a bulk entry's device and checks it is reachable.
func (s *Server) bulkDevice(c *call, t bulkThing) (*device, outcome) {
	if t.ProductKey == "" || t.DeviceName == "" {
		return nil, outcome{code: "MissingParameter", msg: "ProductKey and DeviceName are required"}
	}
	d := s.world.device(t.ProductKey, t.DeviceName)
	if d == nil {
		return nil, outcome{code: "NotFound", msg: "device " + t.DeviceName + " of product " + t.ProductKey + " not found"}
	}
	if !s.world.online(d, c.now) {
		return nil, outcome{code: "Service.NotExist", msg: offlineMsg(d)}
	}
	return d, outcome{}
}

// bulkGet reads a device's properties for GetProperties.
func (s *Server) bulkGet(c *call, d *device, ids []string) outcome {
	switch {
	case len(ids) == 0:
		return outcome{code: "MissingParameter", msg: "Identifiers is required"}
	case len(ids) > maxIdentifiers:
		return outcome{code: "InvalidParameter", msg: fmt.Sprintf("at most %d identifiers", maxIdentifiers)}
	}
	if bad := unknownProps(d, ids); bad != "" {
		return outcome{code: "InvalidParameter", msg: "unknown property identifier " + bad}
	}
	return outcome{data: s.world.values(d, ids, c.now)}
}
