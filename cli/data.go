package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"nrm"
	"nrm/bundle"
	"nrm/bundle/xlsxbundle"
	"nrm/refdata"
	"nrm/sqlstore"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
)

func init() {
	commands = append(commands, importCmd, exportCmd, countriesCmd)
}

// openSource opens a bundle folder, zip or XLSX workbook within lim.
func openSource(path string, lim bundle.Limits) (bundle.Source, func(), error) {
	if strings.EqualFold(filepath.Ext(path), ".xlsx") {
		x, err := xlsxbundle.OpenWith(path, lim)
		if err != nil {
			return nil, nil, err
		}
		return x, func() { x.Close() }, nil
	}
	s, err := bundle.OpenPathWith(path, lim)
	return s, func() {}, err
}

func knownOrgs(ctx context.Context, db *sqlstore.DB) (map[string]bool, error) {
	orgs, err := db.FindOrganisations(ctx)
	if err != nil || len(orgs) == 0 {
		return nil, err // no registry yet: any well-formed code
	}
	m := map[string]bool{}
	for _, o := range orgs {
		m[o.Code] = true
	}
	return m, nil
}

func importCmd(env *Env) *cobra.Command {
	var checkOnly, progress, replacePros bool
	var lim bundle.Limits
	cmd := &cobra.Command{
		Use:   "import BUNDLE",
		Short: "Load a data bundle (folder or .zip of CSV files, or an .xlsx workbook), all or nothing",
		Long: `Load a bundle: cases.csv, accommodations.csv, exits.csv, prosecutions.csv (see README).
Every row is checked first; one bad row means nothing is stored, and every problem is
listed with file, line, column, value and what was expected. Re-importing the same
bundle changes nothing; a changed row updates its case.

The bundle is read within limits (a cell, a row, the rows of a file, the unpacked
size, the compression ratio of a zip or XLSX member); a bundle beyond them is
refused with one message. Raise a limit with its flag when real data needs it.`,
		Args: cobra.ExactArgs(1),
		RunE: env.withDB(func(cmd *cobra.Command, args []string, ctx context.Context, db *sqlstore.DB) error {
			src, done, err := openSource(args[0], lim)
			if err != nil {
				return err
			}
			defer done()
			orgs, err := knownOrgs(ctx, db)
			if err != nil {
				return err
			}
			opt := bundle.Options{KnownOrgs: orgs, ReplaceProsecutions: replacePros, Prosecutions: map[int]nrm.Prosecution{}}
			pros, err := db.FindProsecutions(ctx)
			if err != nil {
				return err
			}
			for _, p := range pros {
				opt.Prosecutions[p.Year] = *p
			}
			if checkOnly {
				if err := bundle.Check(src, opt); err != nil {
					return err
				}
				fmt.Fprintln(env.Stdout, msg(env.lang(), "Bundtet er i orden.", "The bundle is valid."))
				return nil
			}
			var bar *progressbar.ProgressBar
			if progress {
				opt.Progress = func(done, total int) {
					if bar == nil {
						bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(env.Stderr),
							progressbar.OptionSetDescription(msg(env.lang(), "importerer sager", "importing cases")),
							progressbar.OptionShowCount(), progressbar.OptionThrottle(100*time.Millisecond),
							progressbar.OptionOnCompletion(func() { fmt.Fprintln(env.Stderr) }))
					}
					bar.Set(done)
				}
			}
			start := time.Now()
			res, err := bundle.Import(ctx, src, db, opt)
			if err != nil {
				return err
			}
			fmt.Fprintf(env.Stdout, msg(env.lang(), "Importeret på %s: %d nye, %d opdaterede, %d uændrede sager; %d anklagerækker.\n",
				"Imported in %s: %d new, %d updated, %d unchanged cases; %d prosecution rows.\n"),
				time.Since(start).Round(time.Millisecond), res.Created, res.Updated, res.Unchanged, res.Prosecutions)
			// A line per imported case another organisation may already
			// hold a case about (search.go).
			return printImportDuplicates(env, ctx, db, start)
		}),
	}
	cmd.Flags().BoolVar(&checkOnly, "check", false, "only check the bundle; store nothing")
	cmd.Flags().BoolVar(&replacePros, "replace-prosecutions", false, "let the bundle's prosecutions.csv replace the police's figures already held for its years")
	cmd.Flags().IntVar(&lim.MaxField, "max-field", bundle.DefaultMaxField, "largest cell, in bytes")
	cmd.Flags().IntVar(&lim.MaxLine, "max-line", bundle.DefaultMaxLine, "largest row, in bytes")
	cmd.Flags().IntVar(&lim.MaxRows, "max-rows", bundle.DefaultMaxRows, "most data rows in one file or sheet")
	cmd.Flags().Int64Var(&lim.MaxSize, "max-size", bundle.DefaultMaxSize, "largest unpacked size of the whole bundle, in bytes")
	cmd.Flags().IntVar(&lim.MaxRatio, "max-ratio", bundle.DefaultMaxRatio, "highest compression ratio of a zip or XLSX member (zip bomb guard)")
	cmd.Flags().BoolVar(&progress, "progress", isTerminal(os.Stderr), "show a progress bar")
	return cmd
}

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

