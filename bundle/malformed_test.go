package bundle_test

import (
	"archive/zip"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"

	"nrm"
	"nrm/bundle"
	"nrm/bundle/xlsxbundle"
	"nrm/sqlstore"
	"nrm/sqlstore/sqltest"
)

// utf16LE encodes s as UTF-16 little-endian, with a byte-order mark if bom.
func utf16LE(s string, bom bool) string {
	var b bytes.Buffer
	if bom {
		b.WriteString("\xFF\xFE")
	}
	for _, u := range utf16.Encode([]rune(s)) {
		b.WriteByte(byte(u))
		b.WriteByte(byte(u >> 8))
	}
	return b.String()
}

// utf16BE encodes s as UTF-16 big-endian without a byte-order mark.
func utf16BE(s string) string {
	var b bytes.Buffer
	for _, u := range utf16.Encode([]rune(s)) {
		b.WriteByte(byte(u >> 8))
		b.WriteByte(byte(u))
	}
	return b.String()
}

// dropColumn removes a column from every line of a simple CSV text.
func dropColumn(csv, col string) string {
	lines := strings.Split(strings.TrimSuffix(csv, "\n"), "\n")
	idx := -1
	for i, h := range strings.Split(lines[0], ",") {
		if h == col {
			idx = i
		}
	}
	for i, l := range lines {
		cells := strings.Split(l, ",")
		lines[i] = strings.Join(append(cells[:idx:idx], cells[idx+1:]...), ",")
	}
	return strings.Join(lines, "\n") + "\n"
}

// resep rewrites a simple CSV text (no quotes) with sep, quoting cells
// that hold sep.
func resep(csv string, sep string) string {
	var out []string
	for _, l := range strings.Split(csv, "\n") {
		cells := strings.Split(l, ",")
		for i, c := range cells {
			if strings.Contains(c, sep) {
				cells[i] = `"` + c + `"`
			}
		}
		out = append(out, strings.Join(cells, sep))
	}
	return strings.Join(out, "\n")
}

