// Package csvin reads CSV input from people with limits: a cell, a row and
// the number of rows are bounded, so that a hostile or broken file is
// refused in bounded memory, and every way a file can fail to be UTF-8
// comma-separated text gets one message in Danish and English naming the
// line (the file's encoding when it is recognisable, the separator when it
// is not a comma, an unclosed quote, binary data, an empty file).
//
// The syntax is RFC 4180 as encoding/csv reads it (no lazy quotes, no
// trimming): a UTF-8 byte-order mark is skipped, empty lines are skipped,
// and a header row separated by ';' instead of ',' makes ';' the
// separator of the whole file (Danish spreadsheets save so).
package csvin

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"nrm"
)

// Default limits.
const (
	// DefaultMaxField bounds one cell, in bytes.
	DefaultMaxField = 64 << 10
	// DefaultMaxLine bounds one row (a line, or the lines of a row whose
	// quoted cell holds line breaks), in bytes.
	DefaultMaxLine = 1 << 20
	// DefaultMaxRows bounds the data rows of one file.
	DefaultMaxRows = 10_000_000
)

// Limits bound what a Reader accepts; a zero field takes its default.
type Limits struct {
	MaxField int // bytes of one cell
	MaxLine  int // bytes of one row
	MaxRows  int // data rows, the header not counted
}

// withDefaults fills zero limits and keeps a row able to hold a cell.
func (l Limits) withDefaults() Limits {
	if l.MaxField <= 0 {
		l.MaxField = DefaultMaxField
	}
	if l.MaxLine <= 0 {
		l.MaxLine = DefaultMaxLine
	}
	if l.MaxLine < l.MaxField {
		l.MaxLine = l.MaxField
	}
	if l.MaxRows <= 0 {
		l.MaxRows = DefaultMaxRows
	}
	return l
}

// Kinds of Fault.
const (
	FaultEmpty     = "empty"     // no bytes (or only a byte-order mark)
	FaultBlank     = "blank"     // only blank lines
	FaultEncoding  = "encoding"  // not UTF-8 (Encoding names it when known)
	FaultBinary    = "binary"    // not text at all
	FaultSeparator = "separator" // separated by something else than , or ;
	FaultQuote     = "quote"     // a quote out of place or never closed
	FaultLine      = "line"      // a row longer than Limits.MaxLine
	FaultRows      = "rows"      // more rows than Limits.MaxRows
	FaultRead      = "read"      // the underlying reader failed
)

// Fault is a problem that ends the reading of a file: nothing after it is
// read, and the rows before it may be incomplete as a whole.
type Fault struct {
	Kind string
	Line int // where it was found; 1-based
	// Encoding names a recognised encoding ("UTF-16", "Latin-1/Windows-1252").
	Encoding string
	da, en   string
}

// Error returns the English text.
func (f *Fault) Error() string { return f.en }

// Text returns the fault in Danish or English, without the line (the
// caller names file and line).
func (f *Fault) Text(lang nrm.Lang) string {
	if lang == nrm.LangDA {
		return f.da
	}
	return f.en
}

// LongCells reports cells longer than Limits.MaxField in a row that is
// otherwise returned whole; reading can go on.
type LongCells struct {
	Line  int
	Cols  []int // 0-based indexes of the long cells
	Limit int
}

func (e *LongCells) Error() string {
	return fmt.Sprintf("line %d: %d cell(s) longer than %d bytes", e.Line, len(e.Cols), e.Limit)
}

// Reader reads records from CSV text within limits.
type Reader struct {
	br      *bufio.Reader
	lim     Limits
	sep     byte
	line    int // physical lines read
	rows    int // records returned
	started bool
	fault   error // sticky: a *Fault or io.EOF

	lineBuf   []byte
	recordBuf []byte
	ends      []int
}

// NewReader returns a reader of r within lim.
func NewReader(r io.Reader, lim Limits) *Reader {
	return &Reader{br: bufio.NewReaderSize(r, 64<<10), lim: lim.withDefaults(), sep: ','}
}

// Separator returns the separator in use: ',' or ';' once the header row
// has shown it.
func (r *Reader) Separator() byte { return r.sep }

