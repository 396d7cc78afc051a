package cli

import (
	"context"
	"encoding/csv"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"nrm"
	"nrm/sqlstore"
	"nrm/web"
)

func init() {
	helpDA["nrm case list"] = helpText{
		short: "List sager med filtre og sortering, eller hent listen som CSV (logges)",
		long: `Lister sagerne med statistiske oplysninger (aldrig identifikationsoplysninger),
sorteret og filtreret som sagslisten på nettet. Med --csv skrives alle sager, der
matcher, som CSV i samme form som listens eksport; eksporten logges med filter og
antal rækker. Kommandolinjen eksporterer aldrig navne.`,
		flags: map[string]string{
			"owner":              "kun sager ejet af organisationen (kode)",
			"minors":             "kun mindreårige (under 18 i år ud fra fødselsåret)",
			"open-stay":          "kun sager med et igangværende ophold",
			"deadline-within":    "kun sager, hvis refleksionsfrist udløber inden for så mange dage",
			"first-contact-from": "første kontakt fra og med ÅÅÅÅ-MM-DD",
			"first-contact-to":   "første kontakt til og med ÅÅÅÅ-MM-DD",
			"identified-from":    "identificeret fra og med ÅÅÅÅ-MM-DD",
			"identified-to":      "identificeret til og med ÅÅÅÅ-MM-DD",
			"sort":               "sortér efter: " + strings.Join(nrm.CaseSortKeys, ", "),
			"desc":               "sortér faldende",
			"limit":              "højst så mange sager (1–500; ikke med --csv)",
			"csv":                "skriv alle sager, der matcher, som CSV (logges)",
		},
	}
}

// caseListCmd is `nrm case list`: the web's case list on the command
// line, and its CSV export.
func caseListCmd(env *Env) *cobra.Command {
	var owner, sortKey, fcFrom, fcTo, idFrom, idTo string
	var minors, openStay, desc, asCSV bool
	var within, limit int
	cmd := &cobra.Command{
		Use:   "list [--owner ORG] [--minors] [--open-stay] [--deadline-within N] [--sort KEY [--desc]] [--csv]",
		Short: "List cases with filters and sorting, or export the list as CSV (audited)",
		Long: `List the cases with their statistical attributes (never identifiers), sorted and
filtered as the web's case list. With --csv every matching case is written as CSV,
in the form of the list's export; the export is audited with its filter and row
count. The command line never exports names.`,
		Args: cobra.NoArgs,
		RunE: env.caseRun(func(cmd *cobra.Command, args []string, ctx context.Context, db *sqlstore.DB) error {
			l := env.lang()
			f := nrm.CaseFilter{OwnerOrg: owner, Minors: minors, OpenStay: openStay, DeadlineWithin: within, Desc: desc,
				Today: nrm.DateOf(time.Now().UTC()), Limit: limit}
			var fes []nrm.FieldError
			date := func(flag, v string, d *nrm.Date) {
				if v == "" {
					return
				}
				var err error
				if *d, err = nrm.ParseDate(v); err != nil {
					fes = append(fes, nrm.FieldError{Field: flag, Rule: nrm.RuleFormat, Value: v, Expected: "YYYY-MM-DD"})
				}
			}
			date("first-contact-from", fcFrom, &f.FirstContactFrom)
			date("first-contact-to", fcTo, &f.FirstContactTo)
			date("identified-from", idFrom, &f.IdentifiedFrom)
			date("identified-to", idTo, &f.IdentifiedTo)
			if sortKey != "" && !slices.Contains(nrm.CaseSortKeys, sortKey) {
				fes = append(fes, nrm.FieldError{Field: "sort", Rule: nrm.RuleOneOf, Value: sortKey, Expected: strings.Join(nrm.CaseSortKeys, ", ")})
			}
			f.Sort = sortKey
			if sortKey == "" {
				f.Sort, f.Desc = nrm.SortUpdated, true
			}
			if within < 0 || within > 3650 {
				fes = append(fes, nrm.FieldError{Field: "deadline-within", Rule: nrm.RuleRange, Value: strconv.Itoa(within), Expected: "a whole number 1–3650"})
			}
			if limit < 1 || limit > 500 {
				fes = append(fes, nrm.FieldError{Field: "limit", Rule: nrm.RuleRange, Value: strconv.Itoa(limit), Expected: "1 to 500"})
			}
			if len(fes) > 0 {
				return &nrm.Error{Code: nrm.EINVALID, Message: "The form has invalid fields.", Fields: fes}
			}
			if asCSV {
				w := csv.NewWriter(env.Stdout)
				if err := w.Write(web.CaseCSVHeader); err != nil {
					return err
				}
				if _, err := db.ExportCaseList(ctx, f, false, func(r *sqlstore.CaseExportRow) error {
					return w.Write(web.CaseCSVRecord(r, f.Today, false))
				}); err != nil {
					return err
				}
				w.Flush()
				return w.Error()
			}
			list, total, err := db.FindCases(ctx, f)
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, strings.Join([]string{nrm.FieldLabel("case_ref", l), nrm.FieldLabel("owner_org", l), msg(l, "Alder i år", "Age this year"),
				msg(l, "Første kontakt", "First contact"), msg(l, "Identificeret", "Identified"), nrm.FieldLabel("assessment_outcome", l)}, "\t"))
			dash := func(s string) string {
				if s == "" {
					return "-"
				}
				return s
			}
			for _, s := range list {
				age := "-"
				if a := nrm.AgeIn(s.BirthYear, f.Today); a >= 0 {
					age = strconv.Itoa(a)
					if nrm.Minor(s.BirthYear, f.Today) {
						age += " " + msg(l, "(mindreårig)", "(minor)")
					}
				}
				outcome := "-"
				if s.LatestOutcome != "" {
					outcome = nrm.Label("assessment_outcome", string(s.LatestOutcome), l)
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", s.Ref, s.OwnerOrg, age, dash(s.FirstContact.String()), dash(s.IdentifiedOn.String()), outcome)
			}
			tw.Flush()
			fmt.Fprintf(env.Stdout, msg(l, "%d af %d sager\n", "%d of %d cases\n"), len(list), total)
			return nil
		}),
	}
	fl := cmd.Flags()
	fl.StringVar(&owner, "owner", "", "only the cases owned by this organisation (code)")
	fl.BoolVar(&minors, "minors", false, "only minors (under 18 this year by the birth year)")
	fl.BoolVar(&openStay, "open-stay", false, "only the cases with an ongoing stay")
	fl.IntVar(&within, "deadline-within", 0, "only the cases whose reflection period ends within this many days")
	fl.StringVar(&fcFrom, "first-contact-from", "", "first contact on or after YYYY-MM-DD")
	fl.StringVar(&fcTo, "first-contact-to", "", "first contact on or before YYYY-MM-DD")
	fl.StringVar(&idFrom, "identified-from", "", "identified on or after YYYY-MM-DD")
	fl.StringVar(&idTo, "identified-to", "", "identified on or before YYYY-MM-DD")
	fl.StringVar(&sortKey, "sort", "", "sort by: "+strings.Join(nrm.CaseSortKeys, ", "))
	fl.BoolVar(&desc, "desc", false, "sort descending")
	fl.IntVar(&limit, "limit", 50, "at most this many cases (1–500; not with --csv)")
	fl.BoolVar(&asCSV, "csv", false, "write every matching case as CSV (audited)")
	return cmd
}
