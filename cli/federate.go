package cli

import (
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	"nrm"
	"nrm/federate"

	"github.com/spf13/cobra"
)

func init() {
	commands = append(commands, federateCmd)
}

func federateCmd(env *Env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "federate",
		Short: "Exchange disclosure-controlled statistics between countries (signed aggregate bundles; no microdata)",
		Long: `Multi-country statistics without shared microdata (design.md §8): each country
exports a signed, disclosure-controlled aggregate bundle of one reporting year
(federate export); a hub verifies the bundles against the public keys it trusts
and merges them into one multi-country table (federate merge).`,
	}
	cmd.AddCommand(federateKeygenCmd(env), federateExportCmd(env), federateMergeCmd(env))
	return cmd
}

func federateKeygenCmd(env *Env) *cobra.Command {
	var out, country string
	cmd := &cobra.Command{
		Use:   "keygen --out FILE [--country DK]",
		Short: "Make an ed25519 signing key (FILE, mode 0600) and print the public key for the hub's trust file",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return &nrm.Error{Code: nrm.EINVALID, Message: msg(env.lang(), "Angiv nøglefilen med --out.", "Give the key file with --out.")}
			}
			key, err := federate.GenerateKey()
			if err != nil {
				return err
			}
			f, err := os.OpenFile(out, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
			if err != nil {
				return err
			}
			if _, err := f.Write(federate.FormatPrivateKey(key)); err != nil {
				f.Close()
				return err
			}
			if err := f.Close(); err != nil {
				return err
			}
			pub := federate.FormatPublicKey(key.Public().(ed25519.PublicKey))
			line := pub
			if country != "" {
				line = country + " " + pub
			}
			if err := writePrivate(out+".pub", []byte(line+"\n")); err != nil {
				return err
			}
			fmt.Fprintf(env.Stdout, msg(env.lang(), "Nøgle skrevet til %s; offentlig nøgle (til hubbens tillidsfil, også i %s.pub):\n%s\n",
				"Key written to %s; public key (for the hub's trust file, also in %s.pub):\n%s\n"), out, out, line)
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "file for the private key (must not exist)")
	cmd.Flags().StringVar(&country, "country", "", "country code to put before the public key")
	return cmd
}

func federateExportCmd(env *Env) *cobra.Command {
	var year, k int
	var cutoff, country, keyFile, out string
	cmd := &cobra.Command{
		Use:   "export --year Y --country DK --k 3 --key FILE -o bundle.json",
		Short: "Write the year's statistics as a signed aggregate bundle, every person-level count below k suppressed",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if year == 0 || keyFile == "" || !nrm.ValidCountry(country) {
				return &nrm.Error{Code: nrm.EINVALID, Message: msg(env.lang(),
					"Angiv --year, --country (ISO-kode, fx DK) og --key.", "Give --year, --country (an ISO code, e.g. DK) and --key.")}
			}
			if k < 2 {
				return &nrm.Error{Code: nrm.EINVALID, Message: msg(env.lang(),
					"--k skal være mindst 2: et bundt til andre lande offentliggøres.", "--k must be at least 2: a bundle for other countries is a publication.")}
			}
			key, err := federate.LoadPrivateKey(keyFile)
			if err != nil {
				return err
			}
			q := nrm.StatsQuery{Year: year}
			if cutoff != "" {
				d, err := nrm.ParseDate(cutoff)
				if err != nil {
					return err
				}
				q.Cutoff = d
			}
			ctx := systemCtx(cmd.Context())
			db, err := env.Open(ctx)
			if err != nil {
				return err
			}
			defer db.Close()
			s, err := db.Statistics(ctx, q)
			if err != nil {
				return err
			}
			b, err := federate.Build(s, country, k, time.Now())
			if err != nil {
				return err
			}
			data, err := federate.Sign(b, key)
			if err != nil {
				return err
			}
			return writeOut(env, out, data)
		},
	}
	cmd.Flags().IntVar(&year, "year", 0, "reporting year")
	cmd.Flags().StringVar(&cutoff, "cutoff", "", "cut-off date YYYY-MM-DD (default 1 March of the following year)")
	cmd.Flags().StringVar(&country, "country", "", "this country's ISO 3166-1 alpha-2 code")
	cmd.Flags().IntVar(&k, "k", 3, "disclosure threshold: person counts below k are suppressed")
	cmd.Flags().StringVar(&keyFile, "key", "", "signing key file (federate keygen)")
	cmd.Flags().StringVarP(&out, "output", "o", "", "output file (default: standard output)")
	return cmd
}

func federateMergeCmd(env *Env) *cobra.Command {
	var trustFile, format, out string
	cmd := &cobra.Command{
		Use:   "merge --trust pubkeys.txt a.json b.json ... [--format json|md]",
		Short: "Verify signed bundles and combine them into one multi-country table",
		Long: `Verify every bundle's signature against the trust file (lines "COUNTRY ed25519:KEY";
a key signs only for its country) and combine the bundles of one year into one
multi-country table: per line each country's number and the total — the sum where no
country suppressed a number, the suppression mark where one did.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if trustFile == "" {
				return &nrm.Error{Code: nrm.EINVALID, Message: msg(env.lang(), "Angiv tillidsfilen med --trust.", "Give the trust file with --trust.")}
			}
			tf, err := os.Open(trustFile)
			if err != nil {
				return err
			}
			trust, err := federate.ParseTrust(tf)
			tf.Close()
			if err != nil {
				return err
			}
			var bundles []*federate.Bundle
			for _, path := range args {
				data, err := os.ReadFile(path)
				if err != nil {
					return err
				}
				b, err := federate.Verify(data, trust)
				if err != nil {
					return fmt.Errorf("%s: %w", path, err)
				}
				bundles = append(bundles, b)
			}
			m, err := federate.Merge(bundles)
			if err != nil {
				return err
			}
			var buf strings.Builder
			switch format {
			case "json":
				enc := json.NewEncoder(&buf)
				enc.SetEscapeHTML(false) // marks such as "<3" as they are
				enc.SetIndent("", "  ")
				if err := enc.Encode(m); err != nil {
					return err
				}
			case "md":
				if err := m.Markdown(&buf); err != nil {
					return err
				}
			default:
				return &nrm.Error{Code: nrm.EINVALID, Message: msg(env.lang(), "--format skal være json eller md.", "--format must be json or md.")}
			}
			return writeOut(env, out, []byte(buf.String()))
		},
	}
	cmd.Flags().StringVar(&trustFile, "trust", "", "trust file: COUNTRY ed25519:KEY per line")
	cmd.Flags().StringVar(&format, "format", "json", "json or md")
	cmd.Flags().StringVarP(&out, "output", "o", "", "output file (default: standard output)")
	return cmd
}

// writeOut writes data to path, or to standard output when path is empty.
func writeOut(env *Env, path string, data []byte) error {
	if path == "" {
		_, err := env.Stdout.Write(data)
		return err
	}
	return writePrivate(path, data)
}
