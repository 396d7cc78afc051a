package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"nrm"
	"nrm/planio"
	"nrm/sqlstore"

	"github.com/spf13/cobra"
)

func init() {
	commands = append(commands, outputsCmd, fundingCmd, groupsCmd)
}

// readInput reads a named file, or standard input for "-".
func readInput(cmd *cobra.Command, name string) ([]byte, error) {
	if name == "-" {
		return io.ReadAll(io.LimitReader(cmd.InOrStdin(), planio.MaxFileSize+1))
	}
	return os.ReadFile(name)
}

func outputsCmd(env *Env) *cobra.Command {
	cmd := &cobra.Command{Use: "outputs", Short: "The outputs of the action plan's activities: list, add, import, export"}

	var asJSON bool
	list := &cobra.Command{
		Use:   "list PLAN",
		Short: "List a plan's outputs (courses, campaigns, publications, studies, study trips, international projects)",
		Args:  cobra.ExactArgs(1),
		RunE: env.withDB(func(cmd *cobra.Command, args []string, ctx context.Context, db *sqlstore.DB) error {
			outs, err := db.FindOutputs(ctx, args[0])
			if err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(env.Stdout)
				for _, o := range outs {
					if err := enc.Encode(o); err != nil {
						return err
					}
				}
				return nil
			}
			l := env.lang()
			w := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, msg(l, "ID\tAKTIVITET\tTYPE\tPERIODE\tORGANISATION\tANTAL\tDELTAGERE\tTITEL", "ID\tACTIVITY\tKIND\tPERIOD\tORGANISATION\tEVENTS\tPARTICIPANTS\tTITLE"))
			for _, o := range outs {
				period := o.Period
				if o.Until != "" && o.Until != o.Period {
					period += "–" + o.Until
				}
				title := o.TitleDA
				if l == nrm.LangEN && o.TitleEN != "" {
					title = o.TitleEN
				}
				fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%d\t%d\t%s\n", o.ID, o.Activity, o.Kind.Label(l), period, o.Org, o.Events, o.Participants, title)
			}
			return w.Flush()
		}),
	}
	list.Flags().BoolVar(&asJSON, "json", false, "print JSON lines")

	var o nrm.Output
	var kind, date string
	add := &cobra.Command{
		Use:   "add PLAN --activity CODE --kind KIND --title TEXT --period P [flags]",
		Short: "Add an output to an activity of a plan",
		Args:  cobra.ExactArgs(1),
		RunE: env.withDB(func(cmd *cobra.Command, args []string, ctx context.Context, db *sqlstore.DB) error {
			o.Kind = nrm.OutputKind(kind)
			d, fe := parseDateFlag("date", date)
			if err := flagErrors(fe); err != nil {
				return err
			}
			o.Date = d
			if err := db.AddOutput(ctx, args[0], &o); err != nil {
				return err
			}
			fmt.Fprintf(env.Stdout, msg(env.lang(), "Resultat %d tilføjet til aktivitet %s.\n", "Output %d added to activity %s.\n"), o.ID, o.Activity)
			return nil
		}),
	}
	f := add.Flags()
	f.StringVar(&o.Activity, "activity", "", "activity code, e.g. 2.1.3")
	f.StringVar(&kind, "kind", "", "kind: "+nrm.ExpectedCodes("output_kind"))
	f.StringVar(&o.TitleDA, "title", "", "title in Danish")
	f.StringVar(&o.TitleEN, "title-en", "", "title in English")
	f.StringVar(&o.Period, "period", "", "period it happened or started: YYYY, YYYY-MM, YYYY-Q1..Q4, YYYY-H1/H2, YYYY-spring or YYYY-autumn")
	f.StringVar(&o.Until, "until", "", "last period, for an output that ran longer")
	f.StringVar(&date, "date", "", "exact date, YYYY-MM-DD")
	f.StringVar(&o.Audience, "audience", "", "audience, e.g. sundhedspersonale")
	f.StringVar(&o.AudienceEN, "audience-en", "", "audience in English, e.g. health staff")
	f.IntVar(&o.Events, "events", 0, "number of courses, sessions or copies")
	f.IntVar(&o.Participants, "participants", 0, "participants trained or people reached")
	f.StringVar(&o.Org, "org", "", "code of the organisation that delivered it")
	f.StringVar(&o.Link, "link", "", "an http(s) address or a file reference")
	f.StringVar(&o.TextDA, "text", "", "description in Danish")
	f.StringVar(&o.TextEN, "text-en", "", "description in English")
	f.Float64Var(&o.AmountDKK, "amount", 0, "amount in kroner, e.g. a grant")

	var replace bool
	imp := &cobra.Command{
		Use:   "import PLAN FILE",
		Short: "Import outputs (and, from YAML, funding and the evaluation) from a YAML or CSV file (- for standard input as YAML), all or nothing",
		Args:  cobra.ExactArgs(2),
		RunE: env.withDB(func(cmd *cobra.Command, args []string, ctx context.Context, db *sqlstore.DB) error {
			data, err := readInput(cmd, args[1])
			if err != nil {
				return err
			}
			n, nf, eval, err := importOutputsFile(ctx, db, args[0], data, args[1], replace)
			if err != nil {
				return err
			}
			fmt.Fprintf(env.Stdout, msg(env.lang(), "%d resultater og %d bevillinger indlæst i %s.\n", "%d outputs and %d funding entries imported into %s.\n"), n, nf, args[0])
			if eval {
				fmt.Fprintf(env.Stdout, msg(env.lang(), "Evalueringen af %s er gemt.\n", "The evaluation of %s is saved.\n"), args[0])
			}
			return nil
		}),
	}
	imp.Flags().BoolVar(&replace, "replace", false, "replace the plan's outputs (and, with funding in the file, its funding) instead of adding")

	var format string
	exp := &cobra.Command{
		Use:   "export PLAN",
		Short: "Export a plan's outputs (YAML with its funding and evaluation, or CSV) to standard output",
		Args:  cobra.ExactArgs(1),
		RunE: env.withDB(func(cmd *cobra.Command, args []string, ctx context.Context, db *sqlstore.DB) error {
			outs, err := db.FindOutputs(ctx, args[0])
			if err != nil {
				return err
			}
			switch format {
			case "csv":
				return planio.WriteOutputsCSV(env.Stdout, outs)
			case "yaml":
				fs, err := db.FindFunding(ctx, args[0])
				if err != nil {
					return err
				}
				f := &planio.OutputsFile{Plan: args[0], Outputs: outs, Funding: fs}
				if f.Evaluation, err = db.FindEvaluation(ctx, args[0]); nrm.ErrorCode(err) == nrm.ENOTFOUND {
					f.Evaluation = nil
				} else if err != nil {
					return err
				}
				return planio.WriteOutputsYAML(env.Stdout, f)
			}
			return flagErrors(&nrm.FieldError{Field: "format", Rule: nrm.RuleOneOf, Value: format, Expected: "yaml, csv"})
		}),
	}
	exp.Flags().StringVar(&format, "format", "yaml", "yaml or csv")

	cmd.AddCommand(list, add, imp, exp)
	return cmd
}

