package cli

import (
	"fmt"
	"os"

	"nrm"
	"nrm/sqlstore"

	"github.com/spf13/cobra"
)

func init() {
	commands = append(commands, initCmd)
}

func initCmd(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:   "init",
		Short: "Create a new, empty database and its key file",
		Long: `Create a new, empty database at --db with the reference data (countries and
regions), and its key file (--key-file, default the database path + .key) when
there is none. A SQLite database and its key file are readable by their owner
only (mode 0600), in folders of mode 0700. An existing database is left alone.
Only nrm init, nrm demo, nrm import, nrm restore and nrm serve --demo create a
database; every other command refuses a --db that names none. For PostgreSQL,
init brings an existing (empty) database up to the current schema.
Then create the first administrator: nrm user add NAME --role admin --org ORG.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := systemCtx(cmd.Context())
			pg := sqlstore.IsPostgres(env.DB)
			if !pg {
				exists, err := sqliteExists(env.DB)
				if err != nil {
					return err
				}
				if exists {
					return &nrm.Error{Code: nrm.ECONFLICT, Message: fmt.Sprintf(msg(env.lang(),
						"Databasen %s findes allerede; intet er ændret.",
						"The database %s already exists; nothing was changed."), env.DB)}
				}
			}
			db, err := env.Open(ctx)
			if err != nil {
				return err
			}
			if err := db.Close(); err != nil {
				return err
			}
			if pg {
				// The connection string may hold a password: not echoed.
				fmt.Fprintln(env.Stdout, msg(env.lang(), "PostgreSQL-databasen er klar.", "The PostgreSQL database is ready."))
			} else {
				fmt.Fprintf(env.Stdout, msg(env.lang(), "Database oprettet: %s\n", "Database created: %s\n"), env.DB)
			}
			if os.Getenv("NRM_KEYS") == "" {
				fmt.Fprintf(env.Stdout, msg(env.lang(), "Nøglefil: %s (opbevar den adskilt fra sikkerhedskopierne, og tag selv kopi af den)\n",
					"Key file: %s (keep it apart from the backups, and keep a copy of it)\n"), env.keyPath())
			}
			fmt.Fprintln(env.Stdout, msg(env.lang(),
				"Opret den første administrator med: nrm user add NAVN --role admin --org ORG",
				"Create the first administrator with: nrm user add NAME --role admin --org ORG"))
			return nil
		},
	}
}
