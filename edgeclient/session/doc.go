// Package session is edgetop's session engine: one session is one gateway,
// with an ID, driven by one loop. The dashboard and plain mode are faces of
// it; neither has a loop of its own.
//
// The engine owns the pacing (a call per Interval, Pace to change it), a
// small pool of concurrent calls (Slots: a stalled call holds one slot,
// not the session, and a device never has two reads in flight), the
// workload plan (model.Plan), the failure policy below, the Watch stream
// and its reopening, and the demo script. It reports one ordered stream of
// Events: batches of the client's records (at most one per 50 ms) and the
// session's changes, always after the records that led to them. It never
// imports Bubble Tea or the simulator; the demo reaches the simulator
// through DemoControls, which main wires.
//
// # The failure policy
//
// The client (edgeclient) handles what one call can: it renews the cookie
// once on 401, follows redirects, backs off and retries 503 and 421
// (honouring Retry-After, never below its floor), retries reads once on
// 500 and on a reset, timeout or refused connection, and never retries a
// call that changes state on 500 or after its request may have arrived.
// What reaches the engine is a call that failed anyway; this is what the
// engine does, how often it may try again, and what the operator is told:
//
//	outcome                        engine does                                   tries again                       operator is told
//	2xx                            nothing; the link is up                       -                                 -
//	3xx (not followed: loop,       the request is refused: never resent          never, unchanged                  the row: 302 and where it pointed
//	  bad Location)                unchanged
//	400 Bad Request                never resent unchanged (a changed request,    never, unchanged                  the row: the table's 400 and the
//	                               e.g. other identifiers after a re-list,                                         API Code
//	                               is a new one)
//	401 on CreateAuthCookie        halts: wrong credentials                      never                             halted: check --user, the password
//	401 on another call            (the client renewed and was refused again)    device/kind backoff 2s..60s       the row
//	403 on CreateAuthCookie        halts: the user may not log in                never                             halted: check the permissions
//	403 on another call            never resent unchanged                        never, unchanged                  the row: grant the permission
//	404, 405                       never resent unchanged                        never, unchanged                  the row
//	4xx on ListThings              halts: the devices cannot be listed           never                             halted: check --api-version, permissions
//	421, 429, 5xx, 503             the call's device (or auth, list, watch) is   2s doubling to 60s, jittered      the row; 503 says maintenance
//	                               put off
//	malformed 2xx body             as 5xx                                        2s..60s                           the row: ⚡ 200, unusable answer
//	refused, timeout, reset,       the gateway is lost (EventLost, a marker):    one probe at a time, 1s doubling  lost since T and why; back after D
//	  truncated                    one probe at a time until something answers   to 30s, jittered                  with the calls that failed
//	  (a stalled device while      only that device is put off                   1s..30s for that device           the row
//	  others answer)
//	dns (name does not resolve)    lost, as above, with its own advice           5s doubling to 60s                lost: check the host name / DNS
//	tls: unknown authority         halts, naming the gateway's fingerprint       never                             halted: --pin sha256:… or --ca-file
//	tls: pin mismatch              halts, naming pinned and actual fingerprints  never                             halted: what changed
//	tls: name mismatch, invalid    halts, naming the certificate's names         never                             halted
//	tls: changed mid-session       halts: it was sha256:OLD, now sha256:NEW      never                             halted: what changed
//
// The Watch stream is opened once there are devices. The client reconnects
// it by itself after a drop or a transport error, with backoff. When the
// gateway refuses the Watch request (400, 403, 404, 405) it is not
// reopened until the device list changes; after other failures it reopens
// after 2s doubling to 60s. A halted session closes it.
//
// Every delay of the engine has a floor (half its base), so no loop spins
// faster than that; the client's own delays have theirs (RetryPolicy).
package session
