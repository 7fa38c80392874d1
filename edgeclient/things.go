package edgeclient

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
)

// Thing is a device as ListThings and SearchThings describe it.
type Thing struct {
	ProductKey  string `json:"ProductKey"`
	DeviceName  string `json:"DeviceName"`
	ProductName string `json:"ProductName,omitempty"`
	// NickName is undocumented but present in real answers.
	NickName   string `json:"NickName,omitempty"`
	DriverID   string `json:"DriverId,omitempty"`
	DriverName string `json:"DriverName,omitempty"`
	Tags       Tags   `json:"Tags,omitempty"`
	// Status is Inactivated, Failed, Online or Offline.
	Status    string `json:"Status,omitempty"`
	Connected bool   `json:"Connected"`
	// ConnectTime arrives as a string of epoch milliseconds.
	ConnectTime Millis `json:"ConnectTime,omitempty"`
}

// ThingFilter narrows ListThings: by product, or by product and device.
// 2019-09-30 has no filters on the wire; the client filters its answer.
type ThingFilter struct {
	ProductKey, DeviceName string
}

type thingsData struct {
	Things []Thing `json:"Things"`
}

// ListThings lists the gateway's devices (GET /things).
func (c *Client) ListThings(ctx context.Context, f ThingFilter) ([]Thing, error) {
	path := c.path("/things")
	if c.cfg.APIVersion == Version2020 {
		q := url.Values{}
		if f.ProductKey != "" {
			q.Set("productkey", f.ProductKey)
		}
		if f.DeviceName != "" {
			q.Set("devicename", f.DeviceName)
		}
		if len(q) > 0 {
			path += "?" + q.Encode()
		}
	}
	var d thingsData
	rq := &request{op: OpListThings, method: http.MethodGet, path: path, auth: authCookie, pk: f.ProductKey, dn: f.DeviceName}
	if err := c.do(ctx, rq, func(h *hop) error { return decodeEnvelope(h, &d) }); err != nil {
		return nil, err
	}
	if c.cfg.APIVersion == Version2019 && (f.ProductKey != "" || f.DeviceName != "") {
		out := d.Things[:0]
		for _, t := range d.Things {
			if (f.ProductKey == "" || t.ProductKey == f.ProductKey) && (f.DeviceName == "" || t.DeviceName == f.DeviceName) {
				out = append(out, t)
			}
		}
		d.Things = out
	}
	return d.Things, nil
}

// SearchThings lists the devices that have all the given tags (POST
// /things/search; 2020-04-30 only).
func (c *Client) SearchThings(ctx context.Context, tags map[string]string) ([]Thing, error) {
	if err := c.require2020(OpSearchThings); err != nil {
		return nil, err
	}
	if tags == nil {
		tags = map[string]string{}
	}
	body, err := json.Marshal(struct {
		Tags map[string]string `json:"Tags"`
	}{tags})
	if err != nil {
		return nil, err
	}
	var d thingsData
	rq := &request{op: OpSearchThings, method: http.MethodPost, path: c.path("/things/search"), body: body, auth: authCookie}
	if err := c.do(ctx, rq, func(h *hop) error { return decodeEnvelope(h, &d) }); err != nil {
		return nil, err
	}
	return d.Things, nil
}

// Properties is a device's property values as GetThingProperties returns
// them: raw JSON values by identifier, and when they were read.
type Properties struct {
	Properties Values `json:"Properties"`
	Timestamp  Millis `json:"Timestamp"`
}

// devicePath is /things/{pk}/{dn}/{tail}.
func (c *Client) devicePath(pk, dn, tail string) string {
	return c.path("/things/" + url.PathEscape(pk) + "/" + url.PathEscape(dn) + "/" + tail)
}

// GetThingProperties reads properties of one device (GET
// /things/{pk}/{dn}/properties?identifiers=...; at most 100 identifiers,
// which the gateway enforces).
func (c *Client) GetThingProperties(ctx context.Context, productKey, deviceName string, ids ...string) (*Properties, error) {
	var b strings.Builder
	b.WriteString(c.devicePath(productKey, deviceName, "properties"))
	for i, id := range ids {
		if i == 0 {
			b.WriteString("?identifiers=")
		} else {
			b.WriteString("&identifiers=")
		}
		b.WriteString(url.QueryEscape(id))
	}
	p := &Properties{}
	rq := &request{op: OpGetThingProperties, method: http.MethodGet, path: b.String(), auth: authCookie, pk: productKey, dn: deviceName}
	if err := c.do(ctx, rq, func(h *hop) error { return decodeEnvelope(h, p) }); err != nil {
		return nil, err
	}
	return p, nil
}

// SetResult is what SetThingProperties returns: optional data from the
// device (often []) and a timestamp.
type SetResult struct {
	Data      json.RawMessage `json:"Data,omitempty"`
	Timestamp Millis          `json:"Timestamp"`
}

// SetThingProperties writes properties of one device (POST
// /things/{pk}/{dn}/properties). It changes state, so a 500 is not retried.
func (c *Client) SetThingProperties(ctx context.Context, productKey, deviceName string, props map[string]any) (*SetResult, error) {
	body, err := json.Marshal(struct {
		Properties map[string]any `json:"Properties"`
	}{props})
	if err != nil {
		return nil, err
	}
	return c.setProperties(ctx, productKey, deviceName, body)
}

// setProperties sends a SetThingProperties body; it changes state, so a
// 500 is not retried.
func (c *Client) setProperties(ctx context.Context, productKey, deviceName string, body []byte) (*SetResult, error) {
	r := &SetResult{}
	rq := &request{
		op: OpSetThingProperties, method: http.MethodPost, path: c.devicePath(productKey, deviceName, "properties"),
		body: body, auth: authCookie, pk: productKey, dn: deviceName, changesState: true,
	}
	if err := c.do(ctx, rq, func(h *hop) error { return decodeEnvelope(h, r) }); err != nil {
		return nil, err
	}
	return r, nil
}

// ServiceCall names a TSL service and its arguments (omitted when nil).
type ServiceCall struct {
	Name string `json:"Name"`
	Args any    `json:"Args,omitempty"`
}

// ServiceResult is one service's outcome; Returns.OK says whether it worked.
type ServiceResult struct {
	Name    string  `json:"Name"`
	Returns Returns `json:"Returns"`
}

// ServicesResult is what CallThingServices returns.
type ServicesResult struct {
	Services  []ServiceResult `json:"Services"`
	Timestamp Millis          `json:"Timestamp"`
}

// CallThingServices calls services of one device (POST
// /things/{pk}/{dn}/services). A failing service is reported in its
// Returns with an overall success; a 500 is not retried.
func (c *Client) CallThingServices(ctx context.Context, productKey, deviceName string, calls []ServiceCall) (*ServicesResult, error) {
	body, err := ServicesBody(calls)
	if err != nil {
		return nil, err
	}
	r := &ServicesResult{}
	rq := &request{
		op: OpCallThingServices, method: http.MethodPost, path: c.devicePath(productKey, deviceName, "services"),
		body: body, auth: authCookie, pk: productKey, dn: deviceName, changesState: true,
	}
	if err := c.do(ctx, rq, func(h *hop) error { return decodeEnvelope(h, r) }); err != nil {
		return nil, err
	}
	return r, nil
}
