package edgeclient

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
)

// SetThingPropertiesJSON is SetThingProperties with the Properties object
// given as JSON and sent as it is, its members in their order (a map
// would sort them): the operator's form, or raw JSON typed where there is
// no TSL (2019-09-30). It must be a JSON object; it changes state, so a
// 500 is not retried.
func (c *Client) SetThingPropertiesJSON(ctx context.Context, productKey, deviceName string, props json.RawMessage) (*SetResult, error) {
	body, err := PropertiesBody(props)
	if err != nil {
		return nil, err
	}
	return c.setProperties(ctx, productKey, deviceName, body)
}

// PropertiesBody is the body SetThingPropertiesJSON sends for props:
// {"Properties":props}, props compacted.
func PropertiesBody(props json.RawMessage) ([]byte, error) {
	var b bytes.Buffer
	if err := json.Compact(&b, props); err != nil {
		return nil, fmt.Errorf("edgeclient: SetThingProperties: the properties are not JSON: %w", err)
	}
	if b.Len() == 0 || b.Bytes()[0] != '{' {
		return nil, fmt.Errorf("edgeclient: SetThingProperties: the properties must be a JSON object")
	}
	out := make([]byte, 0, b.Len()+len(`{"Properties":}`))
	out = append(out, `{"Properties":`...)
	out = append(out, b.Bytes()...)
	return append(out, '}'), nil
}

// ServicesBody is the body CallThingServices sends for calls.
func ServicesBody(calls []ServiceCall) ([]byte, error) {
	return json.Marshal(struct {
		Services []ServiceCall `json:"Services"`
	}{calls})
}
