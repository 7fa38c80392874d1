package model

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// BlockKind says what a Block of a description is.
type BlockKind uint8

// The kinds of description blocks.
const (
	// BlockText is a paragraph of plain text.
	BlockText BlockKind = iota
	// BlockBullet is one item of a bullet list.
	BlockBullet
	// BlockNote is a note ("**Note:** ..." in the table); Text holds the
	// note without its "Note:" label.
	BlockNote
)

// String names the kind ("text", "bullet", "note").
func (k BlockKind) String() string {
	switch k {
	case BlockBullet:
		return "bullet"
	case BlockNote:
		return "note"
	default:
		return "text"
	}
}

// Block is one paragraph, bullet or note of a status description, its text
// on one line with markdown markup and stray spaces removed.
type Block struct {
	Kind BlockKind
	Text string
}

// Entry explains one HTTP status code.
type Entry struct {
	// Code is the HTTP status; 0 stands for "no response".
	Code int
	// Message is the table's response message ("Too Many Connections"), or
	// the standard reason phrase for a code outside the table.
	Message string
	// Description is the table's description as structure: paragraphs,
	// bullets and notes in order.
	Description []Block
	// Class is the code's status class.
	Class Class
	// FromTable is true when the entry comes from the edge API's status
	// table, false when it was built from the class and the standard reason
	// phrase (429, 502, 0 = "No response", ...).
	FromTable bool
}

// DescriptionText renders the description as plain text, one block per
// line: paragraphs as they are, bullets as "- ...", notes as "Note: ...".
func (e Entry) DescriptionText() string {
	var b strings.Builder
	for i, bl := range e.Description {
		if i > 0 {
			b.WriteByte('\n')
		}
		switch bl.Kind {
		case BlockBullet:
			b.WriteString("- ")
		case BlockNote:
			b.WriteString("Note: ")
		}
		b.WriteString(bl.Text)
	}
	return b.String()
}

// Catalog is the edge API's status table, parsed. It is read-only once
// built and safe for concurrent reads.
type Catalog struct {
	entries []Entry
	index   map[int]int
}

// ParseCatalog parses the status table (assets.StatusCodes) as published: a
// markdown table Code|Response message|Description whose description cells
// may run over several lines as a bullet list and may hold a bold
// "**Note:**". Text before the table is ignored. It fails on a malformed
// row, a duplicate code or a table without rows; it never panics.
func ParseCatalog(r io.Reader) (*Catalog, error) {
	rows, err := readTable(r)
	if err != nil {
		return nil, fmt.Errorf("status table: %w", err)
	}
	c := &Catalog{index: make(map[int]int)}
	for i, row := range rows {
		if i == 0 || isDelimiterRow(row.cells) {
			continue // header and |:---| line
		}
		e, err := parseEntry(row)
		if err != nil {
			return nil, fmt.Errorf("status table: line %d: %w", row.line, err)
		}
		if _, dup := c.index[e.Code]; dup {
			return nil, fmt.Errorf("status table: line %d: duplicate code %d", row.line, e.Code)
		}
		c.index[e.Code] = len(c.entries)
		c.entries = append(c.entries, e)
	}
	if len(c.entries) == 0 {
		return nil, errors.New("status table: no rows")
	}
	return c, nil
}

// parseEntry builds the entry of one data row.
func parseEntry(row mdRow) (Entry, error) {
	if len(row.cells) < 3 {
		return Entry{}, fmt.Errorf("want 3 cells (Code|Response message|Description), got %d", len(row.cells))
	}
	code, err := strconv.Atoi(row.cells[0])
	if err != nil || code < 0 || code > 999 {
		return Entry{}, fmt.Errorf("bad code %q", row.cells[0])
	}
	msg := collapseSpace(stripBold(row.cells[1]))
	if msg == "" {
		return Entry{}, fmt.Errorf("code %d has no response message", code)
	}
	desc := strings.Join(row.cells[2:], "|") // an unescaped pipe inside the text
	return Entry{
		Code:        code,
		Message:     msg,
		Description: parseDescription(desc),
		Class:       ClassOf(code),
		FromTable:   true,
	}, nil
}

// Lookup returns the entry for code. It never fails: a code outside the
// table gets an entry built from its class and the standard reason phrase,
// with FromTable false. A nil Catalog holds no table entries.
func (c *Catalog) Lookup(code int) Entry {
	if c != nil {
		if i, ok := c.index[code]; ok {
			return c.entries[i]
		}
	}
	return fallbackEntry(code)
}

// Has reports whether code is in the table.
func (c *Catalog) Has(code int) bool {
	if c == nil {
		return false
	}
	_, ok := c.index[code]
	return ok
}

// Entries returns the table's entries in table order. The slice is the
// caller's; the entries' Description slices are shared and must not be
// modified.
func (c *Catalog) Entries() []Entry {
	if c == nil {
		return nil
	}
	return append([]Entry(nil), c.entries...)
}

// fallbackNote ends the description of every entry built outside the table,
// so that no screen passes it off as the edge API's own text.
const fallbackNote = "Not from the edge API's status table: the standard HTTP meaning of the code's class " +
	"and its reason phrase."

// noResponseNote ends the entry for 0 (no response): there is no code to
// look up, so the table has nothing to say.
const noResponseNote = "Not from the edge API's status table: no HTTP response arrived, so there is no status code to explain."

// fallbackEntry builds the entry for a code outside the table.
func fallbackEntry(code int) Entry {
	cl := ClassOf(code)
	msg := ReasonPhrase(code)
	return Entry{
		Code:    code,
		Message: msg,
		Class:   cl,
		Description: []Block{
			{Kind: BlockText, Text: classMeaning(code, cl)},
			{Kind: BlockNote, Text: fallbackNoteFor(code)},
		},
	}
}

// fallbackNoteFor says where a fallback entry's text comes from: for 0
// there is no code at all, only the fact that no response came.
func fallbackNoteFor(code int) string {
	if code == 0 {
		return noResponseNote
	}
	return fallbackNote
}

// classMeaning is the generic meaning of a code's class.
func classMeaning(code int, cl Class) string {
	switch {
	case code == 0:
		return "No HTTP response arrived: the connection was refused or reset, TLS failed, or the request timed out."
	case cl == ClassNet:
		return "A status outside 100..599, which HTTP does not define."
	case cl == Class1xx:
		return "An interim response; the final response follows it."
	case cl == Class2xx:
		return "The request succeeded."
	case cl == Class3xx:
		return "The resource is elsewhere: the response says where (Location) and the client may follow it."
	case cl == Class4xx:
		return "The server refused the request as sent; it fails again unless the request, its credentials or its rate change."
	default:
		return "The server failed to handle the request; the request itself may be valid and a later retry may succeed."
	}
}
