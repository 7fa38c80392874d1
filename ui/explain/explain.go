// Package explain renders the edge API's status table and its error
// Codes as text: `edgetop codes`, `edgetop explain`, and the descriptions
// the dashboard's pane and table overlay show.
package explain

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"edgetop/model"
	"edgetop/ui/termtext"
	"edgetop/ui/theme"
)

// Options says how `edgetop codes` and `edgetop explain` draw.
type Options struct {
	// Theme colours the output; NoColorTheme when piped or NO_COLOR is set.
	Theme *theme.Theme
	// Glyphs adds the class glyph before each code (on a terminal).
	Glyphs bool
	// Width wraps descriptions to this many cells; 0 means no wrapping.
	Width int
}

// ErrUnknownCode is returned by Explain for an argument that is neither an
// HTTP status nor a known API error Code.
var ErrUnknownCode = errors.New("unknown code")

// Codes renders the whole status table, one code per block, aligned:
// code, response message, then the description (bullets and note kept);
// then, when codes is not nil, the 2020-04-30 API error Codes.
func Codes(cat *model.Catalog, codes *model.APICodes, o Options) string {
	entries := cat.Entries()
	msgW := 0
	for _, e := range entries {
		msgW = max(msgW, ansi.StringWidth(e.Message))
	}
	prefix := 3 + 1 + msgW + 2 // "421 " + message column + gap
	if o.Glyphs {
		prefix += 2
	}
	var b strings.Builder
	for _, e := range entries {
		st := o.Theme.Class[e.Class]
		head := fmt.Sprintf("%-3d %-*s", e.Code, msgW, e.Message)
		if o.Glyphs {
			head = theme.ClassGlyph(e.Class) + " " + head
		}
		b.WriteString(st.Render(head))
		b.WriteString("  ")
		lines := DescriptionLines(e.Description, o.Width-prefix)
		for i, l := range lines {
			if i > 0 {
				b.WriteString(strings.Repeat(" ", prefix))
			}
			b.WriteString(l)
			b.WriteByte('\n')
		}
		if len(lines) == 0 {
			b.WriteByte('\n')
		}
	}
	if codes != nil {
		b.WriteString(renderAPICodes(cat, codes, o))
	}
	return b.String()
}

// renderAPICodes lists the API error Codes: Code, HTTP status, meaning.
func renderAPICodes(cat *model.Catalog, codes *model.APICodes, o Options) string {
	all := codes.All()
	codeW := 0
	for _, c := range all {
		codeW = max(codeW, ansi.StringWidth(c.Code))
	}
	prefix := codeW + 2 + 3 + 2
	if o.Glyphs {
		prefix += 2
	}
	var b strings.Builder
	b.WriteString("\n")
	b.WriteString("API error Codes (2020-04-30 bodies: {\"Code\":\"...\",\"Message\":\"...\"})")
	b.WriteString("\n")
	for _, c := range all {
		cl := cat.Lookup(c.Status).Class
		head := fmt.Sprintf("%-*s  %3d", codeW, c.Code, c.Status)
		if o.Glyphs {
			head = theme.ClassGlyph(cl) + " " + head
		}
		b.WriteString(o.Theme.Class[cl].Render(head))
		b.WriteString("  ")
		b.WriteString(strings.ReplaceAll(termtext.Wrap(c.Meaning, o.Width-prefix, 0), "\n", "\n"+strings.Repeat(" ", prefix)))
		b.WriteString("\n")
	}
	return b.String()
}

// Code explains one status code ("421", "0" for no response) or
// one 2020-04-30 API error Code ("InvalidParameter"). It returns
// ErrUnknownCode, wrapped with the argument, for anything else.
func Code(cat *model.Catalog, codes *model.APICodes, arg string, o Options) (string, error) {
	arg = strings.TrimSpace(arg)
	if n, err := strconv.Atoi(arg); err == nil {
		if n != 0 && (n < 100 || n > 599) {
			return "", fmt.Errorf("%w %q: HTTP status codes run from 100 to 599 (0 means no response)", ErrUnknownCode, arg)
		}
		return explainStatus(cat.Lookup(n), o), nil
	}
	if c, ok := codes.Lookup(arg); ok {
		return explainAPICode(cat, c, o), nil
	}
	return "", fmt.Errorf("%w %q: not an HTTP status or an edge API error Code (try `edgetop codes`)", ErrUnknownCode, arg)
}

// explainStatus renders one catalog entry in full.
func explainStatus(e model.Entry, o Options) string {
	var b strings.Builder
	head := fmt.Sprintf("%d %s", e.Code, e.Message)
	if e.Code == 0 {
		head = e.Message
	}
	if o.Glyphs {
		head = theme.ClassGlyph(e.Class) + " " + head
	}
	b.WriteString(o.Theme.ClassTitle[e.Class].Render(head))
	b.WriteString(o.Theme.Muted.Render(" · " + e.Class.String() + " · " + e.Class.Title()))
	b.WriteString("\n")
	b.WriteString("\n")
	for _, l := range DescriptionLines(e.Description, o.Width) {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	if adv := model.Advice(e.Code, ""); adv != "" {
		b.WriteString("\n")
		b.WriteString(o.Theme.Bold.Render("What you can do: "))
		b.WriteString(termtext.Wrap(adv, o.Width, len("What you can do: ")))
		b.WriteString("\n")
	}
	return b.String()
}

// explainAPICode renders an API error Code with the status it comes with.
func explainAPICode(cat *model.Catalog, c model.APICode, o Options) string {
	e := cat.Lookup(c.Status)
	var b strings.Builder
	head := c.Code
	if o.Glyphs {
		head = theme.ClassGlyph(e.Class) + " " + head
	}
	b.WriteString(o.Theme.ClassTitle[e.Class].Render(head))
	b.WriteString(o.Theme.Muted.Render(fmt.Sprintf(" · API error Code (2020-04-30) · HTTP %d %s", e.Code, e.Message)))
	b.WriteString("\n\n")
	b.WriteString(termtext.Wrap(c.Meaning, o.Width, 0))
	b.WriteString("\n")
	if adv := model.Advice(c.Status, c.Code); adv != "" {
		b.WriteString("\n")
		b.WriteString(o.Theme.Bold.Render("What you can do: "))
		b.WriteString(termtext.Wrap(adv, o.Width, len("What you can do: ")))
		b.WriteString("\n")
	}
	return b.String()
}

// DescriptionLines lays a structured description out as lines: text as
// paragraphs, bullets as "• ", notes as "Note: ", each wrapped to width.
func DescriptionLines(blocks []model.Block, width int) []string {
	var out []string
	for _, bl := range blocks {
		lead, indent := "", 0
		switch bl.Kind {
		case model.BlockBullet:
			lead, indent = "• ", 2
		case model.BlockNote:
			lead = "Note: "
		}
		text := termtext.Wrap(lead+bl.Text, width-indent, 0)
		for i, l := range strings.Split(text, "\n") {
			if i > 0 && indent > 0 {
				l = strings.Repeat(" ", indent) + l
			}
			out = append(out, l)
		}
	}
	return out
}
