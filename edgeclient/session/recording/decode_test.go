package recording

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"edgetop/model"
)

// checkDecoder decodes line with the decoder and with json.Unmarshal: when
// the decoder takes it, json.Unmarshal must take it too and give the same
// record.
func checkDecoder(t *testing.T, line []byte) {
	t.Helper()
	d := decoder{in: newInterner()}
	var fast model.Record
	d.b = line
	if !d.fields(&fast) {
		return
	}
	var slow model.Record
	if err := json.Unmarshal(line, &slow); err != nil {
		t.Fatalf("the decoder took a line json.Unmarshal refuses (%v):\n%q", err, line)
	}
	if !reflect.DeepEqual(fast, slow) {
		t.Fatalf("the decoder and json.Unmarshal differ on\n%q\n fast %+v\n json %+v", line, fast, slow)
	}
}

// TestDecoderIsUnmarshal: on what the writer writes, and on valid JSON of
// other shapes, the decoder gives what json.Unmarshal gives, and it takes
// the writer's lines itself (no detour through json.Unmarshal).
func TestDecoderIsUnmarshal(t *testing.T) {
	for _, r := range genRecords(2000, 7) {
		b, err := json.Marshal(&r)
		if err != nil {
			t.Fatal(err)
		}
		line := model.AppendSafeJSON(nil, b)
		d := decoder{in: newInterner(), b: line}
		var got model.Record
		if !d.fields(&got) {
			t.Fatalf("the decoder sent a line of the writer to json.Unmarshal:\n%s", line)
		}
		if !reflect.DeepEqual(got, r) {
			t.Fatalf("record changed through the decoder:\n got %+v\nwant %+v", got, r)
		}
		checkDecoder(t, line)
	}
	for _, line := range decoderCases {
		checkDecoder(t, []byte(line))
	}
}

// decoderCases are lines of other shapes than the writer's: spacing, key
// order, unknown keys, duplicates, escapes, edge numbers, letter case.
var decoderCases = []string{
	` { "start" : "2020-04-22T17:01:50.136Z" , "id" : 3 } `,
	`{"start":"2020-04-22T17:01:50+02:00","status":-0,"attempt":-9223372036854775808}`,
	`{"start":"2020-04-22T17:01:50Z","id":18446744073709551615,"bytes_in":9223372036854775807}`,
	`{"start":"2020-04-22T17:01:50Z","id":18446744073709551616}`,
	`{"start":"2020-04-22T17:01:50Z","status":1.0}`,
	`{"start":"2020-04-22T17:01:50Z","status":1e2}`,
	`{"start":"2020-04-22T17:01:50Z","status":01}`,
	`{"start":"2020-04-22T17:01:50Z","Status":404}`,
	`{"start":"2020-04-22T17:01:50Z","ſtatus":404}`,
	`{"start":"2020-04-22T17:01:50Z","future":{"a":[1,2.5e-3,"x\u0041",true,false,null,{}]},"id":1}`,
	`{"start":"2020-04-22T17:01:50Z","future":[1,-0.5E+7,"\ud83d\ude00"],"id":1}`,
	`{"start":"2020-04-22T17:01:50Z","path":"a\"b\\c\/d\b\f\n\r\t\u00e9\ud83d\ude00\u202e"}`,
	`{"start":"2020-04-22T17:01:50Z","path":"\ud800"}`,
	`{"start":"2020-04-22T17:01:50Z","path":"\udc00x"}`,
	`{"start":"2020-04-22T17:01:50Z","path":"\ud800\u0041"}`,
	"{\"start\":\"2020-04-22T17:01:50Z\",\"path\":\"\xff\"}",
	"{\"start\":\"2020-04-22T17:01:50Z\",\"path\":\"\xed\xa0\x80\"}",
	"{\"start\":\"2020-04-22T17:01:50Z\",\"path\":\"\xef\xbf\xbd\"}",
	`{"start":"2020-04-22T17:01:50Z","error":{"kind":"tls"},"error":{"text":"x"}}`,
	`{"start":"2020-04-22T17:01:50Z","error":null}`,
	`{"start":"2020-04-22T17:01:50Z","error":{}}`,
	`{"start":"2020-04-22T17:01:50Z","request_headers":[]}`,
	`{"start":"2020-04-22T17:01:50Z","request_headers":[{"name":"a","value":"b"}],"request_headers":[{"name":"c"}]}`,
	`{"start":"2020-04-22T17:01:50Z","response_body":{"size":1},"response_body":{"preview":"p","truncated":true,"x":[]}}`,
	`{"start":"2020-04-22T17:01:50Z","action":{"kind":"backoff","delay_ns":-5,"detail":""}}`,
	`{"start":"2020-04-22T17:01:50Z","start":"2021-01-01T00:00:00Z"}`,
	`{"start":"2020-04-22T17:01:50.1234567891Z"}`,
	`{"start":"2020-04-22 17:01:50Z"}`,
	`{"start":"2020-04-22T17:01:50Z"} x`,
	`{"start":"2020-04-22T17:01:50Z",}`,
	`{"start":"2020-04-22T17:01:50Z","status":true}`,
	`{"start":"2020-04-22T17:01:50Z","link":"retry","parent":4}`,
	`{"start":"2020-04-22T17:01:50Z","request_body":{"truncated":truex}}`,
	`{"st\u0061rt":"2020-04-22T17:01:50Z"}`,
	`{"start":"2020-04-22T17:01:50Z","x":` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `}`,
}

// FuzzDecoder: whatever the line, the decoder never takes one that
// json.Unmarshal refuses or decodes otherwise.
func FuzzDecoder(f *testing.F) {
	for _, c := range decoderCases {
		f.Add([]byte(c))
	}
	for _, r := range genRecords(20, 3) {
		b, _ := json.Marshal(&r)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		checkDecoder(t, line)
	})
}
