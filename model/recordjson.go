package model

import "encoding/json"

// AppendRecordJSON appends r's JSON form (the Record encoding, one line)
// to dst, with every character a terminal would act on or hide escaped
// (AppendSafeJSON): a record's text came from the network, and its JSON
// line is printed, recorded and exported.
func AppendRecordJSON(dst []byte, r *Record) []byte {
	b, err := json.Marshal(r)
	if err != nil {
		// A Record holds only strings, numbers and slices of them: it
		// always encodes. Should that change, the line says so.
		return append(dst, `{"error":"record not encodable"}`...)
	}
	return AppendSafeJSON(dst, b)
}
