package xlsxbundle

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"

	"nrm/bundle"
)

// A workbook is a zip of XML parts, and the spreadsheet library unpacks
// it whole: parts into memory, a large sheet or shared-strings part into a
// temporary file, and every cell it reads into memory. So before the
// library sees a workbook, prescan checks it as a stream: the zip's
// directory, each part's size and compression ratio, and in the shared
// strings and the bundle's sheets every cell, row and tag, in bounded
// memory.

const (
	// xmlInMemory is the size up to which the library keeps a sheet or
	// the shared strings in memory (larger ones go to a temporary file).
	xmlInMemory = 1 << 20
	// maxInMemory bounds what the library holds in memory as a whole: the
	// parts other than large sheets and shared strings.
	maxInMemory = 64 << 20
	// maxTag bounds one XML tag with its attributes.
	maxTag = 64 << 10
)

const sstPart = "xl/sharedstrings.xml"

// prescan checks the workbook zr within lim; a problem is returned as
// *bundle.Errors, one message per fault, naming the workbook (label) or
// the sheet and line.
func prescan(zr *zip.Reader, label string, lim bundle.Limits) error {
	lim = lim.WithDefaults()
	errs := &bundle.Errors{}
	whole := func(da, en string) {
		errs.List = append(errs.List, bundle.RowError{File: label, Detail: en, DetailDA: da})
	}
	parts := map[string]*zip.File{}
	var total, inMemory uint64
	for _, f := range zr.File {
		name := strings.ToLower(strings.ReplaceAll(f.Name, "\\", "/"))
		parts[name] = f
		if da, en := lim.MemberProblem(f); en != "" {
			whole("delen "+f.Name+" "+da, "the part "+f.Name+" "+en)
		}
		total += f.UncompressedSize64
		big := f.UncompressedSize64 > xmlInMemory && (name == sstPart || strings.HasPrefix(name, "xl/worksheets/sheet"))
		if !big {
			inMemory += f.UncompressedSize64
		}
	}
	if total > uint64(lim.MaxSize) {
		whole(fmt.Sprintf("projektmappen fylder %d byte udpakket, mere end %d (grænsen)", total, lim.MaxSize),
			fmt.Sprintf("the workbook unpacks to %d bytes, more than %d (the limit)", total, lim.MaxSize))
	}
	if inMemory > maxInMemory {
		whole(fmt.Sprintf("projektmappen har %d byte uden for sine ark, mere end %d (grænsen)", inMemory, maxInMemory),
			fmt.Sprintf("the workbook holds %d bytes outside its sheets, more than %d (the limit)", inMemory, maxInMemory))
	}
	if len(errs.List) > 0 {
		return errs
	}
	sheets, err := bundleSheets(parts)
	if err != nil {
		whole("er ikke en projektmappe, der kan læses ("+err.Error()+")", "is not a readable XLSX workbook ("+err.Error()+")")
		return errs
	}
	// The shared strings first: the first text over the limit, found by
	// the cell that uses it.
	bad := -1
	if f := parts[sstPart]; f != nil {
		s := &scanner{lim: lim, sst: true, bad: -1}
		if err := s.scan(f); err != nil {
			whole("delen "+f.Name+" kunne ikke læses ("+err.Error()+")", "the part "+f.Name+" could not be read ("+err.Error()+")")
			return errs
		}
		if s.fault != nil {
			s.fault.File = label
			errs.List = append(errs.List, *s.fault)
		}
		bad = s.bad
	}
	used := false
	for _, sh := range sheets {
		f := parts[sh.part]
		if f == nil {
			continue
		}
		s := &scanner{lim: lim, bad: bad}
		if err := s.scan(f); err != nil {
			errs.List = append(errs.List, bundle.RowError{File: "sheet " + sh.key, Detail: "the sheet could not be read (" + err.Error() + ")",
				DetailDA: "arket kunne ikke læses (" + err.Error() + ")"})
			continue
		}
		if s.fault != nil {
			s.fault.File = "sheet " + sh.key
			errs.List = append(errs.List, *s.fault)
		}
		used = used || s.usedBad
	}
	if bad >= 0 && !used {
		whole(fmt.Sprintf("projektmappen rummer en tekst på mere end %d byte (grænsen)", lim.MaxField),
			fmt.Sprintf("the workbook holds a text of more than %d bytes (the limit)", lim.MaxField))
	}
	if len(errs.List) > 0 {
		return errs
	}
	return nil
}

