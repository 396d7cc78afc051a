package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"nrm"
	"nrm/sqlstore"

	"github.com/spf13/cobra"
)

func init() {
	commands = append(commands, journalCmd)
	helpDA["nrm journal"] = helpText{short: "Sagens journal: daterede, krypterede notater (list, add)"}
	helpDA["nrm journal list"] = helpText{
		short: "Vis en sags journal, nyeste notat først (læsningen logges)",
		flags: map[string]string{"json": flagJSONLines},
	}
	helpDA["nrm journal add"] = helpText{
		short: "Skriv et notat i en sags journal (teksten fra --text eller standardinput)",
		long: `Skriv et notat i sagens journal. Teksten krypteres som identifikationsoplysninger.
Et notat kan ikke ændres eller slettes: en rettelse er et nyt notat med --corrects,
der henviser til det gamle; begge bliver stående. Uden --text læses teksten fra
standardinput.`,
		flags: map[string]string{
			"text":     "notatets tekst (standard: læses fra standardinput)",
			"date":     "notatets dato ÅÅÅÅ-MM-DD (standard: i dag)",
			"corrects": "nummeret på det notat, dette notat retter",
		},
	}
}

func journalCmd(env *Env) *cobra.Command {
	cmd := &cobra.Command{Use: "journal", Short: "The case journal: dated, encrypted notes (list, add)"}

	var asJSON bool
	list := &cobra.Command{
		Use:   "list CASE_REF",
		Short: "Show a case's journal, newest note first (the read is audited)",
		Args:  cobra.ExactArgs(1),
		RunE: env.withDB(func(cmd *cobra.Command, args []string, ctx context.Context, db *sqlstore.DB) error {
			id, err := caseID(ctx, db, args[0])
			if err != nil {
				return err
			}
			entries, err := db.FindJournal(ctx, id)
			if err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(env.Stdout)
				for _, e := range entries {
					if err := enc.Encode(e); err != nil {
						return err
					}
				}
				return nil
			}
			l := env.lang()
			if len(entries) == 0 {
				fmt.Fprintln(env.Stdout, msg(l, "Journalen har ingen notater.", "The journal has no notes."))
				return nil
			}
			for _, e := range entries {
				who := e.Author
				if e.AuthorOrg != "" {
					who += " (" + e.AuthorOrg + ")"
				}
				fmt.Fprintf(env.Stdout, "#%d  %s  %s\n", e.ID, e.Date, who)
				if e.Corrects > 0 {
					fmt.Fprintf(env.Stdout, msg(l, "  Retter notat #%d\n", "  Corrects note #%d\n"), e.Corrects)
				}
				if len(e.CorrectedBy) > 0 {
					ids := make([]string, len(e.CorrectedBy))
					for i, x := range e.CorrectedBy {
						ids[i] = fmt.Sprintf("#%d", x)
					}
					fmt.Fprintf(env.Stdout, msg(l, "  Rettet i notat %s\n", "  Corrected in note %s\n"), strings.Join(ids, ", "))
				}
				for _, line := range strings.Split(e.Text, "\n") {
					fmt.Fprintln(env.Stdout, "  "+line)
				}
				fmt.Fprintln(env.Stdout)
			}
			return nil
		}),
	}
	list.Flags().BoolVar(&asJSON, "json", false, "print JSON lines")

	var text, date string
	var corrects int64
	add := &cobra.Command{
		Use:   "add CASE_REF [--text TEXT] [--date YYYY-MM-DD] [--corrects ID]",
		Short: "Write a note in a case's journal (the text from --text or standard input)",
		Long: `Write a note in the case's journal. The text is encrypted like identifiers. A note
cannot be changed or deleted: a correction is a new note with --corrects naming the old
one; both stay on record. Without --text the text is read from standard input.`,
		Args: cobra.ExactArgs(1),
		RunE: env.withDB(func(cmd *cobra.Command, args []string, ctx context.Context, db *sqlstore.DB) error {
			d, fe := parseDateFlag("journal_date", date)
			if err := flagErrors(fe); err != nil {
				return err
			}
			if !cmd.Flags().Changed("text") {
				b, err := io.ReadAll(io.LimitReader(cmd.InOrStdin(), 4*nrm.MaxJournalText+1))
				if err != nil {
					return err
				}
				text = string(b)
			}
			id, err := caseID(ctx, db, args[0])
			if err != nil {
				return err
			}
			e := &nrm.JournalEntry{Date: d, Text: text, Corrects: corrects}
			if err := db.AddJournalEntry(ctx, id, e); err != nil {
				return err
			}
			fmt.Fprintf(env.Stdout, msg(env.lang(), "Notat #%d er skrevet i journalen for sag %s.\n", "Note #%d was written in the journal of case %s.\n"), e.ID, args[0])
			return nil
		}),
	}
	add.Flags().StringVar(&text, "text", "", "the note's text (default: read from standard input)")
	add.Flags().StringVar(&date, "date", "", "the note's date YYYY-MM-DD (default: today)")
	add.Flags().Int64Var(&corrects, "corrects", 0, "the number of the note this note corrects")
	cmd.AddCommand(list, add)
	return cmd
}
