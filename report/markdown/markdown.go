// Package markdown writes the status report as GitHub-flavoured Markdown:
// headings, paragraphs, GFM tables, and each figure as its caption and
// data table (Markdown has no charts).
package markdown

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"strings"

	"nrm/report"
)

// Write renders d as Markdown.
func Write(w io.Writer, d *report.Document) error {
	bw := bufio.NewWriter(w)
	m := &writer{w: bw}
	m.line("# " + inline(d.Title))
	if d.Subtitle != "" {
		m.blank()
		m.line("_" + inline(d.Subtitle) + "_")
	}
	m.blank()
	for _, f := range d.Meta {
		m.line("- **" + inline(f.Label) + ":** " + inline(f.Value))
	}
	for _, s := range d.Sections {
		m.blank()
		m.line(strings.Repeat("#", min(s.Level+1, 6)) + " " + inline(s.Heading))
		for _, b := range s.Blocks {
			m.blank()
			switch b.Kind {
			case report.KindParagraph:
				m.paragraph(b.Paragraph)
			case report.KindTable:
				// A caption that repeats the heading is not repeated.
				m.table(b.Table, b.Table.Caption != s.Heading)
			case report.KindFigure:
				m.figure(b.Figure)
			}
		}
	}
	m.blank()
	m.line("---")
	m.blank()
	m.line(inline(d.Footer))
	if m.err != nil {
		return fmt.Errorf("markdown: %w", m.err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("markdown: %w", err)
	}
	return nil
}

type writer struct {
	w   *bufio.Writer
	err error
}

func (m *writer) line(s string) {
	if m.err == nil {
		_, m.err = m.w.WriteString(s + "\n")
	}
}

func (m *writer) blank() { m.line("") }

func (m *writer) paragraph(p *report.Paragraph) {
	text := block(p.Text)
	switch p.Style {
	case report.StyleNote:
		m.line("> " + text)
	case report.StyleLead:
		m.line("**" + text + "**")
	default:
		m.line(text)
	}
}

func (m *writer) table(t *report.Table, caption bool) {
	if caption && t.Caption != "" {
		m.line("**" + inline(t.Caption) + "**")
		m.blank()
	}
	head, rule := "|", "|"
	for _, c := range t.Columns {
		head += " " + cell(c.Label) + " |"
		if c.Numeric {
			rule += " ---: |"
		} else {
			rule += " --- |"
		}
	}
	m.line(head)
	m.line(rule)
	for _, r := range t.Rows {
		row := "|"
		for i := range t.Columns {
			text := ""
			if i < len(r.Cells) {
				text = cell(r.Cells[i].Text)
			}
			if r.Total && text != "" {
				text = "**" + text + "**"
			}
			row += " " + text + " |"
		}
		m.line(row)
	}
	for _, n := range t.Notes {
		m.blank()
		m.line("> " + block(n))
	}
}

func (m *writer) figure(f *report.Figure) {
	m.line("**" + inline(f.Caption) + "**")
	if f.Data != nil {
		m.blank()
		m.table(f.Data, false)
	}
	for _, n := range f.Notes {
		m.blank()
		m.line("> " + block(n))
	}
}

var escaper = strings.NewReplacer(`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`, "<", `\<`, ">", `\>`)

// inline escapes text for use within a line.
func inline(s string) string {
	return escaper.Replace(strings.Join(strings.Fields(s), " "))
}

// listStart matches text that Markdown would read as a list item or
// heading at the start of a line.
var listStart = regexp.MustCompile(`^(\d+[.)]|[-+#])\s`)

// block escapes a paragraph: inline escapes plus a protected start.
func block(s string) string {
	s = inline(s)
	if m := listStart.FindStringSubmatch(s); m != nil {
		mark := m[1]
		return mark[:len(mark)-1] + `\` + s[len(mark)-1:]
	}
	return s
}

// cell escapes a table cell; paragraphs and lines become <br>.
func cell(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var paras []string
	for _, p := range strings.Split(s, "\n\n") {
		var lines []string
		for _, l := range strings.Split(p, "\n") {
			if l = strings.TrimSpace(l); l != "" {
				lines = append(lines, strings.ReplaceAll(inline(l), "|", `\|`))
			}
		}
		if len(lines) > 0 {
			paras = append(paras, strings.Join(lines, "<br>"))
		}
	}
	return strings.Join(paras, "<br><br>")
}
