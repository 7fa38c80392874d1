package edgeclient

import (
	"context"
	"net/http"
	"strings"
)

// RawResponse is the answer to Raw.
type RawResponse struct {
	Status      int
	Header      http.Header
	ContentType string
	Body        []byte
}

// Raw sends any request to the gateway through the client's machinery (the
// managed cookie, retries, redirects, one record per exchange). path is the
// path after the host, with or without the version prefix (added when
// missing), e.g. "/things?productkey=x" or "/2019-09-30/things". The
// operation on the record is OperationFor(method, path). A body makes the
// call count as one that changes state. Each hop's record is named by
// OperationFor its own path. Non-2xx answers are an *APIError.
func (c *Client) Raw(ctx context.Context, method, path string, body []byte) (*RawResponse, error) {
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	op, pk, dn := OperationFor(method, path)
	method = strings.ToUpper(method)
	rq := &request{
		op: op, method: method, path: path, body: body, pk: pk, dn: dn, auth: authCookie, opFromPath: true,
		changesState: len(body) > 0 || (method != http.MethodGet && method != http.MethodHead),
	}
	if op == OpCreateAuthCookie {
		rq.auth = authBasic
	}
	out := &RawResponse{}
	err := c.do(ctx, rq, func(h *hop) error {
		out.Status = h.resp.StatusCode
		out.Header = h.resp.Header
		out.ContentType = h.resp.Header.Get("Content-Type")
		out.Body = append([]byte(nil), h.body...)
		parseErrorBody(h)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
