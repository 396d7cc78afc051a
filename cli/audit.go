package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"nrm"
	"nrm/sqlstore"

	"github.com/spf13/cobra"
)

func init() {
	commands = append(commands, auditCmd)
}

// anchorDirDefault is the anchor folder named by NRM_ANCHOR_DIR, the
// default of audit verify --anchors, audit anchor --to and serve
// --anchor-dir.
func anchorDirDefault() string { return os.Getenv("NRM_ANCHOR_DIR") }

func auditCmd(env *Env) *cobra.Command {
	cmd := &cobra.Command{Use: "audit", Short: "Inspect, verify and anchor the tamper-evident audit log"}
	var anchors string
	verify := &cobra.Command{
		Use:   "verify",
		Short: "Walk the keyed hash chain and report any edited, deleted or reordered entry",
		Long: `Walk the audit log's hash chain: every entry's sequence number, its link to the entry
before it and its hash, an HMAC-SHA-256 under the audit key it names (from the key file;
entries from before audit keys carry a plain SHA-256 hash). With --anchors DIR (default
$NRM_ANCHOR_DIR) the chain is also compared with the signed checkpoints that nrm audit
anchor and nrm serve --anchor-dir wrote there, which finds removed newest entries and a
chain recomputed as a whole, and the anchor file is checked for edits. Each break is
reported with the number of the entry where the chain breaks.`,
		Args: cobra.NoArgs,
		RunE: env.withDB(func(cmd *cobra.Command, args []string, ctx context.Context, db *sqlstore.DB) error {
			l := env.lang()
			rep, err := db.VerifyAuditChain(ctx, sqlstore.AuditVerifyOptions{AnchorDir: anchors})
			if err != nil {
				return err
			}
			if len(rep.Problems) == 0 {
				fmt.Fprintf(env.Stdout, msg(l, "Revisionsloggen er intakt: %d poster kontrolleret.\n", "The audit log is intact: %d entries checked.\n"), rep.Checked)
				if rep.Unkeyed > 0 {
					fmt.Fprintf(env.Stdout, msg(l,
						"%d poster fra før revisionsnøglen har en kontrolsum uden nøgle; de beskyttes af de nøglebaserede poster og ankrene efter dem.\n",
						"%d entries from before the audit key have an unkeyed hash; the keyed entries and the anchors after them protect them.\n"), rep.Unkeyed)
				}
				if a := rep.Latest; a != nil {
					fmt.Fprintf(env.Stdout, msg(l, "%d ankre passer; det seneste (%s) registrerer post %d.\n",
						"%d anchors match; the latest (%s) records entry %d.\n"), rep.Anchors, a.At.UTC().Format("2006-01-02 15:04:05Z"), a.Seq)
				} else if anchors == "" {
					fmt.Fprintln(env.Stdout, msg(l,
						"Uden ankre (--anchors) kan fjernede nyeste poster ikke opdages.",
						"Without anchors (--anchors), removed newest entries cannot be detected."))
				}
				return nil
			}
			for _, p := range rep.Problems {
				if p.Seq == 0 {
					fmt.Fprintln(env.Stdout, p.Message(l))
				} else {
					fmt.Fprintf(env.Stdout, msg(l, "post %d: %s\n", "entry %d: %s\n"), p.Seq, p.Message(l))
				}
			}
			first := rep.Problems[0].Seq
			for _, p := range rep.Problems {
				if p.Seq > 0 && (first == 0 || p.Seq < first) {
					first = p.Seq
				}
			}
			if first == 0 {
				return &nrm.Error{Code: nrm.EINVALID, Message: fmt.Sprintf(msg(l,
					"Revisionsloggen kan ikke bekræftes: %d problemer med ankrene, %d poster kontrolleret.",
					"The audit log cannot be confirmed: %d problems with the anchors, %d entries checked."), len(rep.Problems), rep.Checked)}
			}
			return &nrm.Error{Code: nrm.EINVALID, Message: fmt.Sprintf(msg(l,
				"Revisionsloggen er brudt fra post %d: %d problemer i %d poster.", "The audit log is broken from entry %d: %d problems in %d entries."),
				first, len(rep.Problems), rep.Checked)}
		}),
	}
	verify.Flags().StringVar(&anchors, "anchors", anchorDirDefault(), "folder of the anchor file to compare the chain with (env NRM_ANCHOR_DIR)")
	cmd.AddCommand(verify, anchorCmd(env))
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
