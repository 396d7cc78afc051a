package bundle

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"nrm"
	"nrm/bundle/csvin"
	"nrm/csvsafe"
)

// record is one data row addressed by column name.
type record struct {
	file  string
	line  int
	cols  *columns
	gets  int // calls of get so far
	cells []string
	// broken marks a row that is reported already (a wrong number of
	// cells, a cell over the limit): callers only note its case_ref, so
	// that rows of other files pointing at it are not reported as well.
	broken bool
}

// get returns the trimmed cell; a leading apostrophe that export added
// against formula injection is removed again.
func (r *record) get(col string) string {
	i := r.cols.find(r.gets, col)
	r.gets++
	if i < 0 || i >= len(r.cells) {
		return ""
	}
	return csvsafe.Unprotect(strings.TrimSpace(r.cells[i]))
}

// columns finds the cells of a file's rows by column name. The parsers
// ask for a row's columns in the same order row after row, so the k-th
// question is first compared with the previous row's k-th (the same
// string constant, mostly); only another name is looked up in the map,
// whose hashing was 2 % of an import before. A file's rows are read on
// one goroutine.
type columns struct {
	index map[string]int
	asked []string // the names of the previous row's questions, in order
	found []int    // their answers: a cell index, or -1 for no column
}

// find returns the cell index of col, the k-th question of a row, or -1.
func (c *columns) find(k int, col string) int {
	if k < len(c.asked) && c.asked[k] == col {
		return c.found[k]
	}
	i, ok := c.index[col]
	if !ok {
		i = -1
	}
	switch {
	case k < len(c.asked):
		c.asked[k], c.found[k] = col, i
	case k == len(c.asked):
		c.asked, c.found = append(c.asked, col), append(c.found, i)
	}
	return i
}

// tables reads the tables of a source, skipping those that the size
// checks refused already.
type tables struct {
	src  Source
	skip map[string]bool
}

// read walks a table, checking its header against the expected columns
// and calling fn for every data row; blank rows are skipped. It reports
// whether the file can be relied on as a whole: present (when required),
// with a fitting header, and read to its end. A file that cannot is
// reported once, and what it lacks is not reported again elsewhere: a
// header that does not fit is one message and the rows are not checked;
// a fault in the file (its encoding, a broken quote, a row over the
// limit) is one message, and the rows after it are not read.
func (ts *tables) read(name string, errs *Errors, required bool, fn func(*record)) bool {
	if ts.skip[name] {
		return false
	}
	label := ts.src.Label(name)
	t, ok, err := ts.src.Open(name)
	if err != nil {
		errs.add(fileError(label, 0, err))
		return false
	}
	if !ok {
		if required {
			cols := strings.Join(Columns[name], ",")
			errs.add(RowError{File: label, Detail: "the file is missing (expected columns: " + cols + ")",
				DetailDA: "filen mangler (forventede kolonner: " + cols + ")"})
		}
		return !required
	}
	defer t.Close()
	var header []string
	var line int
	for {
		header, line, err = t.Next()
		var long *csvin.LongCells
		if errors.As(err, &long) {
			err = nil // a header cell over the limit is an unknown column
		}
		if err != nil {
			e := fileError(label, line, err)
			var f *csvin.Fault
			if errors.Is(err, io.EOF) { // rows of spaces, or a sheet without rows
				e = RowError{File: label, Line: 1, Detail: "the file holds only blank rows", DetailDA: "filen indeholder kun tomme rækker"}
			}
			if errors.Is(err, io.EOF) || errors.As(err, &f) && (f.Kind == csvin.FaultEmpty || f.Kind == csvin.FaultBlank) {
				cols := strings.Join(Columns[name], ",")
				e.Detail += "; it needs a header row: " + cols
				e.DetailDA += "; den skal have en overskriftsrække: " + cols
			}
			errs.add(e)
			return false
		}
		if !blankRow(header) {
			break
		}
	}
	index, ok := checkHeader(name, label, line, header, errs)
	if !ok {
		return false
	}
	cols := &columns{index: index}
	for {
		row, line, err := t.Next()
		var long *csvin.LongCells
		switch {
		case errors.Is(err, io.EOF):
			return true
		case errors.As(err, &long):
			for _, i := range long.Cols {
				col := fmt.Sprint(i + 1)
				if i < len(header) {
					col = strings.ToLower(strings.TrimSpace(header[i]))
				}
				errs.add(RowError{File: label, Line: line, FieldError: nrm.FieldError{Field: col, Rule: nrm.RuleTooLong,
					Value: nrm.TruncateValue(row[i]), Expected: fmt.Sprintf("at most %d bytes", long.Limit)}})
			}
			fn(&record{file: label, line: line, cols: cols, cells: row, broken: true})
		case err != nil:
			errs.add(fileError(label, line, err))
			return false
		case blankRow(row):
		case len(row) != len(header):
			errs.add(RowError{File: label, Line: line,
				Detail:   fmt.Sprintf("the row has %d cells; the header has %d", len(row), len(header)),
				DetailDA: fmt.Sprintf("rækken har %d celler; overskriften har %d", len(row), len(header))})
			fn(&record{file: label, line: line, cols: cols, cells: row, broken: true})
		default:
			fn(&record{file: label, line: line, cols: cols, cells: row})
		}
		if errs.Truncated {
			return false
		}
	}
}

