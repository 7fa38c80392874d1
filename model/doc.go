// Package model is edgetop's pure domain: the edge API's status catalog and
// its error Codes (parsed from the files package assets embeds), operator
// advice per code, Record (one HTTP exchange), the bounded Log of records
// with filtered Views, session Stats, and the workload Plan.
//
// It does no I/O and reads no clock: every time comes from a record or from
// the caller. Its types are not safe for concurrent use; only the UI loop
// touches them. It imports no UI or network package.
package model
