package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"nrm"
	"nrm/seal"
	"nrm/sqlstore"

	"github.com/spf13/cobra"
)

func init() {
	commands = append(commands, backupCmd, restoreCmd)
}

func printBackup(env *Env, verb string, info *sqlstore.BackupInfo) {
	fmt.Fprintf(env.Stdout, msg(env.lang(),
		"%s %s (%s, %d byte): %d sager, revisionslog til post %d (%s).\n",
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
			if err := mkdirPrivate(filepath.Dir(args[0])); err != nil {
				return err
			}
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
(--key-file, or NRM_KEYS); no new key is made. Before anything is replaced,
the keys are tried on the backup's sealed identifiers: a backup they do not
open is refused, naming the key ids it needs. The audit chain is verified
after the restore.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := systemCtx(cmd.Context())
			if _, err := os.Stat(args[0]); err != nil {
				return &nrm.Error{Code: nrm.ENOTFOUND, Message: fmt.Sprintf(msg(env.lang(),
					"Sikkerhedskopien %s findes ikke eller kan ikke læses. Intet er gendannet.",
					"The backup %s does not exist or cannot be read. Nothing was restored."), args[0])}
			}
			// The key must open the backup's identifiers before anything
			// is replaced: a database restored without its key has
			// identifiers nobody can read.
			if err := checkRestoreKeys(ctx, env, args[0]); err != nil {
				return err
			}
			if !sqlstore.IsPostgres(env.DB) {
				if err := mkdirPrivate(filepath.Dir(env.DB)); err != nil {
					return err
				}
			}
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

// checkRestoreKeys refuses a restore whose backup holds identifiers the
// key ring of --key-file (or NRM_KEYS) cannot open, naming the keys the
// backup was sealed with. A backup without identifiers needs no key.
func checkRestoreKeys(ctx context.Context, env *Env, backup string) error {
	fromEnv := os.Getenv("NRM_KEYS") != ""
	var ring *seal.Keyring
	var loadErr error
	if _, err := os.Stat(env.keyPath()); fromEnv || err == nil {
		ring, loadErr = seal.Load(env.keyPath(), false)
	}
	var sealer nrm.Sealer
	if ring != nil {
		sealer = ring
	}
	keys, err := sqlstore.CheckBackupKeys(ctx, env.DB, backup, sealer)
	if err != nil {
		return err
	}
	if len(keys.Unopened) == 0 {
		return nil
	}
	if loadErr != nil && !fromEnv {
		// A key file that exists but cannot be read says why itself.
		return loadErr
	}
	ids := strings.Join(keys.Unopened, ", ")
	var m string
	switch {
	case fromEnv:
		m = fmt.Sprintf(msg(env.lang(),
			"Nøglerne i NRM_KEYS åbner ikke identifikatorerne i sikkerhedskopien; de er forseglet med nøglen %s.",
			"The keys in NRM_KEYS do not open the identifiers in the backup; they were sealed with the key %s."), ids)
	case ring == nil:
		m = fmt.Sprintf(msg(env.lang(),
			"Nøglefilen %s findes ikke; identifikatorerne i sikkerhedskopien er forseglet med nøglen %s.",
			"The key file %s does not exist; the identifiers in the backup were sealed with the key %s."), env.keyPath(), ids)
	default:
		m = fmt.Sprintf(msg(env.lang(),
			"Nøglefilen %s åbner ikke identifikatorerne i sikkerhedskopien; de er forseglet med nøglen %s.",
			"The key file %s does not open the identifiers in the backup; they were sealed with the key %s."), env.keyPath(), ids)
	}
	return &nrm.Error{Code: nrm.EINVALID, Message: m + " " + msg(env.lang(),
		"Angiv nøglefilen fra den database, kopien blev taget af, med --key-file. Intet er gendannet.",
		"Give the key file of the database the backup was taken from with --key-file. Nothing was restored.")}
}
