package csvin

import (
	"encoding/csv"
	"errors"
	"io"
	"math/rand"
	"reflect"
	"strings"
	"testing"

	"nrm"
)

// readAll reads every record, stopping at the first error.
func readAll(t *testing.T, in string, lim Limits) (recs [][]string, lines []int, err error) {
	t.Helper()
	r := NewReader(strings.NewReader(in), lim)
	for {
		rec, line, err := r.Read()
		if err != nil {
			if err == io.EOF {
				return recs, lines, nil
			}
			return recs, lines, err
		}
		recs = append(recs, rec)
		lines = append(lines, line)
	}
}

// TestSameAsEncodingCSV compares well-formed input with encoding/csv,
// records and line numbers.
func TestSameAsEncodingCSV(t *testing.T) {
	cases := []string{
		"a,b,c\n1,2,3\n",
		"a,b\r\n1,2\r\n",
		"a,b\n1,2",
		"a,b\n\n\n1,2\n\n",
		"a,b\n\"x,y\",\"he said \"\"hi\"\"\"\n",
		"a,b\n\"line\nbreak\",2\n3,4\n",
		"a,b\n\"line\r\nbreak\",2\r\n",
		"a,b\n,\n",
		"a\n\"\"\n",
		"a,b\n é ,ø\n",
		"a,b,c\n1,,\n",
	}
	// Random well-formed records written by encoding/csv.
	rng := rand.New(rand.NewSource(1))
	alphabet := []string{"a", "b", ",", "\"", "\n", " ", "ø", "\r\n", ";"}
	for n := 0; n < 200; n++ {
		var b strings.Builder
		w := csv.NewWriter(&b)
		for r := 0; r < 1+rng.Intn(4); r++ {
			var rec []string
			for c := 0; c < 1+rng.Intn(4); c++ {
				var cell strings.Builder
				for k := 0; k < rng.Intn(5); k++ {
					cell.WriteString(alphabet[rng.Intn(len(alphabet))])
				}
				rec = append(rec, cell.String())
			}
			if len(rec) == 1 && rec[0] == "" {
				rec[0] = "x"
			}
			w.Write(rec)
		}
		w.Flush()
		cases = append(cases, "h1,h2\n"+b.String())
	}
	for _, in := range cases {
		cr := csv.NewReader(strings.NewReader(in))
		cr.FieldsPerRecord = -1
		var want [][]string
		var wantLines []int
		for {
			rec, err := cr.Read()
			if err != nil {
				break
			}
			line, _ := cr.FieldPos(0)
			want = append(want, rec)
			wantLines = append(wantLines, line)
		}
		got, lines, err := readAll(t, in, Limits{})
		if err != nil {
			t.Errorf("%q: %v", in, err)
			continue
		}
		if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(lines, wantLines) {
			t.Errorf("%q:\n got %q %v\nwant %q %v", in, got, lines, want, wantLines)
		}
	}
}

