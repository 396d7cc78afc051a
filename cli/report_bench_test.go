package cli

import (
	"context"
	"encoding/json"
	"io"
	"path/filepath"
	"testing"
	"time"

	"nrm"
	"nrm/sqlstore"
)

// benchDB opens a SQLite database in a temporary folder with the demo
// data loaded.
func benchDB(b *testing.B) (*Env, *sqlstore.DB) {
	b.Helper()
	env := &Env{DB: filepath.Join(b.TempDir(), "nrm.db"), Stdout: io.Discard, Stderr: io.Discard}
	ctx := systemCtx(context.Background())
	db, err := env.Open(ctx)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if err := LoadDemo(ctx, db, env); err != nil {
		b.Fatal(err)
	}
	return env, db
}

// reportAllFormats computes the 2011 statistics from db and writes the
// report in every format: the JSON contract, the published JSON, HTML,
// Markdown, PDF and XLSX (the last four with the action plan, the
// organisations and the introduction read from db).
func reportAllFormats(b *testing.B, env *Env, db *sqlstore.DB, formats []string, k int) {
	ctx := systemCtx(context.Background())
	s, err := db.Statistics(ctx, nrm.StatsQuery{Year: 2011})
	if err != nil {
		b.Fatal(err)
	}
	o := reportOptions{year: 2011, cutoff: s.Cutoff, k: k, src: db, generated: time.Date(2012, 4, 16, 10, 30, 0, 0, time.UTC)}
	for _, f := range formats {
		if f == "json" {
			if err := json.NewEncoder(io.Discard).Encode(s); err != nil {
				b.Fatal(err)
			}
			continue
		}
		if err := reportFormats[f](env, nil, s, o, io.Discard); err != nil {
			b.Fatalf("%s: %v", f, err)
		}
	}
}

// BenchmarkReportAllFormats is the whole annual report for the demo data
// (statistics from SQLite, then every format), internal and published
// (k = 3); the sub-benchmarks time each format alone. The 1,000,000-case
// statistics benchmark is in bench/.
func BenchmarkReportAllFormats(b *testing.B) {
	env, db := benchDB(b)
	all := []string{"json", "json-published", "html", "md", "pdf", "xlsx"}
	for _, c := range []struct {
		name    string
		formats []string
		k       int
	}{
		{"all", all, 0},
		{"all-published", all, 3},
		{"html", []string{"html"}, 0},
		{"md", []string{"md"}, 0},
		{"pdf", []string{"pdf"}, 0},
		{"xlsx", []string{"xlsx"}, 0},
		{"json", []string{"json"}, 0},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				reportAllFormats(b, env, db, c.formats, c.k)
			}
		})
	}
}
