package edgesim_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"edgetop/edgeclient/edgesim"
)

// Log in as the docs do, then read a property.
func Example() {
	clock := func() time.Time { return time.Date(2020, 4, 22, 17, 1, 50, 136e6, time.UTC) }
	s, err := edgesim.New(edgesim.Options{Seed: 1, Now: clock})
	if err != nil {
		panic(err)
	}
	defer s.Close()

	req, _ := http.NewRequest("POST", s.URL+"/2020-04-30/auth/cookies", nil)
	req.SetBasicAuth("admin", "admin1234")
	resp, err := s.Client().Do(req)
	if err != nil {
		panic(err)
	}
	resp.Body.Close()
	cookie, _, _ := strings.Cut(resp.Header.Get("Set-Cookie"), ";")
	fmt.Println(resp.Status)

	url := s.URL + "/2020-04-30/things/" + edgesim.KeyLight + "/Light01/properties?identifiers=Color"
	req, _ = http.NewRequest("GET", url, nil)
	req.Header.Set("Cookie", cookie)
	resp, err = s.Client().Do(req)
	if err != nil {
		panic(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(resp.Status, string(body))
	// Output:
	// 201 Created
	// 200 OK {"Data":{"Properties":{"Color":"white"},"Timestamp":1587574910136}}
}

// Parse `edgetop sim --fault` values.
func ExampleParseFault() {
	r, err := edgesim.ParseFault("op=SetThingProperties,code=500,rate=0.2,apicode=Message.FailedReply")
	fmt.Println(r.Op, r.Code, r.Rate, r.APICode, err)
	// Output: SetThingProperties 500 0.2 Message.FailedReply <nil>
}
