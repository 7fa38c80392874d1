// Package loadgen makes varied, realistic model.Records, as edgetop's client
// records them against a gateway, for benchmarks and load harnesses: the
// dashboard's CPU harness (ui/load_test.go) feeds it at 20,000 records a
// second into a running program.
//
// The records are modelled on what the real client produces against the
// simulator (edgeclient/edgesim): about twenty devices of four products
// polled with GetThingProperties, with SetThingProperties,
// CallThingServices, ListThings, GetTSL, CreateAuthCookie and the odd
// BulkActions.Watch between them; the client's own headers (User-Agent,
// Accept, a masked Cookie or Authorization) and the gateway's (Connection,
// Content-Type, Date, Server, and Location, Retry-After, Allow or a masked
// Set-Cookie where they belong); JSON bodies whose property values and
// Timestamp change from record to record. Statuses of every class come in
// about the shares a busy, somewhat unhealthy gateway gives: 86% 2xx, 2%
// 3xx (a legacy path's 302, then the redirect's hop), 6% 4xx, 5% 5xx and 1%
// transport errors (timeouts, resets), the errors with the API Code and a
// message from the edge API's table, and the client's answers to them: a
// cookie renewed after a 401, backoff and retries (Attempt, Parent, Link,
// Action with its Delay and Detail) after 421, 503, a read's 500 or a
// read's transport error, never a write retried after a 500. A few calls
// (about 3%) go to a second gateway on the 2019-09-30 API, whose bodies
// carry numeric Codes.
//
// Durations are log-normal, cut to 0.3–300 ms, except a timeout's (the
// client's 10 s) and a Watch stream's (its whole life).
//
// Every record has its own freshly allocated strings and header slices,
// never shared with another record, so that a measurement of the memory a
// ring of them holds is honest. A record's strings are cut from one string
// made for that record alone (one allocation instead of forty); the
// enumerations (model.Link, model.ActionKind, model.ErrKind) are the
// model's constants, as the client's are.
package loadgen