// Read returns the next record and the line it starts on. The error is
// io.EOF at the end, a *Fault that ends the file (every later call returns
// it again), or *LongCells with the record still returned. The first call
// never returns io.EOF: an empty file is a Fault.
func (r *Reader) Read() ([]string, int, error) {
	if r.fault != nil {
		return nil, r.line, r.fault
	}
	if !r.started {
		r.started = true
		if f := r.sniff(); f != nil {
			r.fault = f
			return nil, f.Line, f
		}
	}
	rec, line, err := r.readRecord()
	if err != nil {
		if err == io.EOF && r.rows == 0 {
			if r.line == 0 {
				err = fault(FaultEmpty, 1, "filen er tom", "the file is empty")
			} else {
				err = fault(FaultBlank, 1, "filen indeholder kun tomme linjer", "the file holds only blank lines")
			}
		}
		r.fault = err
		return nil, r.line, err
	}
	r.rows++
	if r.rows-1 > r.lim.MaxRows {
		f := fault(FaultRows, line, fmt.Sprintf("filen har flere end %d rækker (grænsen)", r.lim.MaxRows),
			fmt.Sprintf("the file has more than %d rows (the limit)", r.lim.MaxRows))
		r.fault = f
		return nil, line, f
	}
	var long []int
	for i, c := range rec {
		if len(c) > r.lim.MaxField {
			long = append(long, i)
		}
	}
	if long != nil {
		return rec, line, &LongCells{Line: line, Cols: long, Limit: r.lim.MaxField}
	}
	return rec, line, nil
}

func fault(kind string, line int, da, en string) *Fault {
	return &Fault{Kind: kind, Line: line, da: da, en: en}
}

// sniff looks at the start of the input: byte-order marks, UTF-16 without
// one, files that are not text, and the separator of the header row.
func (r *Reader) sniff() *Fault {
	head, err := r.br.Peek(4096)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return readFault(1, err)
	}
	switch {
	case bytes.HasPrefix(head, []byte{0x00, 0x00, 0xFE, 0xFF}), bytes.HasPrefix(head, []byte{0xFF, 0xFE, 0x00, 0x00}):
		return encodingFault(1, "UTF-32", true)
	case bytes.HasPrefix(head, []byte{0xFE, 0xFF}), bytes.HasPrefix(head, []byte{0xFF, 0xFE}):
		return encodingFault(1, "UTF-16", true)
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		r.br.Discard(3)
		head = head[3:]
	}
	if utf16NoBOM(head) {
		return encodingFault(1, "UTF-16", false)
	}
	if f := binaryFault(1, head); f != nil {
		return f
	}
	// The separator: a header row without a comma outside quotes that
	// has ';' (accepted) or a tab or '|' (named).
	line := head
	if i := bytes.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	var count [256]int
	quoted := false
	for _, c := range line {
		if c == '"' {
			quoted = !quoted
		} else if !quoted {
			count[c]++
		}
	}
	if count[','] == 0 {
		best := byte(0)
		for _, c := range []byte{';', '\t', '|'} {
			if count[c] > 0 && (best == 0 || count[c] > count[best]) {
				best = c
			}
		}
		switch best {
		case ';':
			r.sep = ';'
		case '\t':
			return fault(FaultSeparator, 1, "filen ser ud til at være adskilt med tabulatorer; brug komma (eller ;)",
				"the file seems separated by tabs; use commas (or ;)")
		case '|':
			return fault(FaultSeparator, 1, "filen ser ud til at være adskilt med | ; brug komma (eller ;)",
				"the file seems separated by | ; use commas (or ;)")
		}
	}
	return nil
}

// utf16NoBOM reports text whose every other byte is zero: UTF-16 of
// mostly Latin characters, written without a byte-order mark.
func utf16NoBOM(b []byte) bool {
	n := len(b) &^ 1
	if n < 4 {
		return false
	}
	var even, odd int
	for i := 0; i < n; i += 2 {
		if b[i] == 0 {
			even++
		}
		if b[i+1] == 0 {
			odd++
		}
	}
	pairs := n / 2
	return (odd*10 >= pairs*8 && even*10 < pairs) || (even*10 >= pairs*8 && odd*10 < pairs)
}

// binaryFault recognises data that is not text: a known file signature, a
// NUL byte, or many control characters.
func binaryFault(line int, b []byte) *Fault {
	sigs := []struct{ prefix, da, en string }{
		{"PK\x03\x04", "en zip- eller XLSX-fil", "a zip or XLSX file"},
		{"\xD0\xCF\x11\xE0", "en gammel Excel-fil (.xls)", "an old Excel file (.xls)"},
		{"%PDF", "en PDF-fil", "a PDF file"},
		{"\x89PNG", "et PNG-billede", "a PNG image"},
		{"\x1F\x8B", "en gzip-fil", "a gzip file"},
	}
	if line == 1 {
		for _, s := range sigs {
			if bytes.HasPrefix(b, []byte(s.prefix)) {
				return fault(FaultBinary, line, "filen indeholder binære data, ikke tekst (den ligner "+s.da+")",
					"the file holds binary data, not text (it looks like "+s.en+")")
			}
		}
	}
	controls, first := 0, -1
	for i, c := range b {
		if c == 0 {
			controls = len(b)
		} else if c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' || c == 0x7F {
			controls++
		} else {
			continue
		}
		if first < 0 {
			first = i
		}
		if c == 0 {
			break
		}
	}
	if controls > 0 && controls*50 >= len(b) {
		line += bytes.Count(b[:first], []byte{'\n'})
		return fault(FaultBinary, line, "filen indeholder binære data, ikke tekst", "the file holds binary data, not text")
	}
	return nil
}

