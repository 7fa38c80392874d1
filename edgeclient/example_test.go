package edgeclient_test

import (
	"context"
	"fmt"
	"strings"

	"edgetop/edgeclient"
	"edgetop/edgeclient/edgesim"
)

// A client of a (simulated) gateway: trust its certificate by pin, read a
// device's properties, and watch what the client did through the records.
func Example() {
	sim, err := edgesim.New(edgesim.Options{Seed: 1})
	if err != nil {
		panic(err)
	}
	defer sim.Close()

	obs := edgeclient.NewChanObserver(64)
	c, err := edgeclient.New(edgeclient.Config{
		Gateway:  sim.URL,
		User:     "admin",
		Password: "admin1234",
		Pin:      sim.Fingerprint(),
		Observer: obs,
	})
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	defer c.Close(ctx)

	props, err := c.GetThingProperties(ctx, edgesim.KeyLight, "Light01", "LightSwitch")
	if err != nil {
		panic(err)
	}
	fmt.Println("LightSwitch =", string(props.Properties["LightSwitch"]))
	for range 2 {
		r := <-obs.C()
		h := r.RequestHeaders[len(r.RequestHeaders)-1]
		fmt.Println(r.Operation, r.Status, h.Name, "masked:", strings.HasSuffix(h.Value, "******"))
	}
	// Output:
	// LightSwitch = 1
	// CreateAuthCookie 201 Authorization masked: true
	// GetThingProperties 200 Cookie masked: true
}
