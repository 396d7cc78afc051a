package auditcheck_test

import (
	"bytes"
	"fmt"
	"html"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"nrm"
	"nrm/refdata"

	"github.com/xuri/excelize/v2"
)

// table is a statistics table as a reader of one format sees it.
type table struct {
	id     string // the HTML report's table id ("" until known)
	title  string
	header []string
	rows   [][]string
}

var (
	mdCell     = regexp.MustCompile(`\\(.)`)
	htmlTable  = regexp.MustCompile(`(?s)<table id="([^"]+)">(.*?)</table>`)
	htmlCap    = regexp.MustCompile(`(?s)<(?:fig)?caption>(.*?)</(?:fig)?caption>`)
	htmlRow    = regexp.MustCompile(`(?s)<tr>(.*?)</tr>`)
	htmlCell   = regexp.MustCompile(`(?s)<t[hd][^>]*>(.*?)</t[hd]>`)
	htmlTag    = regexp.MustCompile(`<[^>]+>`)
	htmlSVG    = regexp.MustCompile(`(?s)<svg.*?</svg>`)
	thousands  = regexp.MustCompile(`^\d{1,3}(\.\d{3})+$`)
	wideSpaces = regexp.MustCompile(`\s{2,}`)
)

// parseTables reads the tables of a Markdown or HTML report.
func parseTables(format, text string) ([]table, error) {
	switch format {
	case "md":
		return parseMarkdown(text), nil
	case "html":
		return parseHTML(text), nil
	}
	return nil, fmt.Errorf("no table reader for %s", format)
}

// parseMarkdown reads every pipe table with the bold title before it.
func parseMarkdown(text string) []table {
	var out []table
	lines := strings.Split(text, "\n")
	title := ""
	for i := 0; i < len(lines); i++ {
		l := strings.TrimSpace(lines[i])
		if strings.HasPrefix(l, "**") && strings.HasSuffix(l, "**") && len(l) > 4 {
			title = strings.TrimSuffix(strings.Trim(l, "*"), ":")
			continue
		}
		if !strings.HasPrefix(l, "|") || i+1 >= len(lines) || !strings.HasPrefix(strings.TrimSpace(lines[i+1]), "| ---") {
			continue
		}
		tb := table{title: title, header: mdRow(l)}
		for i += 2; i < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[i]), "|"); i++ {
			tb.rows = append(tb.rows, mdRow(strings.TrimSpace(lines[i])))
		}
		out = append(out, tb)
		title = ""
	}
	return out
}

func mdRow(l string) []string {
	l = strings.TrimSuffix(strings.TrimPrefix(l, "|"), "|")
	var cells []string
	for _, c := range strings.Split(l, " | ") {
		c = strings.TrimSpace(strings.ReplaceAll(strings.TrimSpace(c), "**", ""))
		cells = append(cells, mdCell.ReplaceAllString(c, "$1"))
	}
	return cells
}

// parseHTML reads every table with its caption, or the caption of the
// figure it belongs to.
func parseHTML(text string) []table {
	text = htmlSVG.ReplaceAllString(text, "")
	var out []table
	for _, m := range htmlTable.FindAllStringSubmatchIndex(text, -1) {
		id := strings.TrimSuffix(text[m[2]:m[3]], "-data")
		body := text[m[4]:m[5]]
		title := ""
		if c := htmlCap.FindStringSubmatch(body); c != nil {
			title = c[1]
		} else if cs := htmlCap.FindAllStringSubmatch(text[:m[0]], -1); len(cs) > 0 {
			title = cs[len(cs)-1][1]
		}
		tb := table{id: id, title: strings.TrimSpace(html.UnescapeString(htmlTag.ReplaceAllString(title, "")))}
		for n, r := range htmlRow.FindAllStringSubmatch(body, -1) {
			var cells []string
			for _, c := range htmlCell.FindAllStringSubmatch(r[1], -1) {
				cells = append(cells, strings.TrimSpace(html.UnescapeString(htmlTag.ReplaceAllString(c[1], ""))))
			}
			if n == 0 {
				tb.header = cells
			} else {
				tb.rows = append(tb.rows, cells)
			}
		}
		out = append(out, tb)
	}
	return out
}

// parseXLSX reads every sheet laid out as title (A1), header (row 2) and
// rows; notes (one cell) are skipped.
func parseXLSX(b []byte) ([]table, error) {
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []table
	for _, s := range f.GetSheetList() {
		rows, err := f.GetRows(s)
		if err != nil {
			return nil, err
		}
		if len(rows) < 3 || len(rows[0]) == 0 || len(rows[1]) < 2 {
			continue
		}
		tb := table{title: strings.TrimSpace(rows[0][0]), header: rows[1]}
		for _, r := range rows[2:] {
			if len(r) >= 2 {
				tb.rows = append(tb.rows, r)
			}
		}
		out = append(out, tb)
	}
	return out, nil
}

// isNumber reports whether a table cell prints a number.
func isNumber(s string) bool {
	_, ok := number(s)
	return ok
}