func msg(lang nrm.Lang, da, en string) string {
	if lang == nrm.LangEN {
		return en
	}
	return da
}

func exportCmd(env *Env) *cobra.Command {
	var identifiers bool
	cmd := &cobra.Command{
		Use:   "export DIR|FILE.zip|FILE.xlsx",
		Short: "Write every case as a bundle (same format as import; contains birth dates — keep it safe)",
		Args:  cobra.ExactArgs(1),
		RunE: env.withDB(func(cmd *cobra.Command, args []string, ctx context.Context, db *sqlstore.DB) error {
			pros, err := db.FindProsecutions(ctx)
			if err != nil {
				return err
			}
			var n int
			opt := bundle.ExportOptions{Identifiers: identifiers}
			if strings.EqualFold(filepath.Ext(args[0]), ".xlsx") {
				f, err := os.OpenFile(args[0], os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
				if err != nil {
					return err
				}
				defer f.Close()
				// Owner-only also when the file existed with a wider mode.
				if err := f.Chmod(0o600); err != nil {
					return err
				}
				sink := xlsxbundle.NewSink(f)
				if n, err = bundle.ExportWith(ctx, db, pros, sink, opt); err != nil {
					return err
				}
				if err := sink.Close(); err != nil {
					return err
				}
			} else if n, err = bundle.ExportPathWith(ctx, db, pros, args[0], opt); err != nil {
				return err
			} else if strings.EqualFold(filepath.Ext(args[0]), ".zip") {
				// Owner-only also when the file existed with a wider mode.
				if err := os.Chmod(args[0], 0o600); err != nil {
					return err
				}
			}
			fmt.Fprintf(env.Stdout, msg(env.lang(), "Eksporterede %d sager til %s.\n", "Exported %d cases to %s.\n"), n, args[0])
			return nil
		}),
	}
	cmd.Flags().BoolVar(&identifiers, "identifiers", false, "also write names, aliases, document numbers, phone, address and notes (identifiers.csv, in clear)")
	cmd.AddCommand(exportHTCDSCmd(env)) // nrm export htcds (report.go)
	return cmd
}

func countriesCmd(env *Env) *cobra.Command {
	cmd := &cobra.Command{Use: "countries", Short: "Show or edit the nationality → region-of-origin mapping"}
	cmd.AddCommand(&cobra.Command{
		Use:   "import FILE",
		Short: "Load an edited mapping file (code,name_da,name_en,region)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := systemCtx(cmd.Context())
			f, err := os.Open(args[0])
			if err != nil {
				return err
			}
			defer f.Close()
			cs, err := refdata.CountriesFrom(f)
			if err != nil {
				return err
			}
			db, err := env.Open(ctx)
			if err != nil {
				return err
			}
			defer db.Close()
			ptrs := make([]*nrm.Country, len(cs))
			for i := range cs {
				ptrs[i] = &cs[i]
			}
			if err := db.UpsertCountries(ctx, ptrs); err != nil {
				return err
			}
			fmt.Fprintf(env.Stdout, msg(env.lang(), "%d lande indlæst.\n", "%d countries loaded.\n"), len(cs))
			return nil
		},
	})
	cmd.AddCommand(&cobra.Command{
		Use:   "list",
		Short: "Print the mapping as CSV",
		RunE: env.withDB(func(cmd *cobra.Command, args []string, ctx context.Context, db *sqlstore.DB) error {
			cs, err := db.FindCountries(ctx)
			if err != nil {
				return err
			}
			fmt.Fprintln(env.Stdout, "code,name_da,name_en,region")
			for _, c := range cs {
				fmt.Fprintf(env.Stdout, "%s,%s,%s,%s\n", c.Code, csvCell(c.NameDA), csvCell(c.NameEN), csvCell(string(c.Region)))
			}
			return nil
		}),
	})
	return cmd
}

func csvCell(s string) string {
	if strings.ContainsAny(s, ",\"\n") {
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return s
}
