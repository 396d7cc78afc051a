package bundle_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"nrm"
	"nrm/bundle"
	"nrm/seal"
	"nrm/sqlstore"
)

// maxRSS is the peak memory allowed to nrm import while it refuses a bomb.
const maxRSS = 100 << 20

// TestImportRefusesBombsInBoundedMemory runs the real nrm import on
// bundles built to exhaust memory and reads its peak resident memory from
// the kernel: each is refused with one message, under 100 MB, and the
// database stays empty.
func TestImportRefusesBombsInBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("builds nrm and writes some 1.5 GiB of bombs, one at a time")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "nrm")
	build := exec.Command("go", "build", "-o", bin, "nrm/cmd/nrm")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	db, key := filepath.Join(dir, "nrm.db"), filepath.Join(dir, "nrm.key")
	header := strings.Join(bundle.Columns[bundle.FileCases], ",") + "\n"
	rowStart := "A-1,CMM,female,1990-01-01,,NG,irregular,2011-01-10,police,,2011-01-20,US,identified,sexual,,"

	for _, b := range []struct {
		name string
		make func(path string)
		want string
	}{
		{"zip with a 100 MiB line, packed 1000:1 as found by testers", func(path string) {
			writeZip(t, path, "cases.csv", zip.Deflate, -1, io.MultiReader(strings.NewReader(header+rowStart), &fill{n: 100 << 20, b: 'x'}, strings.NewReader("\n")))
		}, "cases.csv: the file is compressed more than 100:1"},
		{"zip with a 100 MiB line of mixed letters", func(path string) {
			writeZip(t, path, "cases.csv", zip.Deflate, -1, io.MultiReader(strings.NewReader(header+rowStart), &fill{n: 100 << 20, mixed: true}, strings.NewReader("\n")))
		}, "cases.csv line 2: the row is longer than 1048576 bytes"},
		{"zip with a 300 MiB line", func(path string) {
			writeZip(t, path, "cases.csv", zip.Store, -1, io.MultiReader(strings.NewReader(header+rowStart), &fill{n: 300 << 20, b: 'x'}, strings.NewReader("\n")))
		}, "cases.csv line 2: the row is longer than 1048576 bytes"},
		{"zip with a 300 MiB line packed 1000:1", func(path string) {
			writeZip(t, path, "cases.csv", zip.Deflate, -1, io.MultiReader(strings.NewReader(header+rowStart), &fill{n: 300 << 20, b: 'x'}, strings.NewReader("\n")))
		}, "the file is compressed more than 100:1"},
		{"xlsx with a 100 MiB cell", func(path string) {
			writeXLSX(t, path, zip.Store, 100<<20)
		}, "sheet cases line 2: cell P2 holds more than 65536 bytes (the limit); the workbook was not read"},
		{"xlsx with a 100 MiB cell packed 1000:1", func(path string) {
			writeXLSX(t, path, zip.Deflate, 100<<20)
		}, "the part xl/sharedStrings.xml is compressed more than 100:1"},
		{"high-ratio zip of 512 MiB rows", func(path string) {
			row := rowStart + "DK\n"
			writeZip(t, path, "cases.csv", zip.Deflate, -1, io.MultiReader(strings.NewReader(header), &fill{n: 512 << 20, pattern: row}))
		}, "cases.csv: the file is compressed more than 100:1"},
		{"zip lying about its size", func(path string) {
			writeZip(t, path, "cases.csv", zip.Deflate, 100, io.MultiReader(strings.NewReader(header), &fill{n: 200 << 20, pattern: rowStart + "DK\n"}))
		}, "not a valid zip"},
	} {
		t.Run(b.name, func(t *testing.T) {
			ext := ".zip"
			if strings.HasPrefix(b.name, "xlsx") {
				ext = ".xlsx"
			}
			path := filepath.Join(dir, "bomb"+ext)
			b.make(path)
			defer os.Remove(path)
			for _, lang := range []string{"en", "da"} {
				cmd := exec.Command(bin, "--db", db, "--key-file", key, "--lang", lang, "import", "--progress=false", path)
				var stdout, stderr bytes.Buffer
				cmd.Stdout, cmd.Stderr = &stdout, &stderr
				err := cmd.Run()
				if cmd.ProcessState == nil {
					t.Fatalf("nrm import did not run: %v", err)
				}
				rss := int64(cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss) << 10 // KiB on Linux
				t.Logf("%s: peak RSS %.1f MB, %s", lang, float64(rss)/1e6, cmd.ProcessState.UserTime()+cmd.ProcessState.SystemTime())
				if rss > maxRSS {
					t.Errorf("%s: peak RSS %d MB, over %d MB", lang, rss>>20, maxRSS>>20)
				}
				if cmd.ProcessState.ExitCode() != 1 || strings.Contains(stderr.String(), "panic") {
					t.Fatalf("%s: exit %d\n%s", lang, cmd.ProcessState.ExitCode(), stderr.String())
				}
				msg := stderr.String()
				if len(msg) > 2000 || strings.Count(msg, "\n  ") != 1 {
					t.Errorf("%s: want one short message, got %d bytes:\n%.2000s", lang, len(msg), msg)
				}
				if lang == "en" && !strings.Contains(msg, b.want) {
					t.Errorf("message %q does not contain %q", msg, b.want)
				}
				if lang == "da" && !strings.Contains(msg, "Bundtet blev ikke importeret; intet er ændret.") {
					t.Errorf("Danish message: %s", msg)
				}
			}
		})
	}
	keys, err := seal.Load(key, false)
	if err != nil {
		t.Fatal(err)
	}
	store, err := sqlstore.Open(context.Background(), db, sqlstore.Options{Sealer: keys})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if _, n, err := store.FindCases(admin, nrm.CaseFilter{}); err != nil || n != 0 {
		t.Fatalf("%d cases stored (%v)", n, err)
	}
}

