package model

import (
	"bytes"
	"slices"
	"strings"
	"testing"
)

// tableText is the status table as published (assets/status-codes.md),
// copied here so the parser's tests do not depend on the asset.
const tableText = "# Status codes\n\nThe following table lists the status codes of the edge API.\n\n" +
	"|Code|Response message|Description|\n|:---|:---------------|:----------|\n" +
	"|200|Success|The call was successful.|\n" +
	"|201|Created|The request was successful and the server created new resources.|\n" +
	"|302|Move temporarily|The URL was redirected.|\n" +
	"|400|Bad Request|The error code may be reported due to the following two reasons: -   The semantic of the " +
	"request was invalid. The current request cannot be understood by the server. The client will not send the " +
	"same request unless the request is modified.\n-   The request parameters contained an error. |\n" +
	"|401|Unauthorized|The current request requires user authentication. This means that the cookie has expired " +
	"and you need to call the CreateAuthCookie API operation to obtain the updated cookie. Otherwise, you cannot " +
	"call other API operations.|\n" +
	"|403|Forbidden|The server understood the request. However, the server refused to execute the request. You " +
	"must verify whether the current user has the permissions to perform the API operation.|\n" +
	"|404|Not Found|The request failed because no resources were found on the server. You must check whether the " +
	"parameters in the request are correct.|\n" +
	"|405|Method Not Allowed|The HTTP method specified in the request cannot be used to request the specified " +
	"resource. For example, the POST method is not supported.|\n" +
	"|421|Too Many Connections|The number of connections established between the server and the IP address " +
	"where the current client is located has reached the upper limit. **Note:** The IP address is the address " +
	"of the client that is seen on the server, such as the address of the client gateway or a proxy server used " +
	"by the client. |\n" +
	"|500|Internal Server Error|The server encountered an unexpected error and was unable to process the " +
	"request. This error code is usually returned when an error occurs in the source code of the server.|\n" +
	"|503|Service Unavailable|The server is currently unable to process requests due to temporary server " +
	"maintenance or server overload. |\n\n"

// wantTable is every entry of the table, exactly.
var wantTable = []Entry{
	{Code: 200, Message: "Success", Class: Class2xx, Description: []Block{text("The call was successful.")}},
	{Code: 201, Message: "Created", Class: Class2xx, Description: []Block{
		text("The request was successful and the server created new resources."),
	}},
	{Code: 302, Message: "Move temporarily", Class: Class3xx, Description: []Block{text("The URL was redirected.")}},
	{Code: 400, Message: "Bad Request", Class: Class4xx, Description: []Block{
		text("The error code may be reported due to the following two reasons:"),
		bullet("The semantic of the request was invalid. The current request cannot be understood by the server. " +
			"The client will not send the same request unless the request is modified."),
		bullet("The request parameters contained an error."),
	}},
	{Code: 401, Message: "Unauthorized", Class: Class4xx, Description: []Block{
		text("The current request requires user authentication. This means that the cookie has expired and you " +
			"need to call the CreateAuthCookie API operation to obtain the updated cookie. Otherwise, you cannot " +
			"call other API operations."),
	}},
	{Code: 403, Message: "Forbidden", Class: Class4xx, Description: []Block{
		text("The server understood the request. However, the server refused to execute the request. You must " +
			"verify whether the current user has the permissions to perform the API operation."),
	}},
	{Code: 404, Message: "Not Found", Class: Class4xx, Description: []Block{
		text("The request failed because no resources were found on the server. You must check whether the " +
			"parameters in the request are correct."),
	}},
	{Code: 405, Message: "Method Not Allowed", Class: Class4xx, Description: []Block{
		text("The HTTP method specified in the request cannot be used to request the specified resource. For " +
			"example, the POST method is not supported."),
	}},
	{Code: 421, Message: "Too Many Connections", Class: Class4xx, Description: []Block{
		text("The number of connections established between the server and the IP address where the current " +
			"client is located has reached the upper limit."),
		note("The IP address is the address of the client that is seen on the server, such as the address of " +
			"the client gateway or a proxy server used by the client."),
	}},
	{Code: 500, Message: "Internal Server Error", Class: Class5xx, Description: []Block{
		text("The server encountered an unexpected error and was unable to process the request. This error code " +
			"is usually returned when an error occurs in the source code of the server."),
	}},
	{Code: 503, Message: "Service Unavailable", Class: Class5xx, Description: []Block{
		text("The server is currently unable to process requests due to temporary server maintenance or server " +
			"overload."),
	}},
}