func encodingFault(line int, enc string, bom bool) *Fault {
	f := &Fault{Kind: FaultEncoding, Line: line, Encoding: enc}
	switch {
	case enc == "":
		f.da = "teksten er ikke UTF-8 (tegnsættet kan ikke genkendes); gem filen som UTF-8"
		f.en = "the text is not UTF-8 (the encoding is not recognised); save the file as UTF-8"
	case bom:
		f.da = "filen er gemt som " + enc + " (med byte-order-mark); gem den som UTF-8"
		f.en = "the file is saved as " + enc + " (with a byte-order mark); save it as UTF-8"
	case enc == "UTF-16":
		f.da = "filen ser ud til at være gemt som UTF-16 (uden byte-order-mark); gem den som UTF-8"
		f.en = "the file seems to be saved as UTF-16 (without a byte-order mark); save it as UTF-8"
	default:
		f.da = "teksten er ikke UTF-8; filen ser ud til at være gemt som " + enc + ". Gem den som UTF-8 (i Excel: \"CSV UTF-8\")"
		f.en = "the text is not UTF-8; the file seems to be saved as " + enc + ". Save it as UTF-8 (in Excel: \"CSV UTF-8\")"
	}
	return f
}

func readFault(line int, err error) *Fault {
	return fault(FaultRead, line, "filen kunne ikke læses: "+err.Error(), "the file could not be read: "+err.Error())
}

func longFault(line, limit int) *Fault {
	return fault(FaultLine, line, fmt.Sprintf("rækken er længere end %d byte (grænsen); intet efter den er læst", limit),
		fmt.Sprintf("the row is longer than %d bytes (the limit); nothing after it was read", limit))
}

// checkText refuses a physical line that is not UTF-8 text.
func checkText(line int, b []byte) *Fault {
	if bytes.IndexByte(b, 0) < 0 && utf8.Valid(b) {
		return nil
	}
	if f := binaryFault(line, b); f != nil {
		return f
	}
	if latin1(b) {
		return encodingFault(line, "Latin-1/Windows-1252", false)
	}
	return encodingFault(line, "", false)
}

// latin1 reports invalid UTF-8 that reads as Latin-1 or Windows-1252 text:
// bytes above 0x7F standing alone between ASCII characters, as in "R\xF8de".
func latin1(b []byte) bool {
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			i++
			continue
		}
		if r, n := utf8.DecodeRune(b[i:]); r != utf8.RuneError || n > 1 {
			i += n // a valid sequence among the Latin-1 bytes: mixed, still text
			continue
		}
		if c == 0x81 || c == 0x8D || c == 0x8F || c == 0x90 || c == 0x9D {
			return false // undefined in Windows-1252
		}
		i++
	}
	return true
}

// readLine reads one physical line (with its line break) of at most max
// bytes.
func (r *Reader) readLine(max int) ([]byte, error) {
	line, err := r.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		r.lineBuf = append(r.lineBuf[:0], line...)
		for err == bufio.ErrBufferFull {
			if len(r.lineBuf) > max {
				return nil, longFault(r.line+1, r.lim.MaxLine)
			}
			line, err = r.br.ReadSlice('\n')
			r.lineBuf = append(r.lineBuf, line...)
		}
		line = r.lineBuf
	}
	if len(line) > max {
		return nil, longFault(r.line+1, r.lim.MaxLine)
	}
	if len(line) > 0 && err == io.EOF {
		err = nil
	}
	if err != nil {
		if err == io.EOF {
			return nil, io.EOF
		}
		return nil, readFault(r.line+1, err)
	}
	r.line++
	if f := checkText(r.line, line); f != nil {
		return nil, f
	}
	return line, nil
}

// lengthNL reports the length of a trailing \n or \r\n.
func lengthNL(b []byte) int {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		if n > 1 && b[n-2] == '\r' {
			return 2
		}
		return 1
	}
	return 0
}