// importOutputsFile reads outputs (and funding and the evaluation, from
// YAML) by the file's extension and stores them, each list all or
// nothing, the evaluation last; it returns how many outputs and funding
// entries were stored and whether an evaluation was.
func importOutputsFile(ctx context.Context, db *sqlstore.DB, plan string, data []byte, name string, replace bool) (int, int, bool, error) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".csv":
		outs, lines, err := planio.ReadOutputsCSVLines(bytes.NewReader(data))
		if err != nil {
			return 0, 0, false, err
		}
		return len(outs), 0, false, planio.LocateImportError(db.ImportOutputs(ctx, plan, outs, replace), lines)
	case ".yaml", ".yml", "":
		f, err := planio.ReadOutputsYAML(bytes.NewReader(data))
		if err != nil {
			return 0, 0, false, err
		}
		if f.Plan != "" && f.Plan != plan {
			return 0, 0, false, flagErrors(&nrm.FieldError{Field: "plan", Rule: nrm.RuleNotAllowed, Value: f.Plan, Expected: plan})
		}
		lines := append(append([]int{}, f.OutputLines...), f.FundingLines...)
		err = db.ImportPlanWork(ctx, plan, f.Outputs, f.Funding, replace, replace && len(f.Funding) > 0)
		if err := planio.LocateImportError(err, lines); err != nil {
			return 0, 0, false, err
		}
		if f.Evaluation != nil {
			if err := db.SaveEvaluation(ctx, plan, f.Evaluation); err != nil {
				return 0, 0, false, err
			}
		}
		return len(f.Outputs), len(f.Funding), f.Evaluation != nil, nil
	}
	return 0, 0, false, flagErrors(&nrm.FieldError{Field: "file", Rule: nrm.RuleFormat, Value: filepath.Ext(name), Expected: ".yaml, .yml or .csv"})
}

