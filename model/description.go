package model

import "strings"

// parseDescription turns a description cell into blocks. It understands what
// the edge API's table does with its markdown: bullet items whose first
// marker follows a colon on the same line ("reasons: -   The ..."), further
// items on the following lines, a bold "**Note:**" that starts a note inside
// a cell, "<br>" line breaks and stray runs of spaces. A line without a
// marker continues the block before it, as markdown's lazy continuation does.
func parseDescription(s string) []Block {
	var blocks []Block
	open := func(k BlockKind) { blocks = append(blocks, Block{Kind: k}) }
	text := func(t string) {
		if len(blocks) == 0 {
			open(BlockText)
		}
		last := &blocks[len(blocks)-1]
		last.Text += " " + t
	}
	for _, line := range strings.Split(breakLines(s), "\n") {
		for _, p := range splitBullets(line) {
			if p.bullet {
				open(BlockBullet)
			}
			rest := p.text
			for {
				before, after, found := cutNote(rest)
				text(before)
				if !found {
					break
				}
				open(BlockNote)
				rest = after
			}
		}
	}
	out := blocks[:0]
	for _, b := range blocks {
		b.Text = collapseSpace(stripBold(b.Text))
		if b.Text != "" {
			out = append(out, b)
		}
	}
	return out
}

// piece is a run of a line, opened by a bullet marker or not.
type piece struct {
	bullet bool
	text   string
}

// splitBullets cuts a line at its bullet markers: "-", "*" or "+" followed by
// whitespace, at the start of the line or after a colon, full stop or
// semicolon (where a flattened list continues a sentence).
func splitBullets(line string) []piece {
	var out []piece
	cur := piece{}
	start := 0
	for i := 0; i < len(line); i++ {
		if !isMarkerAt(line, i) {
			continue
		}
		cur.text = line[start:i]
		out = append(out, cur)
		cur = piece{bullet: true}
		start = i + 1
	}
	cur.text = line[start:]
	return append(out, cur)
}

// isMarkerAt reports whether line[i] is a bullet marker.
func isMarkerAt(line string, i int) bool {
	c := line[i]
	if c != '-' && c != '*' && c != '+' {
		return false
	}
	if i+1 >= len(line) || (line[i+1] != ' ' && line[i+1] != '\t') {
		return false
	}
	j := i - 1
	for j >= 0 && (line[j] == ' ' || line[j] == '\t') {
		j--
	}
	if j < 0 {
		return true // first non-blank of the line
	}
	if j == i-1 {
		return false // "a- b": no space before the marker
	}
	switch line[j] {
	case ':', '.', ';':
		return true
	}
	return false
}

// cutNote splits s at its first bold note label ("**Note:**" or
// "**Note**:", any case) and returns the text before and after it.
func cutNote(s string) (before, after string, found bool) {
	low := asciiLower(s)
	for _, label := range [...]string{"**note:**", "**note**:"} {
		if i := strings.Index(low, label); i >= 0 {
			return s[:i], s[i+len(label):], true
		}
	}
	return s, "", false
}

// breakLines turns HTML line breaks, which markdown tables use for line
// breaks inside a cell, into newlines.
func breakLines(s string) string {
	if !strings.Contains(s, "<") {
		return s
	}
	for _, br := range [...]string{"<br>", "<br/>", "<br />", "<BR>", "<BR/>", "<BR />"} {
		s = strings.ReplaceAll(s, br, "\n")
	}
	return s
}

// stripBold removes markdown bold markers.
func stripBold(s string) string { return strings.ReplaceAll(s, "**", "") }

// asciiLower lowers ASCII letters only, so byte offsets stay valid.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
