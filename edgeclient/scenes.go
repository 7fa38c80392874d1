package edgeclient

import (
	"context"
	"net/http"
	"net/url"
)

// Scene is a scene-linkage rule (ListScenes).
type Scene struct {
	ID      string `json:"Id"`
	Name    string `json:"Name"`
	Running bool   `json:"Running"`
}

// ListScenes lists the scenes (GET /scenes; 2020-04-30 only).
func (c *Client) ListScenes(ctx context.Context) ([]Scene, error) {
	if err := c.require2020(OpListScenes); err != nil {
		return nil, err
	}
	var d struct {
		Scenes []Scene `json:"Scenes"`
	}
	rq := &request{op: OpListScenes, method: http.MethodGet, path: c.path("/scenes"), auth: authCookie}
	if err := c.do(ctx, rq, func(h *hop) error { return decodeEnvelope(h, &d) }); err != nil {
		return nil, err
	}
	return d.Scenes, nil
}

// EnableScene starts a scene (POST /scenes/{id}/enable; 2020-04-30 only).
func (c *Client) EnableScene(ctx context.Context, id string) error {
	return c.sceneAction(ctx, OpEnableScene, id, "enable")
}

// DisableScene stops a scene (POST /scenes/{id}/disable; 2020-04-30 only).
func (c *Client) DisableScene(ctx context.Context, id string) error {
	return c.sceneAction(ctx, OpDisableScene, id, "disable")
}

func (c *Client) sceneAction(ctx context.Context, op, id, verb string) error {
	if err := c.require2020(op); err != nil {
		return err
	}
	rq := &request{
		op: op, method: http.MethodPost, path: c.path("/scenes/" + url.PathEscape(id) + "/" + verb),
		auth: authCookie, changesState: true,
	}
	return c.do(ctx, rq, func(h *hop) error { return decodeEnvelope(h, nil) })
}