func fundingCmd(env *Env) *cobra.Command {
	cmd := &cobra.Command{Use: "funding", Short: "Funding of the action plan's activities per year and funding line: list, set"}
	list := &cobra.Command{
		Use:   "list PLAN",
		Short: "List a plan's funding: allocated and spent per activity, year and funding line",
		Args:  cobra.ExactArgs(1),
		RunE: env.withDB(func(cmd *cobra.Command, args []string, ctx context.Context, db *sqlstore.DB) error {
			fs, err := db.FindFunding(ctx, args[0])
			if err != nil {
				return err
			}
			l := env.lang()
			w := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
			fmt.Fprintln(w, msg(l, "AKTIVITET\tÅR\tBEVILLINGSLINJE\tBEVILGET\tFORBRUGT\t", "ACTIVITY\tYEAR\tFUNDING LINE\tALLOCATED\tSPENT\t"))
			for _, f := range fs {
				fmt.Fprintf(w, "%s\t%d\t%s\t%.0f\t%.0f\t\n", f.Activity, f.Year, f.Line, f.AllocatedDKK, f.SpentDKK)
			}
			return w.Flush()
		}),
	}
	var f nrm.ActivityFunding
	set := &cobra.Command{
		Use:   "set PLAN --activity CODE --year YYYY --line LINE --allocated KR [--spent KR]",
		Short: "Set the allocation and spending of an activity for a year and funding line",
		Args:  cobra.ExactArgs(1),
		RunE: env.withDB(func(cmd *cobra.Command, args []string, ctx context.Context, db *sqlstore.DB) error {
			if err := db.PutFunding(ctx, args[0], f); err != nil {
				return err
			}
			fmt.Fprintln(env.Stdout, msg(env.lang(), "Bevilling gemt.", "Funding saved."))
			return nil
		}),
	}
	fl := set.Flags()
	fl.StringVar(&f.Activity, "activity", "", "activity code, e.g. 2.1.3")
	fl.IntVar(&f.Year, "year", 0, "year")
	fl.StringVar(&f.Line, "line", "", "funding line, e.g. satspulje, bistand, politiet")
	fl.Float64Var(&f.AllocatedDKK, "allocated", 0, "allocated, in kroner")
	fl.Float64Var(&f.SpentDKK, "spent", 0, "spent, in kroner")
	fl.StringVar(&f.Note, "note", "", "note")
	cmd.AddCommand(list, set)
	return cmd
}

func groupsCmd(env *Env) *cobra.Command {
	cmd := &cobra.Command{Use: "groups", Short: "Working groups of the action plan (inter-ministerial, thematic, follow-up): list, import, export, meeting"}
	list := &cobra.Command{
		Use:   "list",
		Short: "List the working groups with their chair, members, meetings and open actions",
		Args:  cobra.NoArgs,
		RunE: env.withDB(func(cmd *cobra.Command, args []string, ctx context.Context, db *sqlstore.DB) error {
			gs, err := db.FindWorkGroups(ctx)
			if err != nil {
				return err
			}
			l := env.lang()
			w := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, msg(l, "KODE\tTYPE\tFORMAND\tMEDLEMMER\tMØDER\tÅBNE HANDLINGER\tNAVN", "CODE\tKIND\tCHAIR\tMEMBERS\tMEETINGS\tOPEN ACTIONS\tNAME"))
			for _, g := range gs {
				open := 0
				for _, a := range g.Actions {
					if !a.Done {
						open++
					}
				}
				name := g.NameDA
				if l == nrm.LangEN && g.NameEN != "" {
					name = g.NameEN
				}
				fmt.Fprintf(w, "%s\t%s\t%s\t%d\t%d\t%d\t%s\n", g.Code, g.Kind.Label(l), g.Chair, len(g.Members), len(g.Meetings), open, name)
			}
			return w.Flush()
		}),
	}
	imp := &cobra.Command{
		Use:   "import FILE",
		Short: "Create or replace working groups from a YAML file (- for standard input)",
		Args:  cobra.ExactArgs(1),
		RunE: env.withDB(func(cmd *cobra.Command, args []string, ctx context.Context, db *sqlstore.DB) error {
			data, err := readInput(cmd, args[0])
			if err != nil {
				return err
			}
			gs, err := planio.ReadWorkGroupsYAML(bytes.NewReader(data))
			if err != nil {
				return err
			}
			for _, g := range gs {
				if err := db.SaveWorkGroup(ctx, g); err != nil {
					return err
				}
			}
			fmt.Fprintf(env.Stdout, msg(env.lang(), "%d arbejdsgrupper indlæst.\n", "%d working groups imported.\n"), len(gs))
			return nil
		}),
	}
	exp := &cobra.Command{
		Use:   "export",
		Short: "Export the working groups as YAML to standard output",
		Args:  cobra.NoArgs,
		RunE: env.withDB(func(cmd *cobra.Command, args []string, ctx context.Context, db *sqlstore.DB) error {
			gs, err := db.FindWorkGroups(ctx)
			if err != nil {
				return err
			}
			return planio.WriteWorkGroupsYAML(env.Stdout, gs)
		}),
	}
	var date string
	var m nrm.GroupMeeting
	meeting := &cobra.Command{
		Use:   "meeting GROUP --date YYYY-MM-DD [--minutes TEXT]",
		Short: "Record a meeting of a working group with its minutes",
		Args:  cobra.ExactArgs(1),
		RunE: env.withDB(func(cmd *cobra.Command, args []string, ctx context.Context, db *sqlstore.DB) error {
			d, fe := parseDateFlag("meeting.date", date)
			if err := flagErrors(fe); err != nil {
				return err
			}
			m.Date = d
			if err := db.AddGroupMeeting(ctx, args[0], m); err != nil {
				return err
			}
			fmt.Fprintln(env.Stdout, msg(env.lang(), "Mødet er registreret.", "The meeting has been recorded."))
			return nil
		}),
	}
	meeting.Flags().StringVar(&date, "date", "", "meeting date, YYYY-MM-DD")
	meeting.Flags().StringVar(&m.MinutesDA, "minutes", "", "minutes in Danish")
	meeting.Flags().StringVar(&m.MinutesEN, "minutes-en", "", "minutes in English")
	cmd.AddCommand(list, imp, exp, meeting)
	return cmd
}
