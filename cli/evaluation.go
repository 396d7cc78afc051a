package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"text/tabwriter"

	"nrm"
	"nrm/sqlstore"

	"github.com/spf13/cobra"
)

func init() {
	commands = append(commands, evaluationCmd, outreachCmd)
}

func evaluationCmd(env *Env) *cobra.Command {
	cmd := &cobra.Command{Use: "evaluation", Short: "The external evaluation of an action plan at its end: show, set, delete"}

	var asJSON bool
	show := &cobra.Command{
		Use:   "show PLAN",
		Short: "Show a plan's evaluation: evaluator, date, findings, recommendations and the report's link",
		Args:  cobra.ExactArgs(1),
		RunE: env.withDB(func(cmd *cobra.Command, args []string, ctx context.Context, db *sqlstore.DB) error {
			e, err := db.FindEvaluation(ctx, args[0])
			if err != nil {
				return err
			}
			if asJSON {
				return json.NewEncoder(env.Stdout).Encode(e)
			}
			l := env.lang()
			pick := func(da, en string) string {
				if l == nrm.LangEN && en != "" {
					return en
				}
				return da
			}
			fmt.Fprintf(env.Stdout, "%s: %s\n%s: %s\n\n%s\n", nrm.FieldLabel("evaluator", l), e.Evaluator, nrm.FieldLabel("date", l), e.Date, pick(e.SummaryDA, e.SummaryEN))
			if len(e.Recommendations) > 0 {
				fmt.Fprintf(env.Stdout, "\n%s:\n", nrm.FieldLabel("recommendations", l))
				for i, r := range e.Recommendations {
					fmt.Fprintf(env.Stdout, "%d. %s\n", i+1, pick(r.TextDA, r.TextEN))
				}
			}
			if e.Link != "" {
				fmt.Fprintf(env.Stdout, "\n%s: %s\n", nrm.FieldLabel("link", l), e.Link)
			}
			return nil
		}),
	}
	show.Flags().BoolVar(&asJSON, "json", false, "print JSON")

	var e nrm.PlanEvaluation
	var date string
	var recsDA, recsEN []string
	set := &cobra.Command{
		Use:   "set PLAN --evaluator NAME --date YYYY-MM-DD --summary TEXT [flags]",
		Short: "Register or replace a plan's evaluation (coordinating ministry)",
		Args:  cobra.ExactArgs(1),
		RunE: env.withDB(func(cmd *cobra.Command, args []string, ctx context.Context, db *sqlstore.DB) error {
			var fes []*nrm.FieldError
			if date != "" {
				d, fe := parseDateFlag("date", date)
				fes = append(fes, fe)
				e.Date = d
			}
			if len(recsEN) > 0 && len(recsEN) != len(recsDA) {
				fes = append(fes, &nrm.FieldError{Field: "recommendations_en", Rule: nrm.RuleRange, Value: fmt.Sprint(len(recsEN)),
					Expected: fmt.Sprintf("one English line per Danish recommendation (%d), or none", len(recsDA))})
			}
			if err := flagErrors(fes...); err != nil {
				return err
			}
			e.Recommendations = nil
			for i, t := range recsDA {
				r := nrm.Recommendation{TextDA: t}
				if len(recsEN) == len(recsDA) {
					r.TextEN = recsEN[i]
				}
				e.Recommendations = append(e.Recommendations, r)
			}
			if err := db.SaveEvaluation(ctx, args[0], &e); err != nil {
				return err
			}
			fmt.Fprintf(env.Stdout, msg(env.lang(), "Evalueringen af %s er gemt.\n", "The evaluation of %s is saved.\n"), args[0])
			return nil
		}),
	}
	f := set.Flags()
	f.StringVar(&e.Evaluator, "evaluator", "", "who evaluated the plan")
	f.StringVar(&date, "date", "", "date of the evaluation, YYYY-MM-DD")
	f.StringVar(&e.SummaryDA, "summary", "", "findings in Danish")
	f.StringVar(&e.SummaryEN, "summary-en", "", "findings in English")
	f.StringArrayVar(&recsDA, "recommendation", nil, "a recommendation in Danish (repeatable)")
	f.StringArrayVar(&recsEN, "recommendation-en", nil, "the same recommendation in English (repeatable, in the same order)")
	f.StringVar(&e.Link, "link", "", "the evaluation report: an http(s) address or a file reference")

	del := &cobra.Command{
		Use:   "delete PLAN",
		Short: "Delete a plan's evaluation",
		Args:  cobra.ExactArgs(1),
		RunE: env.withDB(func(cmd *cobra.Command, args []string, ctx context.Context, db *sqlstore.DB) error {
			if err := db.DeleteEvaluation(ctx, args[0]); err != nil {
				return err
			}
			fmt.Fprintf(env.Stdout, msg(env.lang(), "Evalueringen af %s er slettet.\n", "The evaluation of %s is deleted.\n"), args[0])
			return nil
		}),
	}
	cmd.AddCommand(show, set, del)
	return cmd
}

