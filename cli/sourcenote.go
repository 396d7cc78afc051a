package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"strconv"
	"text/tabwriter"

	"nrm"
	demoplan "nrm/demo/plan"
	"nrm/report"
	"nrm/sqlstore"

	"github.com/spf13/cobra"
	"gopkg.in/yaml.v3"
)

func init() {
	commands = append(commands, sourceNoteCmd, screeningCmd)
}

// narrativeInput adds what the narrative needs beyond the statistics when
// the report's source has it: the earlier years and shelter providers,
// the sources' notes and the screening figures of the year.
func narrativeInput(ctx context.Context, src any, s *nrm.Stats, in *report.Input) error {
	if f, ok := src.(nrm.NarrativeService); ok {
		facts, err := f.NarrativeFacts(ctx, nrm.StatsQuery{Year: s.Year, Cutoff: s.Cutoff, Org: s.Organisation})
		if err != nil {
			return err
		}
		in.Facts = facts
	}
	if n, ok := src.(nrm.SourceNoteService); ok {
		var err error
		if in.SourceNotes, err = n.FindSourceNotes(ctx, s.Year); err != nil {
			return err
		}
		if in.Screenings, err = n.FindScreenings(ctx, s.Year); err != nil {
			return err
		}
	}
	return nil
}

// yearArg reads a YEAR argument as a field error.
func yearArg(v string) (int, error) {
	y, err := strconv.Atoi(v)
	if err != nil || y < 1900 || y > 2200 {
		return 0, flagErrors(&nrm.FieldError{Field: "year", Rule: nrm.RuleRange, Value: v, Expected: "a year between 1900 and 2200"})
	}
	return y, nil
}

func sourceNoteCmd(env *Env) *cobra.Command {
	cmd := &cobra.Command{Use: "sourcenote", Short: "What a source says about a section of a year's statistics: list, set, delete"}

	var year int
	var asJSON bool
	list := &cobra.Command{
		Use:   "list",
		Short: "List the source notes (of one year with --year)",
		Args:  cobra.NoArgs,
		RunE: env.withDB(func(cmd *cobra.Command, args []string, ctx context.Context, db *sqlstore.DB) error {
			notes, err := db.FindSourceNotes(ctx, year)
			if err != nil {
				return err
			}
			if asJSON {
				return json.NewEncoder(env.Stdout).Encode(notes)
			}
			l := env.lang()
			for _, n := range notes {
				attr := ""
				if n.Attributed {
					attr = " (" + nrm.FieldLabel("attributed", l) + ")"
				}
				fmt.Fprintf(env.Stdout, "%d  %s  %s%s\n%s\n\n", n.Year, nrm.Label("section", string(n.Section), l), n.Org, attr, n.Text(l))
			}
			return nil
		}),
	}
	list.Flags().IntVar(&year, "year", 0, "only this year")
	list.Flags().BoolVar(&asJSON, "json", false, "print JSON")

	var n nrm.SourceNote
	var section string
	set := &cobra.Command{
		Use:   "set YEAR --section S --org ORG --text TEXT [--text-en TEXT] [--attributed]",
		Short: "Register or replace a source's note on a section of a year's statistics (coordinating ministry)",
		Args:  cobra.ExactArgs(1),
		RunE: env.withDB(func(cmd *cobra.Command, args []string, ctx context.Context, db *sqlstore.DB) error {
			y, err := yearArg(args[0])
			if err != nil {
				return err
			}
			n.Year, n.Section = y, nrm.StatsSection(section)
			if err := db.SaveSourceNote(ctx, &n); err != nil {
				return err
			}
			fmt.Fprintf(env.Stdout, msg(env.lang(), "Kildenoten for %d (%s, %s) er gemt.\n", "The source note for %d (%s, %s) is saved.\n"), n.Year, n.Section, n.Org)
			return nil
		}),
	}
	f := set.Flags()
	f.StringVar(&section, "section", "", "the statistics section: identifications, contact_form, nationality, exploitation, age, minors, shelter, private_housing, returns, prosecution")
	f.StringVar(&n.Org, "org", "", "the source's organisation code")
	f.StringVar(&n.TextDA, "text", "", "the note in Danish (paragraphs separated by blank lines)")
	f.StringVar(&n.TextEN, "text-en", "", "the note in English")
	f.BoolVar(&n.Attributed, "attributed", false, "the section's figures are reported by the source")

	var delSection, delOrg string
	del := &cobra.Command{
		Use:   "delete YEAR --section S --org ORG",
		Short: "Delete a source note",
		Args:  cobra.ExactArgs(1),
		RunE: env.withDB(func(cmd *cobra.Command, args []string, ctx context.Context, db *sqlstore.DB) error {
			y, err := yearArg(args[0])
			if err != nil {
				return err
			}
			if err := db.DeleteSourceNote(ctx, y, nrm.StatsSection(delSection), delOrg); err != nil {
				return err
			}
			fmt.Fprint(env.Stdout, msg(env.lang(), "Kildenoten er slettet.\n", "The source note is deleted.\n"))
			return nil
		}),
	}
	del.Flags().StringVar(&delSection, "section", "", "the statistics section")
	del.Flags().StringVar(&delOrg, "org", "", "the source's organisation code")
	cmd.AddCommand(list, set, del)
	return cmd
}

