// Package cli holds nrm's command line: one cobra command per verb, each
// opening the database named by --db (a SQLite path or a postgres:// URL,
// default $NRM_DB, else ./nrm.db).
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"nrm"
	"nrm/refdata"
	"nrm/seal"
	"nrm/sqlstore"

	"github.com/spf13/cobra"
)

// Env holds the global flags and the output streams.
type Env struct {
	DB      string
	KeyFile string
	Lang    string
	Stdout  io.Writer
	Stderr  io.Writer
	// create lets Open create a SQLite database that does not exist yet:
	// set for the commands createsDatabase names, before they run.
	create bool
}

// NewRoot returns the nrm command tree writing to the given streams.
func NewRoot(stdout, stderr io.Writer) *cobra.Command {
	env := &Env{Stdout: stdout, Stderr: stderr}
	root := &cobra.Command{
		Use:   "nrm",
		Short: "National referral mechanism against human trafficking: cases, statistics, action plan and the annual status report",
		Long: `nrm holds the case data of a national referral mechanism against human trafficking,
runs its workflow, monitors the national action plan and generates the annual status
report to parliament — tables, charts and narrative — without exposing a victim.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	def := os.Getenv("NRM_DB")
	if def == "" {
		def = "nrm.db"
	}
	root.PersistentFlags().StringVar(&env.DB, "db", def, "database: a SQLite file path or a postgres:// URL (env NRM_DB)")
	root.PersistentFlags().StringVar(&env.KeyFile, "key-file", os.Getenv("NRM_KEY_FILE"),
		"file with the identifier encryption keys (env NRM_KEY_FILE; default: the database path + .key, or ./nrm.key for PostgreSQL; env NRM_KEYS holds keys directly)")
	root.PersistentFlags().StringVar(&env.Lang, "lang", os.Getenv("NRM_LANG"), "language of messages, help and reports: da (default) or en (env NRM_LANG)")
	for _, add := range commands {
		root.AddCommand(add(env))
	}
	installHelp(root, env)
	root.PersistentPreRunE = func(cmd *cobra.Command, args []string) error {
		env.create = createsDatabase(cmd)
		if checksDatabaseFirst[cmd.CommandPath()] {
			return env.requireDatabase()
		}
		return nil
	}
	return root
}

// checksDatabaseFirst names the commands that write other files before
// they open the database: a missing database is refused before that
// (nrm keys rotate would otherwise add a key to the key file of a
// database that is not there).
var checksDatabaseFirst = map[string]bool{"nrm keys rotate": true}

// createsDatabase reports whether cmd may create a new SQLite database:
// nrm init, demo, import and restore, and nrm serve --demo. Every other
// command refuses a --db that names no database, rather than silently
// starting an empty one beside the real one (a typing error in the path).
func createsDatabase(cmd *cobra.Command) bool {
	switch cmd.CommandPath() {
	case "nrm init", "nrm demo", "nrm import", "nrm restore":
		return true
	case "nrm serve":
		demo, err := cmd.Flags().GetBool("demo")
		return err == nil && demo
	}
	return false
}

// commands registers subcommand constructors; each file adds its own.
var commands []func(*Env) *cobra.Command

// Execute runs the command line and returns the process exit code.
func Execute(args []string, stdout, stderr io.Writer) int {
	root := NewRoot(stdout, stderr)
	root.SetArgs(args)
	if err := root.Execute(); err != nil {
		fmt.Fprintln(stderr, "nrm:", FormatError(err, argsLang(root, args)))
		return 1
	}
	return 0
}

// argsLang returns the language of the command line: --lang as parsed,
// else as written in args (cobra stops before parsing the flags of a
// command it cannot find), else NRM_LANG, else Danish.
func argsLang(root *cobra.Command, args []string) nrm.Lang {
	if f := root.PersistentFlags().Lookup("lang"); f != nil && f.Value.String() != "" {
		return nrm.ParseLang(f.Value.String())
	}
	for i, a := range args {
		if a == "--" {
			break
		}
		if v, ok := strings.CutPrefix(a, "--lang="); ok {
			return nrm.ParseLang(v)
		}
		if a == "--lang" && i+1 < len(args) {
			return nrm.ParseLang(args[i+1])
		}
	}
	return nrm.ParseLang(os.Getenv("NRM_LANG"))
}

// FormatError renders an error for a person: bundle and field errors in
// full, internal errors without detail.
func FormatError(err error, lang nrm.Lang) string {
	var f interface{ Format(nrm.Lang) string }
	if errors.As(err, &f) {
		return f.Format(lang)
	}
	var e *nrm.Error
	if errors.As(err, &e) {
		text := e.Message
		if lang == nrm.LangDA {
			// The command line's own messages are Danish already; the
			// domain's and storage's are English and known to messagesDA.
			if da, ok := messageDanish(text); ok {
				text = da
			}
		}
		for _, fe := range e.Fields {
			text += "\n  " + fe.Message(lang)
		}
		return text
	}
	if lang == nrm.LangDA {
		if da, ok := osErrorDanish(err); ok {
			return da
		}
		if da, ok := messageDanish(err.Error()); ok {
			return da
		}
		// The technical words of a library or of the system.
		return "Teknisk fejl: " + err.Error()
	}
	return err.Error()
}

// Lang returns the chosen language.
func (e *Env) lang() nrm.Lang { return nrm.ParseLang(e.Lang) }

// keyPath returns the key file to use.
func (e *Env) keyPath() string {
	if e.KeyFile != "" {
		return e.KeyFile
	}
	if sqlstore.IsPostgres(e.DB) {
		return "nrm.key"
	}
	return e.DB + ".key"
}

// Open opens the database with the identifier keys and makes sure the
// reference data is there. A SQLite database that does not exist is
// created (file mode 0600, new folders 0700, a new key file beside it)
// only by the commands createsDatabase names; every other command is
// refused with a message saying how to create one. A PostgreSQL database
// exists or not by itself.
func (e *Env) Open(ctx context.Context) (*sqlstore.DB, error) {
	if !sqlstore.IsPostgres(e.DB) {
		exists, err := sqliteExists(e.DB)
		if err != nil {
			return nil, err
		}
		if !exists {
			if !e.create {
				return nil, missingDatabase{e.DB}
			}
			if err := mkdirPrivate(filepath.Dir(e.DB)); err != nil {
				return nil, err
			}
			if e.KeyFile != "" {
				if err := mkdirPrivate(filepath.Dir(e.KeyFile)); err != nil {
					return nil, err
				}
			}
		}
	}
	keys, err := seal.Load(e.keyPath(), true)
	if err != nil {
		return nil, err
	}
	db, err := sqlstore.Open(ctx, e.DB, sqlstore.Options{Sealer: keys})
	if err != nil {
		return nil, err
	}
	if err := EnsureReferenceData(ctx, db); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// sqliteExists reports whether path holds a SQLite database: a file that
// is not empty (an empty file is what a database is created in).
func sqliteExists(path string) (bool, error) {
	fi, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return fi.Size() > 0, nil
}

// requireDatabase refuses, before anything else is read or written, a
// command that does not create a database run against a SQLite path that
// holds none (Open checks the same; a command that reads other files
// first calls it at its start).
func (e *Env) requireDatabase() error {
	if sqlstore.IsPostgres(e.DB) || e.create {
		return nil
	}
	exists, err := sqliteExists(e.DB)
	if err != nil {
		return err
	}
	if !exists {
		return missingDatabase{e.DB}
	}
	return nil
}

// missingDatabase is the refusal of a command run against a SQLite path
// that holds no database: it names the path and how to create one.
type missingDatabase struct{ path string }

// Error implements error.
func (m missingDatabase) Error() string { return m.Format(nrm.LangEN) }

// Format renders the refusal in lang.
func (m missingDatabase) Format(l nrm.Lang) string {
	return fmt.Sprintf(msg(l,
		"Databasen %s findes ikke. Opret en ny, tom database med nrm init (eller en med demodata med nrm demo), eller angiv den rigtige med --db eller NRM_DB.",
		"The database %s does not exist. Create a new, empty one with nrm init (or one with the demo data with nrm demo), or name the right one with --db or NRM_DB."),
		m.path)
}

// writePrivate writes a file readable by its owner only (mode 0600,
// whatever the umask, also when the file existed with another mode).
func writePrivate(name string, b []byte) error {
	f, err := os.OpenFile(name, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// mkdirPrivate creates dir and its missing parents readable by the owner
// only (mode 0700, whatever the umask); folders that exist are left as
// they are.
func mkdirPrivate(dir string) error {
	if dir == "" || dir == "." {
		return nil
	}
	if _, err := os.Stat(dir); err == nil {
		return nil
	}
	parent := filepath.Dir(dir)
	if parent != dir {
		if err := mkdirPrivate(parent); err != nil {
			return err
		}
	}
	if err := os.Mkdir(dir, 0o700); err != nil {
		if errors.Is(err, os.ErrExist) {
			return nil // made meanwhile by someone else: not ours to change
		}
		return err
	}
	return os.Chmod(dir, 0o700)
}

// EnsureReferenceData loads the country → region mapping into an empty
// database.
func EnsureReferenceData(ctx context.Context, db *sqlstore.DB) error {
	ctx = nrm.NewContextWithActor(ctx, nrm.SystemActor)
	have, err := db.FindCountries(ctx)
	if err != nil || len(have) > 0 {
		return err
	}
	cs, err := refdata.Countries()
	if err != nil {
		return err
	}
	ptrs := make([]*nrm.Country, len(cs))
	for i := range cs {
		ptrs[i] = &cs[i]
	}
	return db.UpsertCountries(ctx, ptrs)
}

// systemCtx is the context of command-line work: the operator is trusted
// with the rights of the database key holder, and audited as "system".
func systemCtx(ctx context.Context) context.Context {
	return nrm.NewContextWithActor(ctx, nrm.SystemActor)
}

// withDB adapts a command body that needs the database: it runs as the
// system actor on the database opened from the global flags, closed
// afterwards.
func (e *Env) withDB(fn func(cmd *cobra.Command, args []string, ctx context.Context, db *sqlstore.DB) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		ctx := systemCtx(cmd.Context())
		db, err := e.Open(ctx)
		if err != nil {
			return err
		}
		defer db.Close()
		return fn(cmd, args, ctx, db)
	}
}
