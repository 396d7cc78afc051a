package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"text/tabwriter"
	"time"

	"nrm"
	"nrm/sqlstore"

	"github.com/spf13/cobra"
)

func init() {
	commands = append(commands, searchCmd)
	// "nrm case merge" belongs to the case command, built in case.go:
	// wrap every constructor registered so far and add it to that one.
	for i, mk := range commands {
		commands[i] = func(env *Env) *cobra.Command {
			c := mk(env)
			if c.Name() == "case" {
				c.AddCommand(caseMergeCmd(env))
			}
			return c
		}
	}
	useWordsDA["KEEP_REF"] = "BEHOLD_SAGSREF"
	useWordsDA["OTHER_REF"] = "ANDEN_SAGSREF"
	helpDA["nrm search"] = helpText{
		short: "Søg efter en person på navn, fødselsdato, dokumentnummer eller telefonnummer",
		long: `Søger blandt alle sager (kommandolinjen arbejder som systemet) gennem det nøglede
søgeindeks: navne og andre navne (hele ord; store og små bogstaver og accenter er
ligegyldige), fødselsdato, dokumentnummer (kun bogstaver og cifre tæller) og
telefonnummer (kun cifre; et 8-cifret nummer uden landekode læses som dansk). Alle
angivne kriterier skal passe. Viser sagernes reference og statistiske oplysninger,
aldrig identifikationsoplysninger. Søgningen logges med, hvilke kriterier der blev
brugt, og antallet af fund, aldrig de søgte værdier. Bemærk, at værdier på
kommandolinjen kan gemmes i skallens historik.`,
		flags: map[string]string{
			"name":       "navn eller andet navn (hele ord)",
			"birth-date": "fødselsdato, ÅÅÅÅ-MM-DD",
			"document":   "dokumentnummer",
			"phone":      "telefonnummer",
			"json":       "skriv fundene som JSON",
		},
	}
	helpDA["nrm case merge"] = helpText{
		short: "Læg to sager om samme person sammen (den anden sag slettes)",
		long: `Flytter den anden sags oplysninger (kontakter, vurderinger, perioder, ophold, tilbud,
registreringer af udtræden, genoptagelser, samtykker, henvisninger, andre navne og dokumentnumre) til
den første sag og sletter den anden sag, i én transaktion, der logges med begge
referencer. Statistikken tæller derefter personen én gang. Sager med oplysninger, der
ikke begge kan være sande om én person (fx forskelligt køn, fødselsår, fødselsdato
eller nationalitet), lægges ikke sammen.`,
	}
}