// TestMalformedBundles gives every malformed file one message in Danish
// and English naming file and line, with no follow-on errors, and leaves
// the database as it was.
func TestMalformedBundles(t *testing.T) {
	longCell := strings.Repeat("ø", 40000) + "END" // 80,003 bytes
	binary := "\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\x00>\x00\x01\x00\x00\x00\x10\x10\x00\x00\xff\xfe"
	latin1 := "case_ref,kind,provider,start_date,end_date\nA-1,crisis_shelter,Reden,2011-01-20,2011-02-18\nA-1,crisis_shelter,R\xF8de Kors Kvindecenter,2011-06-01,\n"
	cases := []struct {
		name   string
		rich   bool
		edit   func(f map[string]string)
		en, da string
	}{
		{"empty cases.csv", false, func(f map[string]string) { f["cases.csv"] = "" },
			"cases.csv line 1: the file is empty; it needs a header row: case_ref,owner_org,", "cases.csv linje 1: filen er tom; den skal have en overskriftsrække: case_ref,"},
		{"empty accommodations.csv", false, func(f map[string]string) { f["accommodations.csv"] = "" },
			"accommodations.csv line 1: the file is empty", "accommodations.csv linje 1: filen er tom"},
		{"exits.csv of blank lines", false, func(f map[string]string) { f["exits.csv"] = "\n\r\n\n\n" },
			"exits.csv line 1: the file holds only blank lines", "exits.csv linje 1: filen indeholder kun tomme linjer"},
		{"exits.csv of spaces", false, func(f map[string]string) { f["exits.csv"] = "  \n ,\n" },
			"exits.csv line 1: the file holds only blank rows; it needs a header row: case_ref,date,kind", "filen indeholder kun tomme rækker"},
		{"unterminated quote", false, func(f map[string]string) {
			f["cases.csv"] = casesCSV + "A-9,\"CMM,female,,,NG,irregular,2011-01-10,police,,2011-01-20,US,identified,sexual,,\nA-10,CMM,female,,,NG,irregular,2011-01-10,police,,2011-01-20,US,identified,sexual,,\n"
		}, `cases.csv line 6: a quoted cell that starts here is never closed (a " is missing)`, "cases.csv linje 6: et felt i anførselstegn, der begynder her, bliver aldrig afsluttet"},
		{"quote inside an unquoted cell", false, func(f map[string]string) {
			f["accommodations.csv"] = accCSV + "A-2,other,The \"best\" shelter,2011-05-01,\n"
		}, `accommodations.csv line 5: a " stands in a cell that is not quoted`, "accommodations.csv linje 5: et \" står i et felt, der ikke er i anførselstegn"},
		{"binary exits.csv", false, func(f map[string]string) { f["exits.csv"] = binary },
			"exits.csv line 1: the file holds binary data, not text", "exits.csv linje 1: filen indeholder binære data, ikke tekst"},
		{"workbook saved as exits.csv", false, func(f map[string]string) { f["exits.csv"] = "PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00" },
			"exits.csv line 1: the file holds binary data, not text (it looks like a zip or XLSX file)", "(den ligner en zip- eller XLSX-fil)"},
		{"Latin-1", false, func(f map[string]string) { f["accommodations.csv"] = latin1 },
			"accommodations.csv line 3: the text is not UTF-8; the file seems to be saved as Latin-1/Windows-1252. Save it as UTF-8",
			"accommodations.csv linje 3: teksten er ikke UTF-8; filen ser ud til at være gemt som Latin-1/Windows-1252. Gem den som UTF-8"},
		{"UTF-16 with a byte-order mark", false, func(f map[string]string) { f["accommodations.csv"] = utf16LE(accCSV, true) },
			"accommodations.csv line 1: the file is saved as UTF-16 (with a byte-order mark); save it as UTF-8", "accommodations.csv linje 1: filen er gemt som UTF-16 (med byte-order-mark); gem den som UTF-8"},
		{"UTF-16 without a byte-order mark", false, func(f map[string]string) { f["cases.csv"] = utf16BE(casesCSV) },
			"cases.csv line 1: the file seems to be saved as UTF-16 (without a byte-order mark)", "cases.csv linje 1: filen ser ud til at være gemt som UTF-16 (uden byte-order-mark)"},
		{"UTF-16 little-endian without a byte-order mark", false, func(f map[string]string) { f["exits.csv"] = utf16LE(exitsCSV, false) },
			"exits.csv line 1: the file seems to be saved as UTF-16", "exits.csv linje 1: filen ser ud til at være gemt som UTF-16"},
		{"separated by |", false, func(f map[string]string) { f["exits.csv"] = resep(exitsCSV, "|") },
			"exits.csv line 1: the file seems separated by | ; use commas", "exits.csv linje 1: filen ser ud til at være adskilt med | ; brug komma"},
		{"separated by tabs", false, func(f map[string]string) { f["cases.csv"] = resep(casesCSV, "\t") },
			"cases.csv line 1: the file seems separated by tabs; use commas", "cases.csv linje 1: filen ser ud til at være adskilt med tabulatorer"},
		{"missing column", false, func(f map[string]string) { f["cases.csv"] = dropColumn(casesCSV, "nationality") },
			`cases.csv line 1: the header row does not fit: missing column "nationality". Expected the columns case_ref,owner_org,`,
			`cases.csv linje 1: overskriftsrækken passer ikke: mangler kolonnen "nationality". Forventede kolonnerne case_ref,`},
		{"unknown column", false, func(f map[string]string) {
			f["accommodations.csv"] = strings.Replace(accCSV, "end_date\n", "end_date,note\n", 1)
		}, `accommodations.csv line 1: the header row does not fit: unknown column "note"`, `accommodations.csv linje 1: overskriftsrækken passer ikke: ukendt kolonne "note"`},
		{"misspelt column", false, func(f map[string]string) {
			f["exits.csv"] = strings.Replace(exitsCSV, "case_ref,date,kind", "case_ref,dato,kind", 1)
		}, `exits.csv line 1: the header row does not fit: unknown column "dato"; missing column "date"`, `ukendt kolonne "dato"; mangler kolonnen "date"`},
		{"column twice", false, func(f map[string]string) {
			f["exits.csv"] = "case_ref,date,kind,kind\nA-2,2011-12-02,self_return,self_return\n"
		}, `exits.csv line 1: the header row does not fit: column "kind" more than once`, `kolonnen "kind" mere end én gang`},
		{"no header row", false, func(f map[string]string) { f["exits.csv"] = strings.SplitN(exitsCSV, "\n", 2)[1] },
			"exits.csv line 1: the first row is not the header row this file needs: case_ref,date,kind; the rows were not checked",
			"exits.csv linje 1: den første række er ikke den overskriftsrække, filen skal have"},
		{"cell over 64 KiB", false, func(f map[string]string) {
			f["accommodations.csv"] = accCSV + "A-2,other," + longCell + ",2011-05-01,\n"
		}, `accommodations.csv line 5, column provider: Provider is too long (value "` + strings.Repeat("ø", 100) + `…"); expected: at most 65536 bytes`,
			`accommodations.csv linje 5, kolonne provider:`},
		{"row with a cell too many", false, func(f map[string]string) {
			f["cases.csv"] = strings.Replace(casesCSV, "sexual;forced_criminality,,DK", "sexual;forced_criminality,,DK,extra", 1)
		}, "cases.csv line 2: the row has 17 cells; the header has 16", "cases.csv linje 2: rækken har 17 celler; overskriften har 16"},
		{"Latin-1 optional file", true, func(f map[string]string) {
			f["contacts.csv"] += "R-1,2011-03-01,outreach,REDEN,K\xF8benhavn\n"
		}, "the file seems to be saved as Latin-1/Windows-1252", "filen ser ud til at være gemt som Latin-1/Windows-1252"},
		{"optional file with a missing column", true, func(f map[string]string) { f["assessments.csv"] = dropColumn(f["assessments.csv"], "outcome") },
			`assessments.csv line 1: the header row does not fit: missing column "outcome"`, `assessments.csv linje 1: overskriftsrækken passer ikke: mangler kolonnen "outcome"`},
		{"empty optional file", true, func(f map[string]string) { f["consents.csv"] = "" },
			"consents.csv line 1: the file is empty", "consents.csv linje 1: filen er tom"},
	}
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		goodDir := writeBundle(t, good())
		if _, err := importDir(t, db, goodDir); err != nil {
			t.Fatal(err)
		}
		before := exportDir(t, db)
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				files := good()
				if tc.rich {
					files = richBundle()
				}
				tc.edit(files)
				_, err := importDir(t, db, writeBundle(t, files))
				var errs *bundle.Errors
				if !asErrors(err, &errs) {
					t.Fatalf("want bundle errors, got %v", err)
				}
				en, da := errs.Format(nrm.LangEN), errs.Format(nrm.LangDA)
				if len(errs.List) != 1 {
					t.Errorf("want one message, got %d:\n%s", len(errs.List), en)
				}
				if !strings.Contains(en, tc.en) {
					t.Errorf("English message lacks %q:\n%s", tc.en, en)
				}
				if !strings.Contains(da, tc.da) {
					t.Errorf("Danish message lacks %q:\n%s", tc.da, da)
				}
				if len(en) > 1000 {
					t.Errorf("message of %d bytes", len(en))
				}
				sameFiles(t, "database after a refused bundle", exportDir(t, db), before)
			})
		}
	})
}

