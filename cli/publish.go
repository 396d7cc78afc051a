package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/user"
	"slices"
	"strings"
	"text/tabwriter"

	"nrm"
	"nrm/disclosure"
	"nrm/sqlstore"
	"nrm/web"

	"github.com/spf13/cobra"
)

func init() {
	commands = append(commands, publishCmd)
}

// editionStore is what publishing reads and writes.
type editionStore interface {
	Statistics(ctx context.Context, q nrm.StatsQuery) (*nrm.Stats, error)
	nrm.EditionService
	reportSource
}

func publishCmd(env *Env) *cobra.Command {
	var year, k int
	var cutoff string
	cmd := &cobra.Command{
		Use:   "publish --year Y [--cutoff C] [--k N]",
		Short: "Freeze a published edition of a year's statistics (list, show)",
		Long: `Freeze a published edition of a year's statistics: the disclosure-controlled
statistics contract, the state of every published number, and the status report
in every format (json, html, pdf, xlsx, md; the reports in Danish and English)
exactly as 'nrm report --published' renders them, with a SHA-256 content hash,
the time and the user. Editions are numbered 1, 2, … per year; later published
views of the year (nrm report --published, the dashboard, the API) are served
from the latest edition. A correction is a new edition: it keeps hidden every
number an earlier edition of the year hid, and is refused when a number
published in both differs by 1 to k-1 (which would reveal the few persons who
changed). Default cut-off: 1 March of the following year; default k = 3.`,
		Args: cobra.NoArgs,
		RunE: env.withDB(func(cmd *cobra.Command, args []string, ctx context.Context, db *sqlstore.DB) error {
			q, err := editionQuery(env, year, cutoff)
			if err != nil {
				return err
			}
			if k < 3 {
				// Zeros are always shown, so "<2" would mean exactly 1.
				return invalid(env, "--k skal være mindst 3 (fik %d): nuller vises altid, så \"<2\" ville betyde præcis 1. Standard er %d.",
					"--k must be at least 3 (got %d): zeros are always shown, so \"<2\" would mean exactly 1. The default is %d.", k, disclosure.DefaultK)
			}
			e, err := publishEdition(ctx, env, db, q, k)
			if err != nil {
				return err
			}
			fmt.Fprintf(env.Stdout, msg(env.lang(), "Offentliggjorde udgave %d af %d (opgjort pr. %s, k = %d): %d filer, SHA-256 %s\n",
				"Published edition %d of %d (as of %s, k = %d): %d files, SHA-256 %s\n"), e.Number, e.Year, e.Cutoff, e.K, len(e.Files), e.Hash)
			return nil
		}),
	}
	cmd.Flags().IntVar(&year, "year", 0, "reporting year, e.g. 2011")
	cmd.Flags().StringVar(&cutoff, "cutoff", "", "cut-off date YYYY-MM-DD (default: 1 March of the following year)")
	cmd.Flags().IntVar(&k, "k", disclosure.DefaultK, "disclosure threshold (at least 3)")
	cmd.AddCommand(publishListCmd(env), publishShowCmd(env))
	return cmd
}

// editionQuery checks --year and --cutoff.
func editionQuery(env *Env, year int, cutoff string) (nrm.StatsQuery, error) {
	if year == 0 {
		return nrm.StatsQuery{}, invalid(env, "Angiv året med --year, fx --year 2011.", "Give the year with --year, e.g. --year 2011.")
	}
	if year < 1900 || year > 2200 {
		return nrm.StatsQuery{}, invalid(env, "--year skal være et år mellem 1900 og 2200 (fik %d).", "--year must be a year between 1900 and 2200 (got %d).", year)
	}
	q := nrm.StatsQuery{Year: year}
	if cutoff != "" {
		d, err := nrm.ParseDate(cutoff)
		if err != nil || d.Year() < year {
			return q, invalid(env, "--cutoff skal være en dato ÅÅÅÅ-MM-DD i eller efter året, fx %d-03-01.", "--cutoff must be a date YYYY-MM-DD in or after the year, e.g. %d-03-01.", year+1)
		}
		q.Cutoff = d
	}
	return q.Normalize(), nil
}

func publishListCmd(env *Env) *cobra.Command {
	var year int
	cmd := &cobra.Command{
		Use:   "list [--year Y]",
		Short: "List the published editions",
		Args:  cobra.NoArgs,
		RunE: env.withDB(func(cmd *cobra.Command, args []string, ctx context.Context, db *sqlstore.DB) error {
			es, err := db.FindEditions(ctx, year)
			if err != nil {
				return err
			}
			if len(es) == 0 {
				fmt.Fprintln(env.Stdout, msg(env.lang(), "Der er ingen offentliggjorte udgaver.", "No editions have been published."))
				return nil
			}
			tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, msg(env.lang(), "ÅR\tUDGAVE\tOPGJORT PR.\tK\tOFFENTLIGGJORT\tAF\tSHA-256", "YEAR\tEDITION\tCUT-OFF\tK\tPUBLISHED\tBY\tSHA-256"))
			for _, e := range es {
				fmt.Fprintf(tw, "%d\t%d\t%s\t%d\t%s\t%s\t%s\n", e.Year, e.Number, e.Cutoff, e.K, e.PublishedAt.UTC().Format("2006-01-02 15:04:05Z"), e.PublishedBy, e.Hash)
			}
			return tw.Flush()
		}),
	}
	cmd.Flags().IntVar(&year, "year", 0, "only this year")
	return cmd
}