func blankRow(row []string) bool {
	for _, c := range row {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// fileError is a problem that ends the reading of a file.
func fileError(label string, line int, err error) RowError {
	var f *csvin.Fault
	var p *problem
	var e *Errors
	switch {
	case errors.As(err, &f):
		return RowError{File: label, Line: f.Line, Detail: f.Text(nrm.LangEN), DetailDA: f.Text(nrm.LangDA)}
	case errors.As(err, &p):
		return RowError{File: label, Line: line, Detail: p.en, DetailDA: p.da}
	case errors.As(err, &e) && len(e.List) > 0:
		r := e.List[0]
		r.File = label
		return r
	}
	return RowError{File: label, Line: line, Detail: "the file could not be read: " + err.Error(),
		DetailDA: "filen kunne ikke læses: " + err.Error()}
}

// checkHeader maps the columns of a header row, or reports in one message
// what does not fit: unknown, repeated and missing columns.
func checkHeader(name, label string, line int, header []string, errs *Errors) (map[string]int, bool) {
	want := map[string]bool{}
	for _, c := range Columns[name] {
		want[c] = true
	}
	cols := map[string]int{}
	var unknown, twice, missing []string
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		switch _, dup := cols[h]; {
		case !want[h]:
			unknown = append(unknown, strconv.Quote(nrm.TruncateValue(h)))
		case dup:
			twice = append(twice, strconv.Quote(h))
		default:
			cols[h] = i
		}
	}
	for _, c := range Columns[name] {
		if _, ok := cols[c]; !ok && !slices.Contains(OptionalColumns[name], c) {
			missing = append(missing, strconv.Quote(c))
		}
	}
	if len(unknown)+len(twice)+len(missing) == 0 {
		return cols, true
	}
	expected := strings.Join(Columns[name], ",")
	if len(cols) == 0 {
		errs.add(RowError{File: label, Line: line,
			Detail:   "the first row is not the header row this file needs: " + expected + "; the rows were not checked",
			DetailDA: "den første række er ikke den overskriftsrække, filen skal have: " + expected + "; rækkerne er ikke kontrolleret"})
		return nil, false
	}
	var da, en []string
	if len(unknown) > 0 {
		en = append(en, plural(len(unknown), "unknown column ", "unknown columns ")+list(unknown))
		da = append(da, plural(len(unknown), "ukendt kolonne ", "ukendte kolonner ")+list(unknown))
	}
	if len(twice) > 0 {
		en = append(en, plural(len(twice), "column ", "columns ")+list(twice)+" more than once")
		da = append(da, plural(len(twice), "kolonnen ", "kolonnerne ")+list(twice)+" mere end én gang")
	}
	if len(missing) > 0 {
		en = append(en, plural(len(missing), "missing column ", "missing columns ")+strings.Join(missing, ", "))
		da = append(da, plural(len(missing), "mangler kolonnen ", "mangler kolonnerne ")+strings.Join(missing, ", "))
	}
	errs.add(RowError{File: label, Line: line,
		Detail:   "the header row does not fit: " + strings.Join(en, "; ") + ". Expected the columns " + expected + "; the rows were not checked",
		DetailDA: "overskriftsrækken passer ikke: " + strings.Join(da, "; ") + ". Forventede kolonnerne " + expected + "; rækkerne er ikke kontrolleret"})
	return nil, false
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// list joins names, the first five of them (a data row taken for the
// header would list every cell).
func list(names []string) string {
	if len(names) > 5 {
		return strings.Join(names[:5], ", ") + " …"
	}
	return strings.Join(names, ", ")
}

// parser converts cells and records errors against the current record.
type parser struct {
	errs *Errors
	r    *record
	bad  bool
}

func (p *parser) fail(col, rule, value, expected string) {
	p.bad = true
	p.errs.add(RowError{File: p.r.file, Line: p.r.line, FieldError: nrm.FieldError{Field: col, Rule: rule, Value: nrm.TruncateValue(value), Expected: expected}})
}

func (p *parser) code(col, set string, required bool) string {
	v := p.r.get(col)
	if v == "" {
		if required {
			p.fail(col, nrm.RuleRequired, "", nrm.ExpectedCodes(set))
		}
		return ""
	}
	if !nrm.ValidCode(set, v) {
		p.fail(col, nrm.RuleOneOf, v, nrm.ExpectedCodes(set))
		return ""
	}
	return v
}

func (p *parser) date(col string, required bool) nrm.Date {
	v := p.r.get(col)
	if v == "" {
		if required {
			p.fail(col, nrm.RuleRequired, "", "a date YYYY-MM-DD")
		}
		return nrm.Date{}
	}
	d, err := nrm.ParseDate(v)
	if err != nil || len(v) != 10 {
		p.fail(col, nrm.RuleFormat, v, "a real date written YYYY-MM-DD")
		return nrm.Date{}
	}
	return d
}

func (p *parser) int(col string, required bool, lo, hi int) int {
	v := p.r.get(col)
	if v == "" {
		if required {
			p.fail(col, nrm.RuleRequired, "", fmt.Sprintf("a whole number %d–%d", lo, hi))
		}
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		p.fail(col, nrm.RuleRange, v, fmt.Sprintf("a whole number %d–%d", lo, hi))
		return 0
	}
	return n
}

func (p *parser) text(col string, max int) string {
	v := p.r.get(col)
	if len(v) > max {
		p.fail(col, nrm.RuleTooLong, v, fmt.Sprintf("at most %d characters", max))
		return ""
	}
	return v
}

func (p *parser) ref(col string) string {
	v := p.r.get(col)
	if v == "" {
		p.fail(col, nrm.RuleRequired, "", "a case reference")
	} else if !plainRef(v) && !nrm.ValidRef(v) {
		p.fail(col, nrm.RuleFormat, v, "letters, digits and . _ / - (at most 64)")
		return ""
	}
	return v
}

func (p *parser) org(col string, required bool, known map[string]bool) string {
	v := p.r.get(col)
	if v == "" {
		if required {
			p.fail(col, nrm.RuleRequired, "", "an organisation code")
		}
		return ""
	}
	if !plainCode(v, 32, "_-") && !nrm.ValidOrgCode(v) {
		p.fail(col, nrm.RuleFormat, v, "an organisation code")
		return ""
	}
	if known != nil && !known[v] {
		p.fail(col, nrm.RuleUnknownReference, v, "a registered organisation code")
		return ""
	}
	return v
}

func (p *parser) country(col string, known map[string]bool) string {
	v := p.r.get(col)
	if v == "" {
		return ""
	}
	if !nrm.ValidCountry(v) || (known != nil && !known[v]) {
		p.fail(col, nrm.RuleOneOf, v, "an ISO 3166-1 alpha-2 country code, e.g. NG")
		return ""
	}
	return v
}

// The fast paths below accept the common, well-formed cell without the
// regexp engine (a million-case bundle has millions of such cells); they
// accept nothing that nrm.ValidRef, ValidOrgCode and ValidCountry reject,
// and every other cell goes to those functions for the verdict.

// plainRef reports whether s matches ^[A-Za-z0-9][A-Za-z0-9._/-]*$ and has
// at most nrm.MaxRefLen bytes.
func plainRef(s string) bool { return plainCode(s, nrm.MaxRefLen, "._/-") }

// plainCode reports whether s is a letter or digit followed by letters,
// digits and the bytes of extra, at most max bytes long.
func plainCode(s string, max int, extra string) bool {
	if s == "" || len(s) > max || !alnum(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !alnum(c) && strings.IndexByte(extra, c) < 0 {
			return false
		}
	}
	return true
}

func upper(c byte) bool { return 'A' <= c && c <= 'Z' }

func alnum(c byte) bool { return upper(c) || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' }