// readRecord parses one record as encoding/csv does (without lazy
// quotes), within the row limit.
func (r *Reader) readRecord() ([]string, int, error) {
	var line []byte
	for {
		l, err := r.readLine(r.lim.MaxLine)
		if err != nil {
			return nil, r.line, err
		}
		if lengthNL(l) == len(l) {
			continue // empty line
		}
		line = l
		break
	}
	start := r.line
	used := len(line)
	r.recordBuf = r.recordBuf[:0]
	r.ends = r.ends[:0]
	sep := r.sep
parseField:
	for {
		if len(line) == 0 || line[0] != '"' {
			i := bytes.IndexByte(line, sep)
			field := line
			if i >= 0 {
				field = field[:i]
			} else {
				field = field[:len(field)-lengthNL(field)]
			}
			if bytes.IndexByte(field, '"') >= 0 {
				return nil, start, fault(FaultQuote, r.line,
					`et " står i et felt, der ikke er i anførselstegn; sæt hele feltet i anførselstegn og skriv " inde i det som ""`,
					`a " stands in a cell that is not quoted; put the whole cell in quotes and write " inside it as ""`)
			}
			r.recordBuf = append(r.recordBuf, field...)
			r.ends = append(r.ends, len(r.recordBuf))
			if i >= 0 {
				line = line[i+1:]
				continue parseField
			}
			break parseField
		}
		// A quoted field.
		quoteLine := r.line
		line = line[1:]
		for {
			i := bytes.IndexByte(line, '"')
			switch {
			case i >= 0:
				r.recordBuf = append(r.recordBuf, line[:i]...)
				line = line[i+1:]
				switch {
				case len(line) > 0 && line[0] == '"':
					r.recordBuf = append(r.recordBuf, '"')
					line = line[1:]
				case len(line) > 0 && line[0] == sep:
					line = line[1:]
					r.ends = append(r.ends, len(r.recordBuf))
					continue parseField
				case lengthNL(line) == len(line):
					r.ends = append(r.ends, len(r.recordBuf))
					break parseField
				default:
					return nil, start, fault(FaultQuote, r.line,
						`efter et afsluttende " kommer andet end et skilletegn; skriv " inde i et felt som ""`,
						`a closing " is followed by something else than a separator; write " inside a cell as ""`)
				}
			case len(line) > 0:
				r.recordBuf = append(r.recordBuf, line[:len(line)-lengthNL(line)]...)
				if lengthNL(line) > 0 {
					r.recordBuf = append(r.recordBuf, '\n')
				}
				next, err := r.readLine(r.lim.MaxLine - used)
				var f *Fault
				if errors.As(err, &f) && f.Kind == FaultLine {
					return nil, start, longFault(start, r.lim.MaxLine)
				} else if err == io.EOF {
					return nil, start, fault(FaultQuote, quoteLine,
						`et felt i anførselstegn, der begynder her, bliver aldrig afsluttet (der mangler et ")`,
						`a quoted cell that starts here is never closed (a " is missing)`)
				} else if err != nil {
					return nil, start, err
				}
				used += len(next)
				line = next
			default:
				return nil, start, fault(FaultQuote, quoteLine,
					`et felt i anførselstegn, der begynder her, bliver aldrig afsluttet (der mangler et ")`,
					`a quoted cell that starts here is never closed (a " is missing)`)
			}
		}
	}
	str := string(r.recordBuf)
	rec := make([]string, len(r.ends))
	prev := 0
	for i, end := range r.ends {
		rec[i] = str[prev:end]
		prev = end
	}
	return rec, start, nil
}

// CheckText checks a whole text held in memory (a YAML file) as Read
// checks CSV: byte-order marks, UTF-16 without one, binary data, UTF-8 on
// every line, at most maxLine bytes in a line and maxLines lines. It
// returns the text without a UTF-8 byte-order mark.
func CheckText(data []byte, maxLine, maxLines int) ([]byte, *Fault) {
	r := &Reader{br: bufio.NewReaderSize(bytes.NewReader(data), 4096), lim: Limits{MaxLine: maxLine}.withDefaults()}
	if f := r.sniff(); f != nil && f.Kind != FaultSeparator {
		return nil, f
	}
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	if len(data) == 0 {
		return nil, fault(FaultEmpty, 1, "filen er tom", "the file is empty")
	}
	for n, rest := 1, data; len(rest) > 0; n++ {
		line := rest
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			line, rest = rest[:i+1], rest[i+1:]
		} else {
			rest = nil
		}
		if n > maxLines {
			return nil, fault(FaultRows, n, fmt.Sprintf("filen har flere end %d linjer (grænsen)", maxLines),
				fmt.Sprintf("the file has more than %d lines (the limit)", maxLines))
		}
		if len(line) > maxLine {
			return nil, fault(FaultLine, n, fmt.Sprintf("linjen er længere end %d byte (grænsen)", maxLine),
				fmt.Sprintf("the line is longer than %d bytes (the limit)", maxLine))
		}
		if f := checkText(n, line); f != nil {
			return nil, f
		}
	}
	return data, nil
}