type sheetPart struct{ key, part string }

// bundleSheets finds the parts of the sheets that are bundle files, from
// the workbook part and its relationships.
func bundleSheets(parts map[string]*zip.File) ([]sheetPart, error) {
	var wb struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			ID   string `xml:"id,attr"`
		} `xml:"sheets>sheet"`
	}
	var rels struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if err := decodePart(parts["xl/workbook.xml"], &wb); err != nil {
		return nil, err
	}
	if err := decodePart(parts["xl/_rels/workbook.xml.rels"], &rels); err != nil {
		return nil, err
	}
	target := map[string]string{}
	for _, r := range rels.Rels {
		t := strings.ReplaceAll(r.Target, "\\", "/")
		if strings.HasPrefix(t, "/") {
			t = strings.TrimPrefix(t, "/")
		} else {
			t = path.Join("xl", t)
		}
		target[r.ID] = strings.ToLower(t)
	}
	var out []sheetPart
	for _, s := range wb.Sheets {
		key := sheetKey(s.Name)
		if _, ok := bundle.Columns[key]; ok && target[s.ID] != "" {
			out = append(out, sheetPart{key: key, part: target[s.ID]})
		}
	}
	return out, nil
}

// decodePart decodes a small XML part (its size is checked already).
func decodePart(f *zip.File, v any) error {
	if f == nil {
		return fmt.Errorf("a part is missing")
	}
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	return xml.NewDecoder(io.LimitReader(rc, maxInMemory)).Decode(v)
}

// sheetKey is the bundle file a sheet name stands for.
func sheetKey(name string) string {
	return strings.ToLower(strings.TrimSuffix(strings.TrimSpace(name), ".csv"))
}

// scanner walks the XML of one part byte by byte, keeping only counters
// and the current tag.
type scanner struct {
	lim bundle.Limits
	sst bool // the shared strings part, else a sheet
	// bad is the index of the first shared string over the limit (-1
	// none): found in the shared strings, looked for in the sheets.
	bad     int
	usedBad bool
	fault   *bundle.RowError
	stop    bool // the shared string over the limit is found

	tag      []byte
	inEntity int
	text     int // bytes of text in the current cell or shared string
	inText   bool
	si       int // shared strings seen
	rowLine  int
	rows     int
	rowBytes int
	inRow    bool
	cellRef  string
	cellType string
	inV      bool
	v        []byte
}

// scan reads the part, stopping at the first fault (s.fault).
func (s *scanner) scan(f *zip.File) error {
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	br := bufio.NewReaderSize(rc, 64<<10)
	const (
		text = iota
		tag
		quoted
		comment
		cdata
	)
	state := text
	var quote byte
	var tail [3]byte // the last bytes, for --> and ]]>
	for s.fault == nil && !s.stop {
		chunk, err := br.ReadSlice('>')
		for _, c := range chunk {
			tail[0], tail[1], tail[2] = tail[1], tail[2], c
			if s.inRow {
				s.rowBytes++
				if s.rowBytes > s.lim.MaxLine {
					s.fail(fmt.Sprintf("rækken er længere end %d byte (grænsen)", s.lim.MaxLine),
						fmt.Sprintf("the row is longer than %d bytes (the limit)", s.lim.MaxLine))
					return nil
				}
			}
			switch state {
			case text:
				if c == '<' {
					state, s.tag = tag, s.tag[:0]
					continue
				}
				s.char(c)
			case tag, quoted:
				if len(s.tag) >= maxTag {
					s.fail(fmt.Sprintf("et XML-mærke er længere end %d byte (grænsen)", maxTag),
						fmt.Sprintf("an XML tag is longer than %d bytes (the limit)", maxTag))
					return nil
				}
				if state == quoted {
					if c == quote {
						state = tag
					}
					s.tag = append(s.tag, c)
					continue
				}
				switch {
				case c == '"' || c == '\'':
					state, quote = quoted, c
					s.tag = append(s.tag, c)
				case c == '>':
					state = text
					s.element(s.tag)
				default:
					s.tag = append(s.tag, c)
					if string(s.tag) == "!--" {
						state = comment
					} else if string(s.tag) == "![CDATA[" {
						state = cdata
					}
				}
			case comment:
				if tail == [3]byte{'-', '-', '>'} {
					state = text
				}
			case cdata:
				if tail == [3]byte{']', ']', '>'} {
					state = text
					s.add(-2) // "]]" was counted
				} else {
					s.add(1)
				}
			}
			if s.fault != nil || s.stop {
				return nil
			}
		}
		if err == io.EOF {
			return nil
		} else if err != nil && err != bufio.ErrBufferFull {
			return err
		}
	}
	return nil
}

