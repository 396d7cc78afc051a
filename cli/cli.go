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
	root.PersistentFlags().StringVar(&env.Lang, "lang", os.Getenv("NRM_LANG"), "language of messages and reports: da (default) or en")
	for _, add := range commands {
		root.AddCommand(add(env))
	}
	return root
}

// commands registers subcommand constructors; each file adds its own.
var commands []func(*Env) *cobra.Command

// Execute runs the command line and returns the process exit code.
func Execute(args []string, stdout, stderr io.Writer) int {
	root := NewRoot(stdout, stderr)
	root.SetArgs(args)
	if err := root.Execute(); err != nil {
		lang := nrm.ParseLang(os.Getenv("NRM_LANG"))
		if f := root.PersistentFlags().Lookup("lang"); f != nil && f.Value.String() != "" {
			lang = nrm.ParseLang(f.Value.String())
		}
		fmt.Fprintln(stderr, "nrm:", FormatError(err, lang))
		return 1
	}
	return 0
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
		msg := e.Message
		for _, fe := range e.Fields {
			msg += "\n  " + fe.Message(lang)
		}
		return msg
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

// Open opens the database with the identifier keys (created on first use
// for a new SQLite database) and makes sure the reference data is there.
func (e *Env) Open(ctx context.Context) (*sqlstore.DB, error) {
	if !sqlstore.IsPostgres(e.DB) {
		if dir := filepath.Dir(e.DB); dir != "" {
			if err := os.MkdirAll(dir, 0o700); err != nil {
				return nil, err
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
