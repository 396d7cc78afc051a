package cli

import (
	"context"
	"fmt"

	"nrm"
	"nrm/sqlstore"

	"github.com/spf13/cobra"
)

func init() {
	commands = append(commands, backupCmd, restoreCmd)
}

func printBackup(env *Env, verb string, info *sqlstore.BackupInfo) {
	fmt.Fprintf(env.Stdout, msg(env.lang(),
		"%s %s (%s, %d bytes): %d sager, revisionslog til post %d (%s).\n",
		"%s %s (%s, %d bytes): %d cases, audit log up to entry %d (%s).\n"),
		verb, info.Path, info.Engine, info.Bytes, info.Cases, info.AuditSeq, info.AuditHash)
}

func backupCmd(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:   "backup FILE",
		Short: "Write a consistent copy of the database to FILE while nrm keeps running",
		Long: `Write a consistent copy of the whole database to FILE, which must not exist.
SQLite: VACUUM INTO (writers go on meanwhile). PostgreSQL: pg_dump --format=custom
in one snapshot (pg_dump must be installed). The backup holds identifiers sealed;
the key file is not in it — keep the two apart, and keep both.`,
		Args: cobra.ExactArgs(1),
		RunE: env.withDB(func(cmd *cobra.Command, args []string, ctx context.Context, db *sqlstore.DB) error {
			info, err := db.Backup(ctx, args[0])
			if err != nil {
				return err
			}
			printBackup(env, msg(env.lang(), "Sikkerhedskopi skrevet til", "Backup written to"), info)
			return nil
		}),
	}
}

func restoreCmd(env *Env) *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "restore FILE",
		Short: "Load a backup into the database named by --db (new or empty; --force replaces)",
		Long: `Load a backup made by nrm backup into the database named by --db: a new SQLite
file, or an empty PostgreSQL database (pg_restore must be installed). --force
replaces an existing database; stop every nrm instance using it first. The
restored database needs the key file of the database the backup came from
(--key-file); no new key is made. The audit chain is verified after the restore.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := systemCtx(cmd.Context())
			info, err := sqlstore.Restore(ctx, env.DB, args[0], force)
			if err != nil {
				return err
			}
			// Open without a key (statistics and the audit need none) to
			// migrate and verify.
			db, err := sqlstore.Open(ctx, env.DB, sqlstore.Options{})
			if err != nil {
				return err
			}
			defer db.Close()
			n, problems, err := db.VerifyAudit(context.WithoutCancel(ctx))
			if err != nil {
				return err
			}
			if len(problems) > 0 {
				return &nrm.Error{Code: nrm.EINVALID, Message: fmt.Sprintf(msg(env.lang(),
					"Den gendannede revisionslog er brudt: %d problemer i %d poster.", "The restored audit log is broken: %d problems in %d entries."), len(problems), n)}
			}
			printBackup(env, msg(env.lang(), "Gendannet fra", "Restored from"), info)
			fmt.Fprintln(env.Stdout, msg(env.lang(),
				"Brug nøglefilen fra den oprindelige database (--key-file) for at kunne læse identifikatorer.",
				"Use the key file of the original database (--key-file) to read identifiers."))
			return nil
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "replace an existing database")
	return cmd
}