// char counts one byte of text; an entity (&amp;) counts as one.
func (s *scanner) char(c byte) {
	if s.inEntity > 0 {
		if c == ';' || s.inEntity > 12 {
			s.inEntity = 0
		} else {
			s.inEntity++
		}
		return
	}
	if c == '&' {
		s.inEntity = 1
	}
	if s.inV && s.cellType == "s" && len(s.v) < 20 {
		s.v = append(s.v, c)
	}
	s.add(1)
}

// add counts n bytes of text in the current cell or shared string.
func (s *scanner) add(n int) {
	if !s.inText {
		return
	}
	s.text += n
	if s.text <= s.lim.MaxField {
		return
	}
	if s.sst {
		s.bad, s.stop = s.si-1, true
		return
	}
	s.fail(fmt.Sprintf("celle %s rummer mere end %d byte (grænsen)", s.cellRef, s.lim.MaxField),
		fmt.Sprintf("cell %s holds more than %d bytes (the limit)", s.cellRef, s.lim.MaxField))
}

func (s *scanner) fail(da, en string) {
	s.fault = &bundle.RowError{Line: s.rowLine, Detail: en + "; the workbook was not read", DetailDA: da + "; projektmappen er ikke læst"}
}

// element handles the content of a tag (between < and >).
func (s *scanner) element(tag []byte) {
	if len(tag) == 0 || tag[0] == '?' || tag[0] == '!' {
		return
	}
	end := tag[0] == '/'
	self := tag[len(tag)-1] == '/'
	name := tag
	if end {
		name = name[1:]
	}
	if i := bytes.IndexAny(name, " \t\r\n/"); i >= 0 {
		name = name[:i]
	}
	if i := bytes.IndexByte(name, ':'); i >= 0 {
		name = name[i+1:]
	}
	if s.sst {
		if string(name) == "si" {
			if !end {
				s.si++
				s.text, s.inText = 0, !self
			} else {
				s.inText = false
			}
		}
		return
	}
	switch string(name) {
	case "row":
		if end {
			s.inRow = false
			return
		}
		s.rows++
		s.rowLine++
		if r, err := strconv.Atoi(attr(tag, "r")); err == nil {
			s.rowLine = r
		}
		if s.rows-1 > s.lim.MaxRows {
			s.fail(fmt.Sprintf("arket har flere end %d rækker (grænsen)", s.lim.MaxRows),
				fmt.Sprintf("the sheet has more than %d rows (the limit)", s.lim.MaxRows))
			return
		}
		s.inRow, s.rowBytes = !self, len(tag)+2
	case "c":
		if end {
			s.endCell()
			return
		}
		s.cellRef, s.cellType = attr(tag, "r"), attr(tag, "t")
		s.text, s.inText, s.v = 0, true, s.v[:0]
		if self {
			s.endCell()
		}
	case "v":
		s.inV = !end && !self
	}
}

// endCell checks a cell's shared string against the one over the limit.
func (s *scanner) endCell() {
	s.inText, s.inV = false, false
	if s.bad < 0 || s.cellType != "s" {
		return
	}
	if n, err := strconv.Atoi(strings.TrimSpace(string(s.v))); err == nil && n == s.bad {
		s.usedBad = true
		s.fail(fmt.Sprintf("celle %s rummer mere end %d byte (grænsen)", s.cellRef, s.lim.MaxField),
			fmt.Sprintf("cell %s holds more than %d bytes (the limit)", s.cellRef, s.lim.MaxField))
	}
}

// attr returns the value of the attribute name in a tag, "" if none.
func attr(tag []byte, name string) string {
	for i := 0; ; {
		j := bytes.Index(tag[i:], []byte(name+"="))
		if j < 0 {
			return ""
		}
		j += i
		k := j + len(name) + 1
		if j > 0 && (tag[j-1] == ' ' || tag[j-1] == '\t' || tag[j-1] == '\n' || tag[j-1] == '\r') && k < len(tag) && (tag[k] == '"' || tag[k] == '\'') {
			if e := bytes.IndexByte(tag[k+1:], tag[k]); e >= 0 {
				return string(tag[k+1 : k+1+e])
			}
			return ""
		}
		i = j + 1
	}
}
