package edgesim

// scene is a rule-engine scene on the gateway.
type scene struct {
	ID, Name string
	Running  bool
	// broken scenes fail to enable with 500 Message.FailedReply.
	broken bool
}

// Scene IDs of the simulated gateway.
const (
	SceneTest   = "d14122632aaf4d1d8e3259636f1e9528"
	SceneDusk   = "7a1c3e5f9b2d4f6a8c0e1a3b5d7f9e21"
	SceneAlarm  = "b3d5f7a9c1e34b6d8f0a2c4e6a8b0d13"
	SceneBroken = "e9f1a3c5d7b94e2f6a8c0d2e4f6a8b35" // enable gives 500 Message.FailedReply
)

func catalogScenes() []*scene {
	return []*scene{
		{ID: SceneTest, Name: "scene_test_types", Running: true},
		{ID: SceneDusk, Name: "lobby_lights_at_dusk", Running: true},
		{ID: SceneAlarm, Name: "freezer_over_temp_alarm"},
		{ID: SceneBroken, Name: "night_mode", broken: true},
	}
}

// sceneJSON is one scene as ListScenes returns it.
type sceneJSON struct {
	ID      string `json:"Id"`
	Name    string `json:"Name"`
	Running bool   `json:"Running"`
}

// listScenes is ListScenes.
func (s *Server) listScenes(c *call) {
	s.world.mu.Lock()
	out := make([]sceneJSON, 0, len(s.world.scenes))
	for _, sc := range s.world.scenes {
		out = append(out, sceneJSON{sc.ID, sc.Name, sc.Running})
	}
	s.world.mu.Unlock()
	c.ok(200, map[string]any{"Scenes": out})
}

// enableScene is EnableScene.
func (s *Server) enableScene(c *call) { s.runScene(c, true) }

// disableScene is DisableScene.
func (s *Server) disableScene(c *call) { s.runScene(c, false) }

// runScene starts or stops a scene; 200 with no body.
func (s *Server) runScene(c *call, run bool) {
	id := c.params["scene"]
	s.world.mu.Lock()
	var sc *scene
	for _, x := range s.world.scenes {
		if x.ID == id {
			sc = x
		}
	}
	broken := sc != nil && sc.broken && run
	if sc != nil && !broken {
		sc.Running = run
	}
	s.world.mu.Unlock()
	switch {
	case sc == nil:
		c.fail(404, "NotFound", "scene "+id+" not found")
	case broken:
		c.fail(500, "Message.FailedReply", "rule engine replied: scene night_mode references device Light09, which no longer exists")
	default:
		c.okEmpty(200)
	}
}