// fill yields n bytes: b repeated, a pattern repeated, or mixed letters
// that compress about 2:1.
type fill struct {
	n       int64
	b       byte
	pattern string
	mixed   bool
	pos     int
	seed    uint32
}

func (f *fill) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > f.n {
		p = p[:f.n]
	}
	for i := range p {
		switch {
		case f.pattern != "":
			p[i] = f.pattern[f.pos%len(f.pattern)]
			f.pos++
		case f.mixed:
			f.seed = f.seed*1664525 + 1013904223
			p[i] = 'a' + byte(f.seed>>24)%26
		default:
			p[i] = f.b
		}
	}
	f.n -= int64(len(p))
	return len(p), nil
}

// writeZip writes a zip with one member streamed from r. A declared size
// of 0 or more is written into the headers instead of the real one.
func writeZip(t *testing.T, path, name string, method uint16, declared int64, r io.Reader) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zw := zip.NewWriter(f)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestSpeed) })
	if declared >= 0 {
		// Compress to a temporary file, then write the member raw with
		// the lie in its headers.
		tmp, err := os.CreateTemp(t.TempDir(), "raw")
		if err != nil {
			t.Fatal(err)
		}
		defer tmp.Close()
		fw := must(flate.NewWriter(tmp, flate.BestSpeed))(t)
		crc := crc32.NewIEEE()
		if _, err := io.Copy(io.MultiWriter(fw, crc), r); err != nil {
			t.Fatal(err)
		}
		fw.Close()
		size := must(tmp.Seek(0, io.SeekCurrent))(t)
		if _, err := tmp.Seek(0, io.SeekStart); err != nil {
			t.Fatal(err)
		}
		w, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Deflate, CRC32: crc.Sum32(),
			CompressedSize64: uint64(size), UncompressedSize64: uint64(declared)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(w, tmp); err != nil {
			t.Fatal(err)
		}
	} else {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: method})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(w, r); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
}

// writeXLSX writes a workbook with a cases sheet whose row 2 has, in
// column P, a shared string of size bytes.
func writeXLSX(t *testing.T, path string, method uint16, size int64) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zw := zip.NewWriter(f)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestSpeed) })
	var header, row strings.Builder
	sst := []string{}
	for i, c := range bundle.Columns[bundle.FileCases] {
		sst = append(sst, c)
		fmt.Fprintf(&header, `<c r="%s1" t="s"><v>%d</v></c>`, string(rune('A'+i)), i)
	}
	fmt.Fprintf(&row, `<c r="A2" t="inlineStr"><is><t>A-1</t></is></c><c r="B2" t="inlineStr"><is><t>CMM</t></is></c><c r="P2" t="s"><v>%d</v></c>`, len(sst))
	parts := []struct{ name, body string }{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="cases" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`},
		{"xl/worksheets/sheet1.xml", `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">` + header.String() + `</row><row r="2">` + row.String() + `</row></sheetData></worksheet>`},
	}
	for _, p := range parts {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: p.name, Method: zip.Deflate})
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, p.body)
	}
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "xl/sharedStrings.xml", Method: method})
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`)
	for _, s := range sst {
		io.WriteString(w, "<si><t>"+s+"</t></si>")
	}
	io.WriteString(w, "<si><t>")
	if _, err := io.Copy(w, &fill{n: size, b: 'x'}); err != nil {
		t.Fatal(err)
	}
	io.WriteString(w, "</t></si></sst>")
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
}
