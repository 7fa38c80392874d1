package model

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// mdRow is one logical row of a markdown table: its cells, trimmed, and the
// line it started on. A row may span several physical lines when a cell's
// text runs over (the status table's 400 row does: its bullet list continues
// on the next line until the closing pipe).
type mdRow struct {
	line  int
	cells []string
}

// maxLine bounds one physical line; a longer one is an error, not a panic.
const maxLine = 1 << 20

// readTable returns the rows of the first markdown table in r, header and
// delimiter rows included. Lines before the table are skipped; the table ends
// at the first blank line, or at a line not starting with a pipe when the
// current row is complete.
func readTable(r io.Reader) ([]mdRow, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxLine)
	var rows []mdRow
	var cur strings.Builder
	open, start, n := false, 0, 0
	for sc.Scan() {
		n++
		line := strings.TrimRight(sc.Text(), " \t\r")
		trimmed := strings.TrimLeft(line, " \t")
		switch {
		case open:
			cur.WriteByte('\n')
			cur.WriteString(trimmed)
		case strings.HasPrefix(trimmed, "|"):
			open, start = true, n
			cur.Reset()
			cur.WriteString(trimmed)
		case len(rows) > 0:
			return rows, nil // the table ended
		default:
			continue
		}
		if rowComplete(cur.String()) {
			rows = append(rows, mdRow{line: start, cells: splitCells(cur.String())})
			open = false
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading table at line %d: %w", n+1, err)
	}
	if open {
		return nil, fmt.Errorf("line %d: table row never closed with '|'", start)
	}
	return rows, nil
}

// rowComplete reports whether s, a row's text so far, ends with an unescaped
// pipe that is not its opening one.
func rowComplete(s string) bool {
	s = strings.TrimRight(s, " \t")
	return len(s) >= 2 && s[len(s)-1] == '|' && s[len(s)-2] != '\\'
}

// splitCells splits a complete row "|a|b|c|" at its unescaped pipes and trims
// each cell; "\|" inside a cell becomes "|".
func splitCells(row string) []string {
	row = strings.TrimSpace(row)
	row = strings.TrimPrefix(row, "|")
	row = strings.TrimSuffix(row, "|")
	var cells []string
	var b strings.Builder
	for i := 0; i < len(row); i++ {
		switch {
		case row[i] == '\\' && i+1 < len(row) && row[i+1] == '|':
			b.WriteByte('|')
			i++
		case row[i] == '|':
			cells = append(cells, strings.TrimSpace(b.String()))
			b.Reset()
		default:
			b.WriteByte(row[i])
		}
	}
	return append(cells, strings.TrimSpace(b.String()))
}

// isDelimiterRow reports whether cells form a table's |:---|---:| line.
func isDelimiterRow(cells []string) bool {
	for _, c := range cells {
		if strings.Trim(c, ":- ") != "" || !strings.Contains(c, "-") {
			return false
		}
	}
	return len(cells) > 0
}

// collapseSpace trims s and turns every run of spaces and tabs into one space.
func collapseSpace(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
