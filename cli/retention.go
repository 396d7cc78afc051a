package cli

import (
	"fmt"
	"time"

	"nrm"

	"github.com/spf13/cobra"
)

func init() {
	commands = append(commands, retentionCmd)
}

func retentionCmd(env *Env) *cobra.Command {
	cmd := &cobra.Command{Use: "retention", Short: "Purge the identifiers of cases closed long ago; statistics are kept"}
	var years int
	var todayFlag string
	var dryRun bool
	apply := &cobra.Command{
		Use:   "apply --years N",
		Short: "Purge the identifiers of every case whose last exit is more than N years ago",
		Long: `Remove the direct identifiers (name, aliases, birth date, documents, phone, address,
notes) of every case whose last exit lies more than N years before today. The case's
statistical attributes stay, so every statistic and report stays the same. Each purge
is written to the audit log. Afterwards, run "nrm keys rotate" so that copies of the
encrypted identifiers left in backups or free database pages can no longer be opened.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			l := env.lang()
			today := nrm.DateOf(time.Now())
			if todayFlag != "" {
				var err error
				if today, err = nrm.ParseDate(todayFlag); err != nil {
					return err
				}
			}
			ctx := systemCtx(cmd.Context())
			db, err := env.Open(ctx)
			if err != nil {
				return err
			}
			defer db.Close()
			if dryRun {
				n, err := db.RetentionCandidates(ctx, years, today)
				if err != nil {
					return err
				}
				fmt.Fprintf(env.Stdout, msg(l, "Prøvekørsel: %d sager ville få slettet deres identifikatorer (sidste udskrivning mere end %d år før %s). Intet er ændret.\n",
					"Dry run: %d cases would have their identifiers purged (last exit more than %d years before %s). Nothing was changed.\n"), n, years, today)
				return nil
			}
			n, err := db.ApplyRetention(ctx, years, today)
			if err != nil {
				return err
			}
			fmt.Fprintf(env.Stdout, msg(l, "%d sager fik slettet deres identifikatorer, journal og dokumenter (sidste udskrivning mere end %d år før %s). Statistikken er uændret.\n",
				"%d cases had their identifiers purged, with their journals and documents (last exit more than %d years before %s). The statistics are unchanged.\n"), n, years, today)
			if n > 0 {
				fmt.Fprintln(env.Stdout, msg(l, "Kør \"nrm keys rotate\", så kopier i sikkerhedskopier og frie databasesider ikke længere kan åbnes.",
					"Run \"nrm keys rotate\" so that copies in backups and free database pages can no longer be opened."))
			}
			return nil
		},
	}
	apply.Flags().IntVar(&years, "years", 0, "retention period in years after the last exit (required)")
	apply.Flags().StringVar(&todayFlag, "today", "", "reference date YYYY-MM-DD (default: today)")
	apply.Flags().BoolVar(&dryRun, "dry-run", false, "only count the cases that would be purged")
	apply.MarkFlagRequired("years")
	cmd.AddCommand(apply)
	return cmd
}
