package edgeclient

import (
	"context"
	"encoding/json"
	"net/http"
)

// PropertyQuery is one device of BulkGetProperties.
type PropertyQuery struct {
	ProductKey  string   `json:"ProductKey"`
	DeviceName  string   `json:"DeviceName"`
	Identifiers []string `json:"Identifiers"`
}

// PropertyUpdate is one device of BulkSetProperties.
type PropertyUpdate struct {
	ProductKey string         `json:"ProductKey"`
	DeviceName string         `json:"DeviceName"`
	Properties map[string]any `json:"Properties"`
}

// ServiceBatch is one device of BulkCallServices.
type ServiceBatch struct {
	ProductKey string        `json:"ProductKey"`
	DeviceName string        `json:"DeviceName"`
	Services   []ServiceCall `json:"Services"`
}

// BulkItem is one device's outcome in a bulk action: Returns for Get and
// Set (Returns.Data holds the values read), Services for CallServices.
type BulkItem struct {
	ProductKey string          `json:"ProductKey"`
	DeviceName string          `json:"DeviceName"`
	Returns    Returns         `json:"Returns"`
	Services   []ServiceResult `json:"Services,omitempty"`
}

// BulkResult is what the three non-streaming bulk actions return. Per-device
// failures are in the items, with an overall success.
type BulkResult struct {
	Results   []BulkItem `json:"Results"`
	Timestamp Millis     `json:"Timestamp"`
}

// bulk posts {"BulkAction":action,"Things":things} to /things/bulk.
func (c *Client) bulk(ctx context.Context, op, action string, things any, changes bool) (*BulkResult, error) {
	body, err := json.Marshal(struct {
		BulkAction string `json:"BulkAction"`
		Things     any    `json:"Things"`
	}{action, things})
	if err != nil {
		return nil, err
	}
	r := &BulkResult{}
	rq := &request{op: op, method: http.MethodPost, path: c.path("/things/bulk"), body: body, auth: authCookie, changesState: changes}
	if err := c.do(ctx, rq, func(h *hop) error { return decodeEnvelope(h, r) }); err != nil {
		return nil, err
	}
	return r, nil
}

// BulkGetProperties reads properties of several devices in one request
// (BulkActions GetProperties).
func (c *Client) BulkGetProperties(ctx context.Context, things []PropertyQuery) (*BulkResult, error) {
	if things == nil {
		things = []PropertyQuery{}
	}
	return c.bulk(ctx, OpBulkGetProperties, "GetProperties", things, false)
}

// BulkSetProperties writes properties of several devices (BulkActions
// SetProperties); a 500 is not retried.
func (c *Client) BulkSetProperties(ctx context.Context, things []PropertyUpdate) (*BulkResult, error) {
	if things == nil {
		things = []PropertyUpdate{}
	}
	return c.bulk(ctx, OpBulkSetProperties, "SetProperties", things, true)
}

// BulkCallServices calls services of several devices (BulkActions
// CallServices); a 500 is not retried.
func (c *Client) BulkCallServices(ctx context.Context, things []ServiceBatch) (*BulkResult, error) {
	if things == nil {
		things = []ServiceBatch{}
	}
	return c.bulk(ctx, OpBulkCallServices, "CallServices", things, true)
}