// A UTF-8 byte-order mark and ';' as separator (Danish Excel) import as
// the comma form does.
func TestSemicolonAndBOMAccepted(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		files := map[string]string{}
		for name, body := range good() {
			files[name] = "\xEF\xBB\xBF" + resep(body, ";")
		}
		if !strings.Contains(files["cases.csv"], `;"sexual;forced_criminality";`) {
			t.Fatalf("not the Danish form:\n%s", files["cases.csv"])
		}
		res, err := importDir(t, db, writeBundle(t, files))
		if err != nil || res.Created != 4 || res.Prosecutions != 1 {
			t.Fatalf("%+v %v", res, err)
		}
		ref := sqltest.MustOpenDB(t, db.Engine())
		if _, err := importDir(t, ref, writeBundle(t, good())); err != nil {
			t.Fatal(err)
		}
		sameFiles(t, "semicolon import", exportDir(t, db), exportDir(t, ref))
	})
}

// The limits are set per import: rows, row length, cell length and the
// size of the whole bundle, each refused with one message.
func TestLimits(t *testing.T) {
	files := good()
	// A row of 315 bytes, no cell over 100.
	files["accommodations.csv"] += "A-2,other" + strings.Repeat(" ", 95) + "," + strings.Repeat("x", 99) + ",2011-05-01," + strings.Repeat(" ", 99) + "\n"
	dir, longRow := writeBundle(t, good()), writeBundle(t, files)
	for _, tc := range []struct {
		lim    bundle.Limits
		en, da string
	}{
		{bundle.Limits{MaxRows: 3}, "cases.csv line 5: the file has more than 3 rows (the limit)", "cases.csv linje 5: filen har flere end 3 rækker (grænsen)"},
		{bundle.Limits{MaxField: 100, MaxLine: 320}, "", ""}, // within the limits
		{bundle.Limits{MaxField: 100, MaxLine: 250}, "accommodations.csv line 5: the row is longer than 250 bytes (the limit); nothing after it was read",
			"accommodations.csv linje 5: rækken er længere end 250 byte (grænsen); intet efter den er læst"},
		{bundle.Limits{MaxField: 20}, `cases.csv line 2, column exploitation: Form of exploitation is too long (value "sexual;forced_criminality"); expected: at most 20 bytes`, "højst 20 byte"},
		{bundle.Limits{MaxSize: 1000}, "the bundle's files hold 1", "bundtets filer fylder 1"},
	} {
		d := dir
		if tc.lim.MaxLine != 0 {
			d = longRow
		}
		src, err := bundle.OpenPathWith(d, tc.lim)
		if err != nil {
			t.Fatal(err)
		}
		err = bundle.Check(src, bundle.Options{})
		if tc.en == "" {
			if err != nil {
				t.Errorf("%+v: %v", tc.lim, err)
			}
			continue
		}
		var errs *bundle.Errors
		if !asErrors(err, &errs) {
			t.Fatalf("%+v: %v", tc.lim, err)
		}
		if en, da := errs.Format(nrm.LangEN), errs.Format(nrm.LangDA); len(errs.List) != 1 || !strings.Contains(en, tc.en) || !strings.Contains(da, tc.da) {
			t.Errorf("%+v:\n%s\n%s", tc.lim, en, da)
		}
	}
	// The defaults take the good bundle.
	src := must(bundle.OpenPathWith(dir, bundle.Limits{}))(t)
	if err := bundle.Check(src, bundle.Options{}); err != nil {
		t.Fatal(err)
	}
}

