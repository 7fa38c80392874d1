package edgeclient

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// FunctionResult is what a function returned: its body and content type as
// is, and ErrorType when it failed (the X-Fc-Error-Type header: "Handled"
// or "Unhandled").
type FunctionResult struct {
	Status      int
	ContentType string
	Body        []byte
	ErrorType   string
}

// FunctionError is a function that failed (X-Fc-Error-Type set), with the
// Message and StackTrace of its error body when it had them.
type FunctionError struct {
	ARN        string
	Type       string
	Message    string
	StackTrace json.RawMessage
	RecordID   uint64
}

// Error names the function and the failure.
func (e *FunctionError) Error() string {
	return fmt.Sprintf("edgeclient: InvokeFunction %s: %s error: %s", e.ARN, e.Type, e.Message)
}

// InvokeFunction invokes a Function Compute function on the edge (POST
// /functions/{arn}/invocations). arn is the full or the partial form
// ("service:S:function:F"); payload goes to the function unchanged and may
// be empty. It changes state, so a 500 is not retried. A function error
// gives both the result and a *FunctionError.
func (c *Client) InvokeFunction(ctx context.Context, arn string, payload []byte) (*FunctionResult, error) {
	res := &FunctionResult{}
	var ferr *FunctionError
	rq := &request{
		op: OpInvokeFunction, method: http.MethodPost,
		path: c.path("/functions/" + url.PathEscape(arn) + "/invocations"),
		body: payload, auth: authCookie, changesState: true,
	}
	err := c.do(ctx, rq, func(h *hop) error {
		res.Status = h.resp.StatusCode
		res.ContentType = h.resp.Header.Get("Content-Type")
		res.Body = append([]byte(nil), h.body...)
		res.ErrorType = h.resp.Header.Get("X-Fc-Error-Type")
		if res.ErrorType != "" {
			ferr = &FunctionError{ARN: arn, Type: res.ErrorType, RecordID: h.rec.ID}
			var eb struct {
				Message    string          `json:"Message"`
				StackTrace json.RawMessage `json:"StackTrace"`
			}
			if json.Unmarshal(h.body, &eb) == nil {
				ferr.Message, ferr.StackTrace = c.sec.mask(eb.Message), eb.StackTrace
				h.rec.APIMessage = eb.Message
			}
			h.rec.APICode = "X-Fc-Error-Type: " + res.ErrorType
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if ferr != nil {
		return res, ferr
	}
	return res, nil
}

// TSL is a product's thing specification (GetTSL). The common fields are
// typed; Raw keeps the whole document.
type TSL struct {
	Schema     string          `json:"schema"`
	Profile    map[string]any  `json:"profile"`
	Properties []TSLProperty   `json:"properties"`
	Services   []TSLService    `json:"services"`
	Events     []TSLEvent      `json:"events"`
	Raw        json.RawMessage `json:"-"`
}

// TSLProperty is one property of a TSL.
type TSLProperty struct {
	Identifier string      `json:"identifier"`
	Name       string      `json:"name"`
	AccessMode string      `json:"accessMode"` // "r" or "rw"
	Required   bool        `json:"required"`
	DataType   TSLDataType `json:"dataType"`
}

// TSLDataType is a property's type ("int", "float", "double", "enum",
// "bool", "text", "date", "array") and its specs (string values).
type TSLDataType struct {
	Type  string          `json:"type"`
	Specs json.RawMessage `json:"specs,omitempty"`
}

// TSLService is one service of a TSL.
type TSLService struct {
	Identifier string          `json:"identifier"`
	Name       string          `json:"name"`
	Method     string          `json:"method"`
	CallType   string          `json:"callType"`
	Required   bool            `json:"required"`
	Desc       string          `json:"desc,omitempty"`
	InputData  json.RawMessage `json:"inputData,omitempty"`
	OutputData json.RawMessage `json:"outputData,omitempty"`
}

// TSLEvent is one event of a TSL.
type TSLEvent struct {
	Identifier string          `json:"identifier"`
	Name       string          `json:"name"`
	Method     string          `json:"method"`
	Type       string          `json:"type"`
	Required   bool            `json:"required"`
	Desc       string          `json:"desc,omitempty"`
	OutputData json.RawMessage `json:"outputData,omitempty"`
}

// GetTSL returns a product's TSL (GET /tsls/{ProductKey}; 2020-04-30 only).
func (c *Client) GetTSL(ctx context.Context, productKey string) (*TSL, error) {
	if err := c.require2020(OpGetTSL); err != nil {
		return nil, err
	}
	var d struct {
		TSL json.RawMessage `json:"TSL"`
	}
	rq := &request{op: OpGetTSL, method: http.MethodGet, path: c.path("/tsls/" + url.PathEscape(productKey)), auth: authCookie, pk: productKey}
	t := &TSL{}
	err := c.do(ctx, rq, func(h *hop) error {
		if err := decodeEnvelope(h, &d); err != nil {
			return err
		}
		if len(strings.TrimSpace(string(d.TSL))) == 0 || isEmptyJSON(d.TSL) {
			return nil
		}
		if err := json.Unmarshal(d.TSL, t); err != nil {
			return fmt.Errorf("%w: TSL: %v", errMalformed, err)
		}
		t.Raw = append(json.RawMessage(nil), d.TSL...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}