func screeningCmd(env *Env) *cobra.Command {
	cmd := &cobra.Command{Use: "screening", Short: "Persons interviewed or screened for signs of trafficking per organisation and year: list, set, delete"}

	var year int
	var asJSON bool
	list := &cobra.Command{
		Use:   "list",
		Short: "List the screening figures (of one year with --year)",
		Args:  cobra.NoArgs,
		RunE: env.withDB(func(cmd *cobra.Command, args []string, ctx context.Context, db *sqlstore.DB) error {
			rows, err := db.FindScreenings(ctx, year)
			if err != nil {
				return err
			}
			if asJSON {
				return json.NewEncoder(env.Stdout).Encode(rows)
			}
			l := env.lang()
			w := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, msg(l, "ÅR\tORGANISATION\tART\tMÅLGRUPPE\tPERSONER", "YEAR\tORGANISATION\tKIND\tGROUP\tPERSONS"))
			for _, s := range rows {
				fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%d\n", s.Year, s.Org, nrm.Label("screening_kind", string(s.Kind), l), nrm.Label("target_group", string(s.Group), l), s.Persons)
			}
			return w.Flush()
		}),
	}
	list.Flags().IntVar(&year, "year", 0, "only this year")
	list.Flags().BoolVar(&asJSON, "json", false, "print JSON")

	var s nrm.Screening
	var kind, group string
	set := &cobra.Command{
		Use:   "set YEAR --org ORG --kind interview|screening --group minors|adults|all --persons N",
		Short: "Register or replace how many persons an organisation interviewed or screened in a year (coordinating ministry)",
		Args:  cobra.ExactArgs(1),
		RunE: env.withDB(func(cmd *cobra.Command, args []string, ctx context.Context, db *sqlstore.DB) error {
			y, err := yearArg(args[0])
			if err != nil {
				return err
			}
			s.Year, s.Kind, s.Group = y, nrm.ScreeningKind(kind), nrm.ScreeningGroup(group)
			if err := db.SaveScreening(ctx, &s); err != nil {
				return err
			}
			fmt.Fprintf(env.Stdout, msg(env.lang(), "Screeningstallet for %d (%s) er gemt.\n", "The screening figure for %d (%s) is saved.\n"), s.Year, s.Org)
			return nil
		}),
	}
	f := set.Flags()
	f.StringVar(&s.Org, "org", "", "the organisation's code")
	f.StringVar(&kind, "kind", "", "interview or screening")
	f.StringVar(&group, "group", "", "minors, adults or all")
	f.IntVar(&s.Persons, "persons", 0, "the number of persons")

	var dOrg, dKind, dGroup string
	del := &cobra.Command{
		Use:   "delete YEAR --org ORG --kind K --group G",
		Short: "Delete a screening figure",
		Args:  cobra.ExactArgs(1),
		RunE: env.withDB(func(cmd *cobra.Command, args []string, ctx context.Context, db *sqlstore.DB) error {
			y, err := yearArg(args[0])
			if err != nil {
				return err
			}
			if err := db.DeleteScreening(ctx, y, dOrg, nrm.ScreeningKind(dKind), nrm.ScreeningGroup(dGroup)); err != nil {
				return err
			}
			fmt.Fprint(env.Stdout, msg(env.lang(), "Screeningstallet er slettet.\n", "The screening figure is deleted.\n"))
			return nil
		}),
	}
	del.Flags().StringVar(&dOrg, "org", "", "the organisation's code")
	del.Flags().StringVar(&dKind, "kind", "", "interview or screening")
	del.Flags().StringVar(&dGroup, "group", "", "minors, adults or all")
	cmd.AddCommand(list, set, del)
	return cmd
}

