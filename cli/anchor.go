package cli

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"nrm"
	"nrm/sqlstore"

	"github.com/spf13/cobra"
)

// anchorCmd is `nrm audit anchor --to DIR`.
func anchorCmd(env *Env) *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:   "anchor",
		Short: "Append a signed checkpoint of the audit chain to an anchor file outside the database",
		Long: `Verify the audit chain since the last anchor and append a checkpoint of its head —
the entry number, its hash, the time and the audit key's id, signed with HMAC-SHA-256
under the audit key and linked to the anchor before it — to the append-only file
` + sqlstore.AnchorFileName + ` in DIR (created with mode 0700, the file 0600). Keep DIR
away from the database: another machine, a write-once medium or a separately backed-up
mount. nrm audit verify --anchors DIR then finds removed entries and a recomputed chain.`,
		Args: cobra.NoArgs,
		RunE: env.withDB(func(cmd *cobra.Command, args []string, ctx context.Context, db *sqlstore.DB) error {
			l := env.lang()
			if dir == "" {
				return &nrm.Error{Code: nrm.EINVALID, Message: msg(l,
					"Angiv ankermappen med --to MAPPE (eller NRM_ANCHOR_DIR).", "Name the anchor folder with --to DIR (or NRM_ANCHOR_DIR).")}
			}
			a, err := db.AnchorAudit(ctx, dir)
			if err != nil {
				return err
			}
			fmt.Fprintf(env.Stdout, msg(l, "Anker skrevet: post %d, %s, nøgle %s, i %s.\n", "Anchor written: entry %d, %s, key %s, in %s.\n"),
				a.Seq, a.At.UTC().Format("2006-01-02 15:04:05Z"), a.Key, dir)
			return nil
		}),
	}
	cmd.Flags().StringVar(&dir, "to", anchorDirDefault(), "anchor folder (env NRM_ANCHOR_DIR)")
	return cmd
}

// anchorEveryDefault is the interval of serve's anchors: NRM_ANCHOR_EVERY
// if it parses, else ten minutes.
func anchorEveryDefault() time.Duration {
	if d, err := time.ParseDuration(os.Getenv("NRM_ANCHOR_EVERY")); err == nil && d > 0 {
		return d
	}
	return 10 * time.Minute
}

// anchorer is the part of the database that anchoring needs.
type anchorer interface {
	AnchorAudit(ctx context.Context, dir string) (*sqlstore.AuditAnchor, error)
}

// startAnchoring writes an anchor to dir now and then every interval
// until the returned stop function is called; stop writes a last anchor
// (the server's final state) and returns when it is written. A failed
// anchor — a broken chain, an edited anchor file — is logged as an error
// and tried again at the next interval. With dir empty it does nothing.
func startAnchoring(ctx context.Context, db anchorer, dir string, every time.Duration, logger *slog.Logger) (stop func()) {
	if dir == "" {
		return func() {}
	}
	ctx = context.WithoutCancel(ctx)
	anchor := func(when string) {
		a, err := db.AnchorAudit(ctx, dir)
		if err != nil {
			logger.Error("audit anchor failed", "when", when, "dir", dir, "err", err)
			return
		}
		logger.Info("audit anchor written", "when", when, "seq", a.Seq, "key", a.Key)
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		anchor("start")
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				anchor("scheduled")
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			close(done)
			wg.Wait()
			anchor("shutdown")
		})
	}
}