func publishShowCmd(env *Env) *cobra.Command {
	var year, number int
	var format, out string
	cmd := &cobra.Command{
		Use:   "show --year Y [--edition N] --format F [-o FILE]",
		Short: "Write a stored file of an edition (json, html, pdf, xlsx, md; reports in --lang)",
		Args:  cobra.NoArgs,
		RunE: env.withDB(func(cmd *cobra.Command, args []string, ctx context.Context, db *sqlstore.DB) error {
			if year == 0 {
				return invalid(env, "Angiv året med --year, fx --year 2011.", "Give the year with --year, e.g. --year 2011.")
			}
			if err := checkLang(env); err != nil {
				return err
			}
			format = strings.ToLower(strings.TrimSpace(format))
			if !slices.Contains(nrm.EditionFormats, format) {
				return invalid(env, "Ukendt format %q; forventet %s.", "Unknown format %q; expected %s.", format, strings.Join(nrm.EditionFormats, ", "))
			}
			f, err := db.EditionFile(ctx, year, number, format, env.lang())
			if err != nil {
				return err
			}
			if out == "" || out == "-" {
				_, err := env.Stdout.Write(f.Body)
				return err
			}
			return writeFile(env, out, f.Body, disclosure.DefaultK) // published: readable by all
		}),
	}
	cmd.Flags().IntVar(&year, "year", 0, "reporting year")
	cmd.Flags().IntVar(&number, "edition", 0, "edition number (default: the latest)")
	cmd.Flags().StringVar(&format, "format", "json", "json, html, pdf, xlsx or md")
	cmd.Flags().StringVarP(&out, "output", "o", "", "output file (default: standard output)")
	return cmd
}

// publishEdition builds the next edition of q.Year and stores it: the
// statistics protected with k keeping hidden every number an earlier
// edition of the year hid, checked against every earlier edition (a
// refusal names the numbers, no value), rendered in every format and
// language. The store checks the actor's clearance and repeats the
// comparison in its transaction.
func publishEdition(ctx context.Context, env *Env, db editionStore, q nrm.StatsQuery, k int) (*nrm.Edition, error) {
	q = q.Normalize()
	s, err := db.Statistics(ctx, q)
	if err != nil {
		return nil, err
	}
	earlier, err := db.FindEditions(ctx, q.Year)
	if err != nil {
		return nil, err
	}
	var before [][]disclosure.CellState
	for _, e := range earlier {
		full, err := db.FindEdition(ctx, e.Year, e.Number)
		if err != nil {
			return nil, err
		}
		before = append(before, disclosure.CellsOf(full.Cells))
	}
	pub := disclosure.SuppressStatsHiding(s, k, disclosure.HiddenKeys(before...))
	cells := pub.Cells()
	if cs := disclosure.CompareEditions(before, cells, k); len(cs) > 0 {
		return nil, &nrm.Error{Code: nrm.ECONFLICT, Message: disclosure.ConflictMessage(cs, k, env.lang())}
	}
	generated, err := generationTime(env)
	if err != nil {
		return nil, err
	}
	e := &nrm.Edition{Year: q.Year, Cutoff: s.Cutoff, K: k, Cells: disclosure.EditionCells(cells), PublishedBy: cliUser()}
	// The files as `nrm report --published` renders them, with this
	// edition's protection.
	o := reportOptions{year: q.Year, cutoff: s.Cutoff, k: k, src: db, generated: generated, pub: pub}
	var buf bytes.Buffer
	if err := renderPublishedJSON(env, nil, s, o, &buf); err != nil {
		return nil, err
	}
	e.Files = append(e.Files, nrm.EditionFile{Format: "json", ContentType: reportContentTypes["json"], Body: buf.Bytes()})
	for _, lang := range []nrm.Lang{nrm.LangDA, nrm.LangEN} {
		le := *env
		le.Lang = string(lang)
		doc, err := buildReportCtx(systemCtx(ctx), &le, s, o)
		if err != nil {
			return nil, err
		}
		for _, format := range nrm.EditionFormats[1:] {
			var b bytes.Buffer
			if err := documentWriters[format](&b, doc); err != nil {
				return nil, err
			}
			e.Files = append(e.Files, nrm.EditionFile{Format: format, Lang: lang, ContentType: reportContentTypes[format], Body: b.Bytes()})
		}
	}
	if err := db.CreateEdition(ctx, e); err != nil {
		return nil, err
	}
	return e, nil
}

// cliUser names the operating-system user who runs the command line, for
// the edition's record.
func cliUser() string {
	name := os.Getenv("USER")
	if u, err := user.Current(); err == nil && u.Username != "" {
		name = u.Username
	}
	if name == "" {
		return "cli"
	}
	return "cli:" + name
}

// WriteEditionReport is the hook of `nrm report --published` (or --k N):
// when a published edition answers the request (nrm.EditionFor), it
// writes that edition's stored file in format (json: the published
// contract; html, pdf, xlsx, md in env's language) to w and reports true;
// otherwise it writes nothing and reports false, and the report is
// computed as before. Formats an edition does not store (eurostat) are
// never answered from it.
func WriteEditionReport(ctx context.Context, env *Env, db nrm.EditionService, q nrm.StatsQuery, k int, format string, w io.Writer) (bool, error) {
	f, err := nrm.PublishedFile(ctx, db, q, k, format, env.lang())
	if err != nil || f == nil {
		return false, err
	}
	_, err = w.Write(f.Body)
	return true, err
}

// EditionPublisher publishes editions for the web server (Config.Publish)
// as `nrm publish` does, as the signed-in user of ctx.
func EditionPublisher(env *Env, db editionStore) web.EditionPublisher {
	return func(ctx context.Context, q nrm.StatsQuery, k int, lang nrm.Lang) (*nrm.Edition, error) {
		e := *env
		e.Lang = string(lang)
		return publishEdition(ctx, &e, db, q, k)
	}
}
