package cli

import (
	"context"
	"encoding/json"
	"fmt"

	"nrm"
	"nrm/sqlstore"

	"github.com/spf13/cobra"
)

func init() {
	commands = append(commands, auditCmd)
}

func auditCmd(env *Env) *cobra.Command {
	cmd := &cobra.Command{Use: "audit", Short: "Inspect and verify the tamper-evident audit log"}
	cmd.AddCommand(&cobra.Command{
		Use:   "verify",
		Short: "Walk the hash chain and report any edited, deleted or reordered entry",
		RunE: env.withDB(func(cmd *cobra.Command, args []string, ctx context.Context, db *sqlstore.DB) error {
			n, problems, err := db.VerifyAudit(ctx)
			if err != nil {
				return err
			}
			if len(problems) == 0 {
				fmt.Fprintf(env.Stdout, msg(env.lang(), "Revisionsloggen er intakt: %d poster kontrolleret.\n", "The audit log is intact: %d entries checked.\n"), n)
				return nil
			}
			for _, p := range problems {
				fmt.Fprintf(env.Stdout, msg(env.lang(), "post %d: %s\n", "entry %d: %s\n"), p.Seq, p.Problem)
			}
			return &nrm.Error{Code: nrm.EINVALID, Message: fmt.Sprintf(msg(env.lang(),
				"Revisionsloggen er brudt: %d problemer i %d poster.", "The audit log is broken: %d problems in %d entries."), len(problems), n)}
		}),
	})
	var entity, id, user string
	var after int64
	var limit int
	list := &cobra.Command{
		Use:   "list",
		Short: "Print audit entries as JSON lines",
		RunE: env.withDB(func(cmd *cobra.Command, args []string, ctx context.Context, db *sqlstore.DB) error {
			entries, err := db.FindAudit(ctx, sqlstore.AuditFilter{Entity: entity, EntityID: id, Username: user, AfterSeq: after, Limit: limit})
			if err != nil {
				return err
			}
			enc := json.NewEncoder(env.Stdout)
			for _, e := range entries {
				if err := enc.Encode(e); err != nil {
					return err
				}
			}
			return nil
		}),
	}
	list.Flags().StringVar(&entity, "entity", "", "only this entity kind, e.g. case")
	list.Flags().StringVar(&id, "id", "", "only this entity id")
	list.Flags().StringVar(&user, "user", "", "only this user")
	list.Flags().Int64Var(&after, "after", 0, "only entries after this sequence number")
	list.Flags().IntVar(&limit, "limit", 1000, "at most this many entries")
	cmd.AddCommand(list)
	return cmd
}
