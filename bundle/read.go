package bundle

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"nrm"
	"nrm/csvsafe"
)

// record is one data row addressed by column name.
type record struct {
	file  string
	line  int
	cols  map[string]int
	cells []string
}

// get returns the trimmed cell; a leading apostrophe that export added
// against formula injection is removed again.
func (r *record) get(col string) string {
	i, ok := r.cols[col]
	if !ok || i >= len(r.cells) {
		return ""
	}
	return csvsafe.Unprotect(strings.TrimSpace(r.cells[i]))
}

// readTable walks a table, checking its header against the expected
// columns (unknown and missing columns are errors) and calling fn for
// every data row. Blank rows are skipped.
func readTable(src Source, name string, errs *Errors, required bool, fn func(*record)) error {
	label := src.Label(name)
	t, ok, err := src.Open(name)
	if err != nil {
		errs.add(RowError{File: label, Detail: err.Error()})
		return nil
	}
	if !ok {
		if required {
			errs.add(RowError{File: label, Detail: "file is missing (expected columns: " + strings.Join(Columns[name], ", ") + ")"})
		}
		return nil
	}
	defer t.Close()
	header, line, err := t.Next()
	if errors.Is(err, io.EOF) {
		errs.add(RowError{File: label, Line: 1, Detail: "file is empty; expected a header row: " + strings.Join(Columns[name], ",")})
		return nil
	} else if err != nil {
		errs.add(RowError{File: label, Line: line, Detail: err.Error()})
		return nil
	}
	cols := map[string]int{}
	want := map[string]bool{}
	for _, c := range Columns[name] {
		want[c] = true
	}
	headerOK := true
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		if !want[h] {
			errs.add(RowError{File: label, Line: line, FieldError: nrm.FieldError{Field: h, Rule: nrm.RuleNotAllowed, Value: h,
				Expected: "one of the columns " + strings.Join(Columns[name], ", ")}, Detail: fmt.Sprintf("unknown column %q; expected columns: %s", h, strings.Join(Columns[name], ", "))})
			headerOK = false
			continue
		}
		if _, dup := cols[h]; dup {
			errs.add(RowError{File: label, Line: line, Detail: fmt.Sprintf("column %q appears twice", h)})
			headerOK = false
		}
		cols[h] = i
	}
	for _, c := range Columns[name] {
		if _, ok := cols[c]; !ok {
			errs.add(RowError{File: label, Line: line, Detail: fmt.Sprintf("column %q is missing", c)})
			headerOK = false
		}
	}
	if !headerOK {
		return nil
	}
	for {
		row, line, err := t.Next()
		if errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			errs.add(RowError{File: label, Line: line, Detail: err.Error()})
			if errs.Truncated {
				return nil
			}
			continue
		}
		blank := true
		for _, c := range row {
			if strings.TrimSpace(c) != "" {
				blank = false
				break
			}
		}
		if blank {
			continue
		}
		if len(row) != len(header) {
			errs.add(RowError{File: label, Line: line, Detail: fmt.Sprintf("row has %d fields; the header has %d", len(row), len(header))})
			continue
		}
		fn(&record{file: label, line: line, cols: cols, cells: row})
		if errs.Truncated {
			return nil
		}
	}
}

// parser converts cells and records errors against the current record.
type parser struct {
	errs *Errors
	r    *record
	bad  bool
}

func (p *parser) fail(col, rule, value, expected string) {
	p.bad = true
	p.errs.add(RowError{File: p.r.file, Line: p.r.line, FieldError: nrm.FieldError{Field: col, Rule: rule, Value: value, Expected: expected}})
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
		p.fail(col, nrm.RuleTooLong, v[:40]+"…", fmt.Sprintf("at most %d characters", max))
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
	if !(len(v) == 2 && upper(v[0]) && upper(v[1]) || nrm.ValidCountry(v)) || (known != nil && !known[v]) {
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