func text(s string) Block   { return Block{Kind: BlockText, Text: s} }
func bullet(s string) Block { return Block{Kind: BlockBullet, Text: s} }
func note(s string) Block   { return Block{Kind: BlockNote, Text: s} }

func mustCatalog(t testing.TB, s string) *Catalog {
	t.Helper()
	c, err := ParseCatalog(strings.NewReader(s))
	if err != nil {
		t.Fatalf("ParseCatalog: %v", err)
	}
	return c
}

func TestCatalogPinsEveryCode(t *testing.T) {
	c := mustCatalog(t, tableText)
	got := c.Entries()
	if len(got) != len(wantTable) {
		t.Fatalf("got %d entries, want %d", len(got), len(wantTable))
	}
	for i, want := range wantTable {
		want.FromTable = true
		t.Run(want.Message, func(t *testing.T) {
			if !entryEqual(got[i], want) {
				t.Errorf("entry %d:\n got %#v\nwant %#v", i, got[i], want)
			}
			if l := c.Lookup(want.Code); !entryEqual(l, want) {
				t.Errorf("Lookup(%d) = %#v", want.Code, l)
			}
			if !c.Has(want.Code) {
				t.Errorf("Has(%d) = false", want.Code)
			}
		})
	}
}

func entryEqual(a, b Entry) bool {
	return a.Code == b.Code && a.Message == b.Message && a.Class == b.Class &&
		a.FromTable == b.FromTable && slices.Equal(a.Description, b.Description)
}

func TestDescriptionText(t *testing.T) {
	c := mustCatalog(t, tableText)
	want400 := "The error code may be reported due to the following two reasons:\n" +
		"- The semantic of the request was invalid. The current request cannot be understood by the server. " +
		"The client will not send the same request unless the request is modified.\n" +
		"- The request parameters contained an error."
	if got := c.Lookup(400).DescriptionText(); got != want400 {
		t.Errorf("400:\n got %q\nwant %q", got, want400)
	}
	want421 := "The number of connections established between the server and the IP address where the current " +
		"client is located has reached the upper limit.\nNote: The IP address is the address of the client that " +
		"is seen on the server, such as the address of the client gateway or a proxy server used by the client."
	if got := c.Lookup(421).DescriptionText(); got != want421 {
		t.Errorf("421:\n got %q\nwant %q", got, want421)
	}
}

func TestCatalogFallback(t *testing.T) {
	c := mustCatalog(t, tableText)
	tests := []struct {
		code    int
		message string
		class   Class
	}{
		{429, "Too Many Requests", Class4xx},
		{502, "Bad Gateway", Class5xx},
		{504, "Gateway Timeout", Class5xx},
		{0, "No response", ClassNet},
		{204, "No Content", Class2xx},
		{299, "Unknown success status", Class2xx},
		{999, "Unknown status", ClassNet},
		{-1, "Unknown status", ClassNet},
	}
	for _, tt := range tests {
		e := c.Lookup(tt.code)
		if e.Code != tt.code || e.Message != tt.message || e.Class != tt.class || e.FromTable {
			t.Errorf("Lookup(%d) = %+v, want message %q class %v, not from the table", tt.code, e, tt.message, tt.class)
		}
		if c.Has(tt.code) {
			t.Errorf("Has(%d) = true", tt.code)
		}
		last := e.Description[len(e.Description)-1]
		if len(e.Description) != 2 || last.Kind != BlockNote || !strings.HasPrefix(last.Text, "Not from the edge API's status table") {
			t.Errorf("Lookup(%d) description %+v does not say it is not from the table", tt.code, e.Description)
		}
	}
	if e := c.Lookup(0); !strings.Contains(e.DescriptionText(), "No HTTP response arrived") ||
		strings.Contains(e.DescriptionText(), "reason phrase") {
		t.Errorf("Lookup(0) = %q", e.DescriptionText())
	}
	var nilCatalog *Catalog
	if e := nilCatalog.Lookup(400); e.Message != "Bad Request" || e.FromTable || nilCatalog.Entries() != nil {
		t.Errorf("nil catalog Lookup(400) = %+v", e)
	}
}

