// Package assets holds the files edgetop embeds: the edge API's status table
// exactly as published, the 2020-04-30 API's error Code list and the guided
// tour's script. It only hands out bytes; package model parses them
// (model.ParseCatalog, model.ParseAPICodes, model.ParseTour).
package assets

import _ "embed"

//go:embed status-codes.md
var statusCodes []byte

//go:embed api-codes.md
var apiCodes []byte

//go:embed tour.txt
var tour []byte

// StatusCodes returns a copy of the edge API's status table (status-codes.md),
// a markdown table Code|Response message|Description, byte for byte as the
// documentation gives it. It is a copy so that no caller can change the
// embedded original.
func StatusCodes() []byte { return clone(statusCodes) }

// APICodes returns a copy of the 2020-04-30 API's error Codes (api-codes.md),
// a markdown table Code|HTTP status|Meaning.
func APICodes() []byte { return clone(apiCodes) }

// Tour returns a copy of the guided tour's script (tour.txt): one step per
// code of the status table, each an action and its caption
// (model.ParseTour reads it; `edgetop tour` runs it).
func Tour() []byte { return clone(tour) }

func clone(b []byte) []byte { return append([]byte(nil), b...) }