func searchCmd(env *Env) *cobra.Command {
	var q nrm.SearchQuery
	var birth string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "search [--name TEXT] [--birth-date YYYY-MM-DD] [--document TEXT] [--phone TEXT] [--json]",
		Short: "Find a person by name, birth date, document number or phone number",
		Long: `Search every case (the command line works as the system) through the keyed search
index: names and aliases (whole words; case and accents do not matter), birth date,
document number (letters and digits only count) and phone number (digits only; an
8-digit number without a country code is read as Danish). Every criterion given must
match. Shows the cases' references and statistical attributes, never identifiers.
The search is audited with the kinds of criteria and the number of hits, never the
values searched for. Note that values on a command line may be kept in the shell's
history.`,
		Args: cobra.NoArgs,
		RunE: env.withDB(func(cmd *cobra.Command, args []string, ctx context.Context, db *sqlstore.DB) error {
			d, fe := parseDateFlag("birth_date", birth)
			if err := flagErrors(fe); err != nil {
				return err
			}
			q.BirthDate = d
			hits, err := db.SearchCases(ctx, q)
			if err != nil {
				return err
			}
			l := env.lang()
			if asJSON {
				if hits == nil {
					hits = []*nrm.SearchHit{}
				}
				enc := json.NewEncoder(env.Stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(hits)
			}
			if len(hits) == 0 {
				fmt.Fprintln(env.Stdout, msg(l, "Ingen sager passer.", "No case matches."))
				return nil
			}
			tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, msg(l, "SAG\tORGANISATION\tKØN\tFØDSELSÅR\tNATIONALITET\tFØRSTE KONTAKT\tAFSLUTTET",
				"CASE\tORGANISATION\tGENDER\tBIRTH YEAR\tNATIONALITY\tFIRST CONTACT\tCLOSED"))
			for _, h := range hits {
				by := ""
				if h.BirthYear != 0 {
					by = strconv.Itoa(h.BirthYear)
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", h.Ref, h.OwnerOrg, h.Gender.Label(l), by, h.Nationality, h.FirstContact, h.ClosedOn)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			if len(hits) >= nrm.MaxSearchHits {
				fmt.Fprintf(env.Stdout, msg(l, "Kun de første %d sager vises.\n", "Only the first %d cases are shown.\n"), nrm.MaxSearchHits)
			}
			return nil
		}),
	}
	cmd.Flags().StringVar(&q.Name, "name", "", "name or alias (whole words)")
	cmd.Flags().StringVar(&birth, "birth-date", "", "birth date, YYYY-MM-DD")
	cmd.Flags().StringVar(&q.Document, "document", "", "document number")
	cmd.Flags().StringVar(&q.Phone, "phone", "", "phone number")
	cmd.Flags().BoolVar(&asJSON, "json", false, "write the hits as JSON")
	return cmd
}

func caseMergeCmd(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:   "merge KEEP_REF OTHER_REF",
		Short: "Merge two cases about the same person (the other case is deleted)",
		Long: `Move the facts of the other case (contacts, assessments, periods, stays, offers,
exits, reopenings, consents, referrals, aliases and document numbers) into the first
case and delete the other case, in one transaction audited with both references. The
statistics then count the person once. Cases recording facts that cannot both be true
of one person (e.g. a different gender, birth year, birth date or nationality) are
not merged.`,
		Args: cobra.ExactArgs(2),
		RunE: env.withDB(func(cmd *cobra.Command, args []string, ctx context.Context, db *sqlstore.DB) error {
			keep, err := caseID(ctx, db, args[0])
			if err != nil {
				return err
			}
			other, err := caseID(ctx, db, args[1])
			if err != nil {
				return err
			}
			c, err := db.MergeCases(ctx, keep, other)
			if err != nil {
				return err
			}
			fmt.Fprintf(env.Stdout, msg(env.lang(), "Sag %s er lagt ind i sag %s (version %d).\n", "Case %s merged into case %s (version %d).\n"),
				args[1], c.Ref, c.Version)
			return nil
		}),
	}
}

// printImportDuplicates writes a line per case of the import just done
// (changed at or after since) that another case, in any organisation,
// may already be about: the organisations only.
func printImportDuplicates(env *Env, ctx context.Context, db *sqlstore.DB, since time.Time) error {
	lines, err := db.ImportDuplicates(ctx, since)
	if err != nil {
		return err
	}
	l := env.lang()
	for _, d := range lines {
		for _, o := range d.Orgs {
			fmt.Fprintf(env.Stdout, msg(l, "Sag %s: %s\n", "Case %s: %s\n"), d.CaseRef, nrm.PossibleDuplicate{Org: o}.Message(l))
		}
	}
	return nil
}

// printReferralDuplicates writes the duplicate notices for the case of a
// referral just accepted: the organisations that may hold another case
// about the person.
func printReferralDuplicates(env *Env, ctx context.Context, db *sqlstore.DB, referralID int64) error {
	ref, err := db.FindReferral(ctx, referralID)
	if err != nil {
		return err
	}
	dups, err := db.PossibleDuplicates(ctx, ref.CaseID, "referral")
	if err != nil {
		return err
	}
	for _, d := range dups {
		fmt.Fprintln(env.Stdout, d.Message(env.lang()))
	}
	return nil
}