// statsNotesFile is the YAML form of source notes and screening figures
// (demo/plan/statsnotes_2011.yaml).
type statsNotesFile struct {
	SourceNotes []*nrm.SourceNote `yaml:"source_notes"`
	Screenings  []*nrm.Screening  `yaml:"screenings"`
}

// loadDemoStatsNotes loads the demo's source notes and screening figures
// when the database has none, so that a second load keeps edits made
// since; it returns how many the demo holds.
func loadDemoStatsNotes(ctx context.Context, db *sqlstore.DB) (notes, screenings int, err error) {
	b, err := fs.ReadFile(demoplan.FS, "statsnotes_2011.yaml")
	if err != nil {
		return 0, 0, err
	}
	var f statsNotesFile
	if err := yaml.Unmarshal(b, &f); err != nil {
		return 0, 0, fmt.Errorf("statsnotes_2011.yaml: %w", err)
	}
	have, err := db.FindSourceNotes(ctx, 0)
	if err != nil {
		return 0, 0, err
	}
	if len(have) == 0 {
		for _, n := range f.SourceNotes {
			if err := db.SaveSourceNote(ctx, n); err != nil {
				return 0, 0, err
			}
		}
	}
	haveS, err := db.FindScreenings(ctx, 0)
	if err != nil {
		return 0, 0, err
	}
	if len(haveS) == 0 {
		for _, s := range f.Screenings {
			if err := db.SaveScreening(ctx, s); err != nil {
				return 0, 0, err
			}
		}
	}
	return len(f.SourceNotes), len(f.Screenings), nil
}

func init() {
	for w, da := range map[string]string{"YEAR": "ÅR", "S": "A", "N": "N", "K": "K", "G": "G"} {
		if _, ok := useWordsDA[w]; !ok {
			useWordsDA[w] = da
		}
	}
	for path, h := range map[string]helpText{
		"nrm sourcenote": {short: "Hvad en kilde oplyser om et afsnit af årets statistik: list, set, delete"},
		"nrm sourcenote list": {short: "Vis kildenoterne (for ét år med --year)",
			flags: map[string]string{"year": "kun dette år", "json": "skriv JSON"}},
		"nrm sourcenote set": {short: "Registrér eller erstat en kildes note til et afsnit af årets statistik (det koordinerende ministerium)",
			flags: map[string]string{
				"section":    "statistikkens afsnit: identifications, contact_form, nationality, exploitation, age, minors, shelter, private_housing, returns, prosecution",
				"org":        "kildens organisationskode",
				"text":       "noten på dansk (afsnit adskilt af tomme linjer)",
				"text-en":    "noten på engelsk",
				"attributed": "afsnittets tal er oplyst af kilden",
			}},
		"nrm sourcenote delete": {short: "Slet en kildenote",
			flags: map[string]string{"section": "statistikkens afsnit", "org": "kildens organisationskode"}},
		"nrm screening": {short: "Personer interviewet eller screenet for tegn på menneskehandel pr. organisation og år: list, set, delete"},
		"nrm screening list": {short: "Vis screeningstallene (for ét år med --year)",
			flags: map[string]string{"year": "kun dette år", "json": "skriv JSON"}},
		"nrm screening set": {short: "Registrér eller erstat, hvor mange personer en organisation har interviewet eller screenet i et år (det koordinerende ministerium)",
			flags: map[string]string{
				"org":     "organisationens kode",
				"kind":    "interview eller screening",
				"group":   "minors (mindreårige), adults (voksne) eller all (alle)",
				"persons": "antallet af personer",
			}},
		"nrm screening delete": {short: "Slet et screeningstal",
			flags: map[string]string{"org": "organisationens kode", "kind": "interview eller screening", "group": "minors, adults eller all"}},
	} {
		helpDA[path] = h
	}
}