func number(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	if thousands.MatchString(s) {
		s = strings.ReplaceAll(s, ".", "")
	}
	v, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", "."), 64)
	return v, err == nil
}

// codeOf is the code of a Danish label of a code set.
func codeOf(set, label string) (string, bool) {
	for _, c := range nrm.Codes(set) {
		if nrm.Label(set, c, nrm.LangDA) == label {
			return c, true
		}
	}
	return "", false
}

var (
	shelterRows = map[string]string{"Op til 30 dage": "shelter.buckets.<=30", "31-99 dage": "shelter.buckets.31-99",
		"100 dage eller derover": "shelter.buckets.>=100"}
	accommodationRows = map[string]string{
		"Indkvarteret på krisecenter":                   "shelter.count",
		"– heraf fortsat ophold ved årets udgang":       "shelter.still_at_year_end",
		"Privat indkvarteret":                           "private_housing.count",
		"– heraf fortsat indkvarteret ved årets udgang": "private_housing.still_at_year_end",
		"– heraf efterfølgende forsvundet":              "private_housing.disappeared",
		"– heraf rejst hjem på egen hånd":               "private_housing.self_return",
	}
	ageByRegionCols = map[string]string{"Antal": "count", "Yngste": "min", "Ældste": "max", "Gennemsnitsalder": "mean"}
)

// cellPath maps a report table's cell (table id, row label, column
// header) to the published contract's key; skip is true for tables that
// are no statistics of persons (the action plan, prosecution).
func cellPath(id, row, col string, doc map[string]any) (path string, skip bool, err error) {
	need := func(set, label string) (string, error) {
		if c, ok := codeOf(set, label); ok {
			return c, nil
		}
		return "", fmt.Errorf("table %s: %q is no %s label", id, label, set)
	}
	one := func(prefix, set string) (string, bool, error) {
		c, err := need(set, row)
		return prefix + c, false, err
	}
	switch id {
	case "identified_by_year":
		a, err := need("authority", col)
		return "identified.by_year_authority." + row + "." + a, false, err
	case "contact_form":
		return one("by_contact_form.", "contact_form")
	case "region":
		return one("by_region.", "region")
	case "gender":
		return one("by_gender.", "gender")
	case "exploitation":
		return one("by_exploitation.", "exploitation")
	case "forced_labour_sectors":
		return one("forced_labour_sectors.", "labour_sector")
	case "nationality":
		ranking, _ := doc["nationality_ranking"].([]any)
		for _, r := range ranking {
			m := r.(map[string]any)
			if m["name_da"] == row {
				return "by_nationality." + m["code"].(string), false, nil
			}
		}
		// A nationality with none this year is not in the ranking: its
		// name is the country's in the reference list.
		if code, ok := countryCodeDA(row); ok {
			return "by_nationality." + code, false, nil
		}
		return "by_nationality." + row, false, nil
	case "exploitation_gender":
		if row == "Personer i alt" {
			if col == "I alt" {
				return "identified.total", false, nil
			}
			g, err := need("gender", col)
			return "by_gender." + g, false, err
		}
		f, err := need("exploitation", row)
		if err != nil {
			return "", false, err
		}
		if col == "I alt" {
			return "by_exploitation." + f, false, nil
		}
		g, err := need("gender", col)
		return "by_exploitation_gender." + f + "." + g, false, err
	case "age":
		if row == "Ukendt" || row == "Alder ukendt" {
			return "age.unknown", false, nil
		}
		return "age.bands." + row, false, nil
	case "age_by_region":
		r, err := need("region", row)
		if c, ok := ageByRegionCols[col]; ok {
			return "age.by_region." + r + "." + c, false, err
		}
		return "", false, fmt.Errorf("table %s: unknown column %q", id, col)
	case "shelter":
		if p, ok := shelterRows[row]; ok {
			return p, false, nil
		}
		return "", false, fmt.Errorf("table %s: unknown row %q", id, row)
	case "accommodation":
		if p, ok := accommodationRows[row]; ok {
			return p, false, nil
		}
		return "", false, fmt.Errorf("table %s: unknown row %q", id, row)
	case "returns_period", "returns_cohort":
		kind, err := need("exit_kind", row)
		view, split := "period", "by_identification_year"
		if id == "returns_cohort" {
			view, split = "cohort", "by_exit_year"
		}
		if col == "I alt" {
			return "returns." + view + "." + kind, false, err
		}
		y := strings.TrimPrefix(col, "Identificeret ")
		return "returns." + view + "." + split + "." + y + "." + kind, false, err
	}
	return "", true, nil
}

// agrees reports whether a printed cell shows the contract's value:
// the same number, "<k" for "<k", x for "..", a dash for no value.
func agrees(printed string, want any) bool {
	printed = strings.TrimSpace(printed)
	switch w := want.(type) {
	case nil:
		return printed == "–" || printed == "-" || printed == ""
	case string:
		if w == ".." {
			return printed == "x"
		}
		return printed == w
	case float64:
		v, ok := number(printed)
		return ok && v == w
	}
	return false
}