func TestParseDescriptionShapes(t *testing.T) {
	tests := []struct {
		name, in string
		want     []Block
	}{
		{"plain", "  one   two  ", []Block{text("one two")}},
		{"empty", "   ", nil},
		{"bullets on their own lines", "Reasons:\n- a\n* b\n+ c", []Block{text("Reasons:"), bullet("a"), bullet("b"), bullet("c")}},
		{"lazy continuation", "- a\ncontinued\n- b", []Block{bullet("a continued"), bullet("b")}},
		{"hyphen inside prose", "a - b and x-y", []Block{text("a - b and x-y")}},
		{"bold note variant", "Text. **NOTE**: careful", []Block{text("Text."), note("careful")}},
		{"two notes", "**Note:** one **Note:** two", []Block{note("one"), note("two")}},
		{"note in a bullet", "Why: - a **Note:** b", []Block{text("Why:"), bullet("a"), note("b")}},
		{"br breaks", "Why:<br>- a<br/>- b", []Block{text("Why:"), bullet("a"), bullet("b")}},
		{"other bold", "a **bold** word", []Block{text("a bold word")}},
		{"sentence then bullet", "First. - second", []Block{text("First."), bullet("second")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := parseDescription(tt.in); !slices.Equal(got, tt.want) {
				t.Errorf("parseDescription(%q)\n got %#v\nwant %#v", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseCatalogRows(t *testing.T) {
	head := "|Code|Response message|Description|\n|---|---|---|\n"
	c := mustCatalog(t, head+"  | 418 |  I'm   a teapot |  Short \\| stout.  |\n|599|X|a|b|\n")
	if e := c.Lookup(418); e.Message != "I'm a teapot" || e.DescriptionText() != "Short | stout." || !e.FromTable {
		t.Errorf("418 = %+v", e)
	}
	if e := c.Lookup(599); e.DescriptionText() != "a|b" {
		t.Errorf("599 = %+v", e)
	}
	bad := map[string]string{
		"no table":       "just text\n",
		"header only":    head,
		"bad code":       head + "|abc|X|Y|\n",
		"code too big":   head + "|1000|X|Y|\n",
		"two cells":      head + "|200|OK|\n",
		"no message":     head + "|200| |Y|\n",
		"duplicate":      head + "|200|A|B|\n|200|C|D|\n",
		"unclosed":       head + "|200|A|B\nmore",
		"overlong line":  head + "|200|A|" + strings.Repeat("x", maxLine+1) + "|\n",
		"empty document": "",
	}
	for name, in := range bad {
		if c, err := ParseCatalog(strings.NewReader(in)); err == nil {
			t.Errorf("%s: ParseCatalog succeeded: %+v", name, c.Entries())
		}
	}
}

func TestParseCatalogStopsAtTableEnd(t *testing.T) {
	in := tableText + "Some prose after the table.\n\n|Code|x|y|\n|1|2|3|\n"
	c := mustCatalog(t, in)
	if n := len(c.Entries()); n != len(wantTable) {
		t.Errorf("got %d entries, want %d", n, len(wantTable))
	}
	// Windows line ends parse the same.
	crlf := mustCatalog(t, strings.ReplaceAll(tableText, "\n", "\r\n"))
	if !slices.EqualFunc(crlf.Entries(), c.Entries(), entryEqual) {
		t.Error("CRLF table parsed differently")
	}
}

func TestEntriesIsACopy(t *testing.T) {
	c := mustCatalog(t, tableText)
	es := c.Entries()
	es[0].Message = "changed"
	if c.Lookup(200).Message != "Success" {
		t.Error("Entries exposed the catalog's own slice")
	}
}

func FuzzParseCatalog(f *testing.F) {
	f.Add([]byte(tableText))
	f.Add([]byte("|Code|m|d|\n|-|-|-|\n|400|x|a: - b\n- c |\n"))
	f.Add([]byte("|a|\n|\\|\n"))
	f.Add([]byte("|Code|m|d|\n|1|x|**Note:**<br>- |\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseCatalog(bytes.NewReader(data))
		if err != nil {
			return
		}
		for _, e := range c.Entries() {
			if !e.FromTable || c.Lookup(e.Code).Code != e.Code {
				t.Fatalf("entry %+v does not look itself up", e)
			}
			for _, b := range e.Description {
				if b.Text == "" || b.Text != strings.TrimSpace(b.Text) {
					t.Fatalf("code %d: bad block %q", e.Code, b.Text)
				}
			}
			_ = e.DescriptionText()
		}
	})
}