func TestZipLimits(t *testing.T) {
	dir := t.TempDir()
	// A member packed more than the ratio allows.
	path := filepath.Join(dir, "ratio.zip")
	header := strings.Join(bundle.Columns[bundle.FileCases], ",") + "\n"
	writeZip(t, path, "cases.csv", zip.Deflate, -1, strings.NewReader(header+strings.Repeat(" ", 4<<20)))
	src, err := bundle.OpenPath(path)
	if err != nil {
		t.Fatal(err)
	}
	err = bundle.Check(src, bundle.Options{})
	if err == nil || !strings.Contains(err.Error(), "cases.csv: the file is compressed more than 100:1") {
		t.Errorf("ratio: %v", err)
	}
	// A higher limit lets it through to the next check.
	src = must(bundle.OpenPathWith(path, bundle.Limits{MaxRatio: 100000}))(t)
	if err := bundle.Check(src, bundle.Options{}); err == nil || strings.Contains(err.Error(), "compressed") {
		t.Errorf("ratio 100000: %v", err)
	}
	// Too many members: refused from the end record, before the directory
	// is read.
	path = filepath.Join(dir, "many.zip")
	f := must(os.Create(path))(t)
	zw := zip.NewWriter(f)
	for i := 0; i <= bundle.MaxZipEntries; i++ {
		zw.CreateHeader(&zip.FileHeader{Name: fmt.Sprintf("f%d", i), Method: zip.Store})
	}
	zw.Close()
	f.Close()
	_, err = bundle.OpenPath(path)
	var errs *bundle.Errors
	if !asErrors(err, &errs) || !strings.Contains(errs.Format(nrm.LangEN), "many.zip: the zip file has 10001 members, more than 10000 (the limit)") ||
		!strings.Contains(errs.Format(nrm.LangDA), "zip-filen har 10001 dele") {
		t.Errorf("many members: %v", err)
	}
	// Not a zip at all.
	if err := os.WriteFile(path, []byte("PK\x03\x04 not a zip"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := bundle.OpenPath(path); err == nil || !strings.Contains(err.Error(), "not a readable zip file") {
		t.Errorf("garbage zip: %v", err)
	}
}

func TestXLSXLimits(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "long.xlsx")
	writeXLSX(t, path, zip.Deflate, 100<<10)
	_, err := xlsxbundle.Open(path)
	var errs *bundle.Errors
	if !asErrors(err, &errs) || len(errs.List) != 1 {
		t.Fatalf("long cell: %v", err)
	}
	if en, da := errs.Format(nrm.LangEN), errs.Format(nrm.LangDA); !strings.Contains(en, "sheet cases line 2: cell P2 holds more than 65536 bytes (the limit); the workbook was not read") ||
		!strings.Contains(da, "linje 2: celle P2 rummer mere end 65536 byte (grænsen); projektmappen er ikke læst") {
		t.Errorf("%s\n%s", en, da)
	}
	// Within a higher cell limit the workbook opens, and the bundle's own
	// checks report the rest.
	x, err := xlsxbundle.OpenWith(path, bundle.Limits{MaxField: 200 << 10})
	if err != nil {
		t.Fatal(err)
	}
	x.Close()

	// Rows: an exported workbook of four cases read with a limit of two.
	db := sqltest.MustOpenDB(t, "sqlite")
	if _, err := importDir(t, db, writeBundle(t, good())); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	sink := xlsxbundle.NewSink(&buf)
	pros := must(db.FindProsecutions(admin))(t)
	if _, err := bundle.Export(admin, db, pros, sink); err != nil {
		t.Fatal(err)
	}
	sink.Close()
	path = filepath.Join(dir, "rows.xlsx")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = xlsxbundle.OpenWith(path, bundle.Limits{MaxRows: 2})
	if err == nil || !strings.Contains(err.Error(), "sheet cases line 4: the sheet has more than 2 rows (the limit)") {
		t.Errorf("rows: %v", err)
	}
	if _, err := xlsxbundle.OpenWith(path, bundle.Limits{MaxField: 50, MaxLine: 100}); err == nil || !strings.Contains(err.Error(), "sheet cases line 1: the row is longer than 100 bytes") {
		t.Errorf("row length: %v", err)
	}
	x, err = xlsxbundle.OpenWith(path, bundle.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if err := bundle.Check(x, bundle.Options{}); err != nil {
		t.Fatal(err)
	}
}