// compareTables checks every cell of the statistics tables against the
// published contract; it returns the number of cells compared.
func compareTables(t *testing.T, format string, tables []table, titles map[string]string, doc map[string]any) int {
	t.Helper()
	n := 0
	for _, tb := range tables {
		id := tb.id
		if id == "" {
			id = titles[tb.title]
		}
		if id == "" {
			continue
		}
		for _, row := range tb.rows {
			if len(row) == 0 {
				continue
			}
			for j := 1; j < len(row) && j < len(tb.header); j++ {
				path, skip, err := cellPath(id, row[0], tb.header[j], doc)
				if skip {
					break
				}
				if err != nil {
					t.Errorf("%s: %v", format, err)
					continue
				}
				want, ok := lookup(doc, path)
				if !ok {
					t.Errorf("%s: table %s, row %q, column %q: no key %s in the published contract", format, id, row[0], tb.header[j], path)
					continue
				}
				n++
				if !agrees(row[j], want) {
					t.Errorf("%s: table %s, row %q, column %q prints %q; the contract's %s is %v",
						format, id, row[0], tb.header[j], row[j], path, want)
				}
			}
		}
	}
	return n
}

// TestFormatsAgreeWithJSON: the Markdown, HTML, XLSX and PDF reports
// print in their statistics tables exactly what the published contract
// shows, so no format prints a number the contract hides.
func TestFormatsAgreeWithJSON(t *testing.T) {
	p := demo(t)
	doc := readJSON(t, p.path("published.json"))
	hb, err := os.ReadFile(p.path("report.html"))
	if err != nil {
		t.Fatal(err)
	}
	htmlTables := parseHTML(string(hb))
	titles := map[string]string{}
	for _, tb := range htmlTables {
		if tb.title != "" {
			titles[tb.title] = tb.id
		}
	}
	const minCells = 150 // the demo's statistics tables hold more
	t.Run("html", func(t *testing.T) {
		if n := compareTables(t, "html", htmlTables, titles, doc); n < minCells {
			t.Errorf("only %d cells compared", n)
		}
	})
	t.Run("md", func(t *testing.T) {
		b, err := os.ReadFile(p.path("report.md"))
		if err != nil {
			t.Fatal(err)
		}
		if n := compareTables(t, "md", parseMarkdown(string(b)), titles, doc); n < minCells {
			t.Errorf("only %d cells compared", n)
		}
	})
	t.Run("xlsx", func(t *testing.T) {
		b, err := os.ReadFile(p.path("report.xlsx"))
		if err != nil {
			t.Fatal(err)
		}
		tables, err := parseXLSX(b)
		if err != nil {
			t.Fatal(err)
		}
		if n := compareTables(t, "xlsx", tables, titles, doc); n < minCells {
			t.Errorf("only %d cells compared", n)
		}
	})
	t.Run("pdf", func(t *testing.T) {
		if _, err := exec.LookPath("pdftotext"); err != nil {
			t.Skip("pdftotext not installed (poppler-utils)")
		}
		out, err := exec.Command("pdftotext", "-layout", "-enc", "UTF-8", p.path("report.pdf"), "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		tables := pdfTables(string(out), htmlTables)
		if n := compareTables(t, "pdf", tables, titles, doc); n < 50 {
			t.Errorf("only %d cells compared in the PDF", n)
		}
	})
}

// pdfTables finds the HTML report's tables in the PDF's text laid out by
// pdftotext: after the table's title, each row is a line starting with
// the row's label followed by the cells (tokens without spaces). Rows
// whose label wraps are not found and not compared.
func pdfTables(text string, like []table) []table {
	lines := strings.Split(text, "\n")
	var out []table
	for _, h := range like {
		start := -1
		for i, l := range lines {
			if strings.TrimSpace(l) == h.title {
				start = i
				break
			}
		}
		if start < 0 {
			continue
		}
		tb := table{id: h.id, title: h.title, header: h.header}
		pos := start + 1
		for _, hr := range h.rows {
			if len(hr) == 0 {
				continue
			}
			for i := pos; i < len(lines) && i < start+80; i++ {
				l := strings.TrimSpace(lines[i])
				if !strings.HasPrefix(l, hr[0]) {
					continue
				}
				rest := l[len(hr[0]):]
				if rest != "" && !wideSpaces.MatchString(rest[:min(len(rest), 2)]) {
					continue
				}
				cells := strings.Fields(rest)
				if len(cells) == len(hr)-1 {
					tb.rows = append(tb.rows, append([]string{hr[0]}, cells...))
					pos = i + 1
				}
				break
			}
		}
		out = append(out, tb)
	}
	return out
}

// countryCodeDA returns the ISO code of the country whose Danish name is
// name in the reference list of countries.
func countryCodeDA(name string) (string, bool) {
	cs, err := refdata.Countries()
	if err != nil {
		return "", false
	}
	for _, c := range cs {
		if c.NameDA == name {
			return c.Code, true
		}
	}
	return "", false
}