func outreachCmd(env *Env) *cobra.Command {
	cmd := &cobra.Command{Use: "outreach", Short: "The outreach services' visits per year with the change against the year before: list, set"}

	var asJSON bool
	list := &cobra.Command{
		Use:   "list",
		Short: "List each outreach service's visits per year, the change against the year before and the trend",
		Args:  cobra.NoArgs,
		RunE: env.withDB(func(cmd *cobra.Command, args []string, ctx context.Context, db *sqlstore.DB) error {
			services, err := db.FindOutreachServices(ctx)
			if err != nil {
				return err
			}
			stats, err := db.FindOutreachStats(ctx, "")
			if err != nil {
				return err
			}
			years := nrm.OutreachYears(stats)
			if asJSON {
				enc := json.NewEncoder(env.Stdout)
				for _, y := range years {
					if err := enc.Encode(y); err != nil {
						return err
					}
				}
				return nil
			}
			l := env.lang()
			w := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, msg(l, "TILBUD\tÅR\tBESØG\tKONSULTATIONER\tÆNDRING\tUDVIKLING", "SERVICE\tYEAR\tVISITS\tCONSULTATIONS\tCHANGE\tTREND"))
			for _, svc := range services {
				name := svc.NameDA
				if l == nrm.LangEN && svc.NameEN != "" {
					name = svc.NameEN
				}
				for _, y := range years {
					if y.Service != svc.Code {
						continue
					}
					visits := fmt.Sprint(y.Visits)
					if y.Partial {
						visits += "*"
					}
					change, trend := "–", "–"
					if y.Trend != nrm.TrendNone {
						change = fmt.Sprintf("%+d (%+d %%)", y.Change, int(math.Round(y.ChangePct)))
						trend = y.Trend.Label(l)
					}
					fmt.Fprintf(w, "%s\t%d\t%s\t%d\t%s\t%s\n", name, y.Year, visits, y.Consultations, change, trend)
				}
			}
			if err := w.Flush(); err != nil {
				return err
			}
			for _, y := range years {
				if y.Partial {
					fmt.Fprintln(env.Stdout, msg(l, "* opgjort for en del af året", "* counted for part of the year"))
					break
				}
			}
			return nil
		}),
	}
	list.Flags().BoolVar(&asJSON, "json", false, "print JSON lines")

	var st nrm.OutreachStat
	set := &cobra.Command{
		Use:   "set SERVICE PERIOD --visits N [--consultations N]",
		Short: "Register (or correct) an outreach service's visits for a period",
		Args:  cobra.ExactArgs(2),
		RunE: env.withDB(func(cmd *cobra.Command, args []string, ctx context.Context, db *sqlstore.DB) error {
			st.ServiceCode, st.Period = args[0], args[1]
			if err := db.SaveOutreachStat(ctx, &st); err != nil {
				return err
			}
			fmt.Fprintf(env.Stdout, msg(env.lang(), "Besøgstal for %s i %s gemt.\n", "Visits of %s in %s saved.\n"), st.ServiceCode, st.Period)
			return nil
		}),
	}
	set.Flags().IntVar(&st.Visits, "visits", 0, "number of visits")
	set.Flags().IntVar(&st.Consultations, "consultations", 0, "number of health or counselling consultations")
	cmd.AddCommand(list, set)
	return cmd
}
