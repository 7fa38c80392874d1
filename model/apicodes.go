package model

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// APICode is one error Code of the 2020-04-30 edge API: the string in an
// error body's "Code" field, the HTTP status it comes with, and what it means.
type APICode struct {
	Code    string
	Status  int
	Meaning string
}

// APICodes is the list of the API's error Codes, parsed. It is read-only once
// built and safe for concurrent reads.
type APICodes struct {
	all   []APICode
	exact map[string]int
	fold  map[string]int
}

// ParseAPICodes parses the API's error Code list (assets.APICodes): a
// markdown table Code|HTTP status|Meaning. Backquotes around a Code are
// dropped, and the status cell may carry its reason phrase ("400 Bad
// Request"). It fails on a malformed row, a duplicate Code or an empty table.
func ParseAPICodes(r io.Reader) (*APICodes, error) {
	rows, err := readTable(r)
	if err != nil {
		return nil, fmt.Errorf("API codes: %w", err)
	}
	a := &APICodes{exact: make(map[string]int), fold: make(map[string]int)}
	for i, row := range rows {
		if i == 0 || isDelimiterRow(row.cells) {
			continue
		}
		c, err := parseAPICode(row.cells)
		if err != nil {
			return nil, fmt.Errorf("API codes: line %d: %w", row.line, err)
		}
		if _, dup := a.exact[c.Code]; dup {
			return nil, fmt.Errorf("API codes: line %d: duplicate Code %q", row.line, c.Code)
		}
		a.exact[c.Code] = len(a.all)
		if _, ok := a.fold[strings.ToLower(c.Code)]; !ok {
			a.fold[strings.ToLower(c.Code)] = len(a.all)
		}
		a.all = append(a.all, c)
	}
	if len(a.all) == 0 {
		return nil, errors.New("API codes: no rows")
	}
	return a, nil
}

// parseAPICode reads one data row.
func parseAPICode(cells []string) (APICode, error) {
	if len(cells) < 3 {
		return APICode{}, fmt.Errorf("want 3 cells (Code|HTTP status|Meaning), got %d", len(cells))
	}
	code := strings.TrimSpace(strings.Trim(cells[0], "`"))
	if code == "" || strings.ContainsAny(code, " \t\n") {
		return APICode{}, fmt.Errorf("bad Code %q", cells[0])
	}
	num, _, _ := strings.Cut(cells[1], " ")
	status, err := strconv.Atoi(num)
	if err != nil || status < 100 || status > 599 {
		return APICode{}, fmt.Errorf("bad HTTP status %q for %s", cells[1], code)
	}
	meaning := collapseSpace(stripBold(strings.Join(cells[2:], "|")))
	if meaning == "" {
		return APICode{}, fmt.Errorf("code %s has no meaning", code)
	}
	return APICode{Code: code, Status: status, Meaning: meaning}, nil
}

// Lookup finds a Code: an exact match first, then a case-insensitive one.
// Surrounding spaces are ignored. A nil APICodes finds nothing.
func (a *APICodes) Lookup(code string) (APICode, bool) {
	if a == nil {
		return APICode{}, false
	}
	code = strings.TrimSpace(code)
	if i, ok := a.exact[code]; ok {
		return a.all[i], true
	}
	if i, ok := a.fold[strings.ToLower(code)]; ok {
		return a.all[i], true
	}
	return APICode{}, false
}

// All returns every Code in table order; the slice is the caller's.
func (a *APICodes) All() []APICode {
	if a == nil {
		return nil
	}
	return append([]APICode(nil), a.all...)
}
