package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"nrm"

	"github.com/spf13/cobra"
)

func init() {
	commands = append(commands, reportCmd)
}

// reportFormats renders a report in a non-JSON format; the report
// packages register themselves here.
var reportFormats = map[string]func(env *Env, cmd *cobra.Command, s *nrm.Stats, o reportOptions, w io.Writer) error{}

type reportOptions struct {
	year   int
	cutoff nrm.Date
	k      int
	period string
}

func reportCmd(env *Env) *cobra.Command {
	var year, k int
	var cutoff, format, out, period string
	var published bool
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Generate the annual status report (json, html, pdf, xlsx, md)",
		Long: `Generate the annual status report for a reporting year and cut-off date
(default: 1 March of the following year). --format json writes the statistics
contract documented in the README.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if year == 0 {
				return &nrm.Error{Code: nrm.EINVALID, Message: msg(env.lang(), "Angiv rapportåret med --year, fx --year 2011.", "Give the reporting year with --year, e.g. --year 2011.")}
			}
			q := nrm.StatsQuery{Year: year}
			if cutoff != "" {
				d, err := nrm.ParseDate(cutoff)
				if err != nil {
					return &nrm.Error{Code: nrm.EINVALID, Message: msg(env.lang(), "--cutoff skal være en dato ÅÅÅÅ-MM-DD, fx 2012-03-01.", "--cutoff must be a date YYYY-MM-DD, e.g. 2012-03-01.")}
				}
				q.Cutoff = d
			}
			if published && !cmd.Flags().Changed("k") {
				k = 3
			}
			ctx := systemCtx(cmd.Context())
			db, err := env.Open(ctx)
			if err != nil {
				return err
			}
			defer db.Close()
			s, err := db.Statistics(ctx, q)
			if err != nil {
				return err
			}
			w := env.Stdout
			if out != "" && out != "-" {
				f, err := os.OpenFile(out, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o644)
				if err != nil {
					return err
				}
				defer f.Close()
				w = f
			}
			o := reportOptions{year: year, cutoff: s.Cutoff, k: k, period: period}
			if format == "json" {
				if k > 1 {
					if render, ok := reportFormats["json-published"]; ok {
						return render(env, cmd, s, o, w)
					}
				}
				enc := json.NewEncoder(w)
				enc.SetIndent("", "  ")
				return enc.Encode(s)
			}
			render, ok := reportFormats[format]
			if !ok {
				return &nrm.Error{Code: nrm.EINVALID, Message: fmt.Sprintf(msg(env.lang(), "Ukendt format %q; forventet json, html, pdf, xlsx eller md.", "Unknown format %q; expected json, html, pdf, xlsx or md."), format)}
			}
			return render(env, cmd, s, o, w)
		},
	}
	cmd.Flags().IntVar(&year, "year", 0, "reporting year, e.g. 2011")
	cmd.Flags().StringVar(&cutoff, "cutoff", "", "cut-off date YYYY-MM-DD (default: 1 March of the following year)")
	cmd.Flags().StringVar(&format, "format", "json", "json, html, pdf, xlsx or md")
	cmd.Flags().StringVarP(&out, "output", "o", "", "output file (default: standard output)")
	cmd.Flags().IntVar(&k, "k", 0, "disclosure threshold: cells below k are shown as <k (0 = off)")
	cmd.Flags().BoolVar(&published, "published", false, "published report: disclosure control with k = 3 unless --k is given")
	cmd.Flags().StringVar(&period, "period", "", "action-plan status period to show (default: the latest)")
	return cmd
}
