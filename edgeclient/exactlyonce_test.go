package edgeclient

import (
	"context"
	"sync"
	"testing"
	"time"

	"edgetop/edgeclient/edgesim"
	"edgetop/model"
)

// TestExactlyOneRecordPerRequestReceived: whatever goes wrong (resets
// after the request was read, stalls that end in a dropped connection,
// 421 past the connection limit), the client reports exactly as many
// records as the gateway received requests. net/http resends a GET on its
// own when a reused connection dies before the reply; those resends are
// requests too.
func TestExactlyOneRecordPerRequestReceived(t *testing.T) {
	cases := []struct {
		name     string
		faults   []edgesim.FaultRule
		limit    int
		parallel int
	}{
		{name: "resets", faults: []edgesim.FaultRule{{Op: OpGetThingProperties, Action: edgesim.ActionReset, Rate: 0.5}}, parallel: 1},
		{name: "stalls", faults: []edgesim.FaultRule{{
			Op: OpGetThingProperties, Action: edgesim.ActionStall,
			Stall: 30 * time.Millisecond, Rate: 0.3,
		}}, parallel: 2},
		{name: "421", limit: 2, parallel: 6},
		{name: "mixed", limit: 3, parallel: 4, faults: []edgesim.FaultRule{
			{Op: OpGetThingProperties, Action: edgesim.ActionReset, Rate: 0.3},
			{Op: OpListThings, Code: 503, Rate: 0.3},
			{Op: OpGetThingProperties, Action: edgesim.ActionTruncate, Rate: 0.1},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			limit := tc.limit
			if limit == 0 {
				limit = -1
			}
			s := newSim(t, edgesim.Options{Seed: 1, ConnLimit: limit, Faults: tc.faults})
			rec := &recorder{}
			c, err := New(Config{
				Gateway: s.URL, User: simUser, Password: simPass, CAPEM: s.CertPEM(),
				Observer: rec, Retry: fastRetry, MaxConnsPerHost: 4, Timeout: 2 * time.Second,
			})
			if err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			for g := range tc.parallel {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range 40 / tc.parallel {
						if (i+g)%5 == 0 {
							_, _ = c.ListThings(t.Context(), ThingFilter{})
							continue
						}
						_, _ = c.GetThingProperties(t.Context(), simPK, simDev, "LightSwitch", "Brightness")
					}
				}()
			}
			wg.Wait()
			if err := c.Close(context.Background()); err != nil {
				t.Logf("close: %v", err)
			}
			recs := rec.all()
			if got, want := uint64(len(recs)), s.Requests(); got != want {
				resent := 0
				for _, r := range recs {
					if r.Action.Kind == model.ActionResent {
						resent++
					}
				}
				t.Errorf("%d records for %d requests received (%d resent by net/http)", got, want, resent)
			}
			checkChains(t, recs)
		})
	}
}

// checkChains: every record's parent is an earlier record of the same call.
func checkChains(t *testing.T, recs []model.Record) {
	t.Helper()
	byID := map[uint64]model.Record{}
	for _, r := range recs {
		if _, dup := byID[r.ID]; dup {
			t.Errorf("two records with ID %d", r.ID)
		}
		byID[r.ID] = r
	}
	for _, r := range recs {
		if r.Parent == 0 {
			continue
		}
		p, ok := byID[r.Parent]
		if !ok || p.ID >= r.ID || p.Operation != r.Operation || r.Attempt <= p.Attempt && r.Link != model.LinkRedirect {
			t.Errorf("record %d (%s attempt %d) has parent %d: %+v", r.ID, r.Operation, r.Attempt, r.Parent, p)
		}
	}
}
