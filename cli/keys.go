package cli

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"nrm"
	"nrm/seal"

	"github.com/spf13/cobra"
)

func init() {
	commands = append(commands, keysCmd)
}

// nextKeyID returns "k<n>" with n one more than the highest such id.
func nextKeyID(keys []seal.Key) string {
	n := 0
	for _, k := range keys {
		if v, err := strconv.Atoi(strings.TrimPrefix(k.ID, "k")); err == nil && strings.HasPrefix(k.ID, "k") && v > n {
			n = v
		}
	}
	return "k" + strconv.Itoa(n+1)
}

func keysCmd(env *Env) *cobra.Command {
	cmd := &cobra.Command{Use: "keys", Short: "Manage the keys that encrypt identifiers at rest and key the audit log"}
	var keepOld bool
	rotate := &cobra.Command{
		Use:   "rotate",
		Short: "Generate a new key, re-encrypt every identifier and TOTP secret with it, and drop the old keys",
		Long: `Generate a new key and add it to the key file, re-encrypt every case's identifiers and
every TOTP secret with it in one transaction, and then rewrite the key file with the new
key only. A new audit key is added too and keys the audit entries from then on; every
older audit key stays in the file, so that older entries and anchors stay verifiable.
The person search index is rebuilt under a new search-index key in the same
transaction.
If anything fails, the key file keeps the old and the new key, so everything
still opens. Backups taken before the rotation need the old key: keep them with
--keep-old-keys, or accept that old backups can no longer be read. Restart running
servers afterwards so that they load the new key.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			l := env.lang()
			if os.Getenv("NRM_KEYS") != "" {
				return &nrm.Error{Code: nrm.EINVALID, Message: msg(l,
					"Nøglerne kommer fra miljøvariablen NRM_KEYS; rotation skriver en nøglefil. Flyt nøglerne til en fil (--key-file) og kør igen.",
					"The keys come from the NRM_KEYS environment variable; rotation writes a key file. Move the keys to a file (--key-file) and run again.")}
			}
			path := env.keyPath()
			data, err := os.ReadFile(path)
			if errors.Is(err, os.ErrNotExist) {
				return &nrm.Error{Code: nrm.ENOTFOUND, Message: fmt.Sprintf(msg(l, "Nøglefilen %s findes ikke.", "The key file %s does not exist."), path)}
			} else if err != nil {
				return err
			}
			keys, err := seal.Parse(data)
			if err != nil {
				return err
			}
			if len(keys) == 0 {
				return &nrm.Error{Code: nrm.EINVALID, Message: fmt.Sprintf(msg(l, "Nøglefilen %s indeholder ingen nøgle.", "The key file %s holds no key."), path)}
			}
			newKey, err := seal.NewKey(nextKeyID(keys))
			if err != nil {
				return err
			}
			oldRing, err := seal.New(keys...)
			if err != nil {
				return err
			}
			// The content-hash key is carried over, so stored hashes stay
			// valid; an older file without one gets its derived key written.
			// So are all audit keys (a derived legacy one written out), and
			// a new one becomes current.
			mac := oldRing.MACKey()
			audit := oldRing.AuditKeys()
			newAudit, err := seal.NewKey(seal.NextAuditKeyID(audit))
			if err != nil {
				return err
			}
			audit = append(audit, newAudit)
			// The person search index is rebuilt under a new blind-index
			// key; until the rebuild is committed the old one stays current
			// (the last blind-index key in the file is).
			oldBlind := oldRing.BlindKeys()
			newBlind, err := seal.NewKey(seal.NextBlindKeyID(oldBlind))
			if err != nil {
				return err
			}
			var sealing []seal.Key
			for _, k := range keys {
				if k.ID != seal.MACKeyID && !seal.IsAuditKeyID(k.ID) && !seal.IsBlindKeyID(k.ID) {
					sealing = append(sealing, k)
				}
			}
			// Audit keys before the encryption keys: an older nrm takes
			// the last line as the current encryption key.
			keys = append(append(append([]seal.Key{mac}, audit...), oldBlind...), newBlind)
			keys = append(keys, sealing...)
			newRing, err := seal.New(append(append([]seal.Key{mac}, audit...), newBlind, newKey)...)
			if err != nil {
				return err
			}
			// The new key goes into the file before anything is sealed
			// with it: if we stop half-way, every value still opens.
			pending := append(append(append([]seal.Key{mac}, audit...), newBlind), oldBlind...)
			if err := seal.WriteFile(path, append(append(pending, sealing...), newKey)); err != nil {
				return err
			}
			ctx := systemCtx(cmd.Context())
			db, err := env.Open(ctx)
			if err != nil {
				return err
			}
			defer db.Close()
			n, err := db.RotateKeys(ctx, newRing)
			if err != nil {
				return fmt.Errorf(msg(l, "rotation mislykkedes; nøglefilen indeholder både de gamle nøgler og den nye: %w",
					"rotation failed; the key file holds the old keys and the new one: %w"), err)
			}
			final := append(append([]seal.Key{mac}, audit...), newBlind, newKey)
			if keepOld {
				final = append(keys, newKey)
			}
			if err := seal.WriteFile(path, final); err != nil {
				return err
			}
			fmt.Fprintf(env.Stdout, msg(l, "Ny nøgle: %s. %d værdier er krypteret igen.\n", "New key: %s. %d values re-encrypted.\n"), newKey.ID, n)
			fmt.Fprintf(env.Stdout, msg(l, "Ny revisionsnøgle: %s; de ældre revisionsnøgler er bevaret, så ældre poster kan verificeres.\n",
				"New audit key: %s; the older audit keys are kept so that older entries stay verifiable.\n"), newAudit.ID)
			if keepOld {
				fmt.Fprintln(env.Stdout, msg(l, "De gamle nøgler er bevaret i nøglefilen til gamle sikkerhedskopier.",
					"The old keys are kept in the key file for old backups."))
			} else {
				fmt.Fprintln(env.Stdout, msg(l, "De gamle nøgler er fjernet fra nøglefilen; sikkerhedskopier fra før rotationen kan ikke længere læses.",
					"The old keys are removed from the key file; backups from before the rotation can no longer be read."))
			}
			fmt.Fprintln(env.Stdout, msg(l, "Genstart kørende servere, så de indlæser den nye nøgle.", "Restart running servers so that they load the new key."))
			return nil
		},
	}
	rotate.Flags().BoolVar(&keepOld, "keep-old-keys", false, "keep the old keys in the key file (needed to read backups taken before the rotation)")
	cmd.AddCommand(rotate)
	return cmd
}
