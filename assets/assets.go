// Package assets holds the files edgetop embeds: the edge API's status table
// exactly as published and the 2020-04-30 API's error Code list. It only hands
// out bytes; package model parses them (model.ParseCatalog, model.ParseAPICodes).
package assets

import _ "embed"

//go:embed status-codes.md
var statusCodes []byte

//go:embed api-codes.md
var apiCodes []byte

// StatusCodes returns a copy of the edge API's status table (status-codes.md),
// a markdown table Code|Response message|Description, byte for byte as the
// documentation gives it. It is a copy so that no caller can change the
// embedded original.
func StatusCodes() []byte { return clone(statusCodes) }

// APICodes returns a copy of the 2020-04-30 API's error Codes (api-codes.md),
// a markdown table Code|HTTP status|Meaning.
func APICodes() []byte { return clone(apiCodes) }

func clone(b []byte) []byte { return append([]byte(nil), b...) }