func TestFaults(t *testing.T) {
	for _, tc := range []struct {
		name, in       string
		kind, encoding string
		line           int
		en, da         string
	}{
		{"empty", "", FaultEmpty, "", 1, "the file is empty", "filen er tom"},
		{"only a BOM", "\xEF\xBB\xBF", FaultEmpty, "", 1, "empty", "tom"},
		{"blank lines", "\n\r\n\n", FaultBlank, "", 1, "only blank lines", "kun tomme linjer"},
		{"unterminated quote", "a,b\n1,2\n3,\"four\n5,6\n", FaultQuote, "", 3, "never closed", "aldrig afsluttet"},
		{"bare quote", "a,b\n1,x\"y\n", FaultQuote, "", 2, "not quoted", "ikke er i anførselstegn"},
		{"text after closing quote", "a,b\n1,\"x\"y\n", FaultQuote, "", 2, "closing", "afsluttende"},
		{"latin-1", "a,b\n1,R\xF8de Kors\n", FaultEncoding, "Latin-1/Windows-1252", 2, "Latin-1/Windows-1252", "Latin-1/Windows-1252"},
		{"utf-16le bom", "\xFF\xFEa\x00,\x00b\x00\n\x00", FaultEncoding, "UTF-16", 1, "UTF-16 (with a byte-order mark)", "UTF-16 (med byte-order-mark)"},
		{"utf-16be bom", "\xFE\xFF\x00a\x00,\x00b\x00\n", FaultEncoding, "UTF-16", 1, "UTF-16", "UTF-16"},
		{"utf-16le without bom", "c\x00a\x00s\x00e\x00_\x00r\x00e\x00f\x00,\x00k\x00", FaultEncoding, "UTF-16", 1, "without a byte-order mark", "uden byte-order-mark"},
		{"utf-16be without bom", "\x00c\x00a\x00s\x00e\x00_\x00r\x00e\x00f\x00,\x00k", FaultEncoding, "UTF-16", 1, "UTF-16", "UTF-16"},
		{"utf-32", "\xFF\xFE\x00\x00a\x00\x00\x00", FaultEncoding, "UTF-32", 1, "UTF-32", "UTF-32"},
		{"binary", "\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\x00>\x00", FaultBinary, "", 1, "binary data", "binære data"},
		{"xlsx renamed", "PK\x03\x04\x14\x00\x06\x00", FaultBinary, "", 1, "zip or XLSX", "zip- eller XLSX"},
		{"binary later", "a,b\n1,2\n\x00\x01\x02\x03\xff\xfe\n", FaultBinary, "", 3, "binary", "binære"},
		{"pipes", "case_ref|date|kind\nA|2011-01-01|x\n", FaultSeparator, "", 1, "separated by | ; use commas", "adskilt med |"},
		{"tabs", "case_ref\tdate\tkind\n", FaultSeparator, "", 1, "tabs", "tabulatorer"},
		{"row too long", "a,b\n1," + strings.Repeat("x", 2000) + "\n", FaultLine, "", 2, "longer than 1024 bytes", "længere end 1024 byte"},
		{"quoted row too long", "a,b\n1,\"" + strings.Repeat("x\n", 1000) + "\"\n", FaultLine, "", 2, "longer than 1024", "længere end 1024"},
		{"too many rows", "a\n1\n2\n3\n4\n", FaultRows, "", 5, "more than 3 rows", "flere end 3 rækker"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := readAll(t, tc.in, Limits{MaxField: 512, MaxLine: 1024, MaxRows: 3})
			var f *Fault
			if !errors.As(err, &f) {
				t.Fatalf("want a fault, got %v", err)
			}
			if f.Kind != tc.kind || f.Line != tc.line || f.Encoding != tc.encoding {
				t.Errorf("fault %s line %d encoding %q, want %s line %d %q", f.Kind, f.Line, f.Encoding, tc.kind, tc.line, tc.encoding)
			}
			if en, da := f.Text(nrm.LangEN), f.Text(nrm.LangDA); !strings.Contains(en, tc.en) || !strings.Contains(da, tc.da) {
				t.Errorf("texts %q / %q, want %q / %q", en, da, tc.en, tc.da)
			}
		})
	}
}

func TestSemicolonHeaderAndBOM(t *testing.T) {
	got, _, err := readAll(t, "\xEF\xBB\xBFcase_ref;kind\nA-1;\"a;b\"\n", Limits{})
	if err != nil || !reflect.DeepEqual(got, [][]string{{"case_ref", "kind"}, {"A-1", "a;b"}}) {
		t.Fatalf("%q %v", got, err)
	}
	// A comma in the header keeps the comma as separator.
	got, _, err = readAll(t, "case_ref,kind\nA-1;x,y\n", Limits{})
	if err != nil || !reflect.DeepEqual(got[1], []string{"A-1;x", "y"}) {
		t.Fatalf("%q %v", got, err)
	}
}

func TestLongCellsGoOn(t *testing.T) {
	r := NewReader(strings.NewReader("a,b\n"+strings.Repeat("x", 600)+",1\n2,3\n"), Limits{MaxField: 512, MaxLine: 4096})
	if _, _, err := r.Read(); err != nil {
		t.Fatal(err)
	}
	rec, line, err := r.Read()
	var lc *LongCells
	if !errors.As(err, &lc) || line != 2 || !reflect.DeepEqual(lc.Cols, []int{0}) || len(rec) != 2 {
		t.Fatalf("long cell: %v line %d %v", err, line, lc)
	}
	if rec, _, err := r.Read(); err != nil || rec[0] != "2" {
		t.Fatalf("after a long cell: %q %v", rec, err)
	}
}

// TestLongLineBoundedMemory reads a 64 MiB line from a stream that is
// never held: the reader stops at the limit.
func TestLongLineBoundedMemory(t *testing.T) {
	src := io.MultiReader(strings.NewReader("a,b\n1,"), &repeat{b: 'x', n: 64 << 20})
	r := NewReader(src, Limits{})
	if _, _, err := r.Read(); err != nil {
		t.Fatal(err)
	}
	_, _, err := r.Read()
	var f *Fault
	if !errors.As(err, &f) || f.Kind != FaultLine {
		t.Fatalf("want a line fault, got %v", err)
	}
	if cap(r.lineBuf) > 2*DefaultMaxLine {
		t.Fatalf("line buffer grew to %d bytes", cap(r.lineBuf))
	}
}

type repeat struct {
	b byte
	n int
}

func (r *repeat) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, io.EOF
	}
	if len(p) > r.n {
		p = p[:r.n]
	}
	for i := range p {
		p[i] = r.b
	}
	r.n -= len(p)
	return len(p), nil
}
