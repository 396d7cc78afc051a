package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"nrm"
	"nrm/auth"
	"nrm/sqlstore"

	"github.com/spf13/cobra"
)

func init() {
	commands = append(commands, userCmd)
}

// readPassword reads one line from r (a pipe or a redirected file), so
// that a chosen password never appears in the process list or the shell
// history.
func readPassword(r io.Reader) (string, error) {
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// newPassword returns the password from stdin when asked, else a fresh
// random one; generated reports which. Either is a one-time password:
// the user must change it at the first sign-in.
func newPassword(cmd *cobra.Command, fromStdin bool) (pw string, generated bool, err error) {
	if fromStdin {
		pw, err = readPassword(cmd.InOrStdin())
		return pw, false, err
	}
	pw, err = auth.OneTimePassword()
	return pw, true, err
}

func userCmd(env *Env) *cobra.Command {
	cmd := &cobra.Command{Use: "user", Short: "Manage users: add, disable, enable, reset (password or two-factor), list, token, revoke"}

	var role, org, authority, name, lang string
	var pwStdin bool
	add := &cobra.Command{
		Use:   "add USERNAME",
		Short: "Create a user and print a one-time password (or read one from stdin with --password-stdin); it expires after the setting password.onetime_hours and must be changed at the first sign-in",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := systemCtx(cmd.Context())
			pw, generated, err := newPassword(cmd, pwStdin)
			if err != nil {
				return err
			}
			db, err := env.Open(ctx)
			if err != nil {
				return err
			}
			defer db.Close()
			u := &nrm.User{Username: args[0], DisplayName: name, Role: nrm.Role(role), Org: org, Authority: nrm.Authority(strings.ToUpper(authority)), Lang: nrm.Lang(lang)}
			if err := db.CreateUser(ctx, u, pw); err != nil {
				return err
			}
			fmt.Fprintf(env.Stdout, msg(env.lang(), "Bruger %q oprettet (%s, %s).\n", "User %q created (%s, %s).\n"), u.Username, u.Role.Label(env.lang()), u.Org)
			if generated {
				printOneTime(env, pw)
			}
			printFirstSignIn(env, u)
			return nil
		},
	}
	add.Flags().StringVar(&role, "role", "", "role: admin, coordinator, assessor, caseworker, analyst or auditor (required)")
	add.Flags().StringVar(&org, "org", "", "organisation code, e.g. CMM (required)")
	add.Flags().StringVar(&authority, "authority", "", "for assessors: the authority they decide for, US or CMM")
	add.Flags().StringVar(&name, "name", "", "display name")
	add.Flags().StringVar(&lang, "user-lang", "", "the user's language: da or en")
	add.Flags().BoolVar(&pwStdin, "password-stdin", false, "read the password from the first line of stdin instead of generating one")
	add.MarkFlagRequired("role")
	add.MarkFlagRequired("org")
	cmd.AddCommand(add)

	for _, disable := range []bool{true, false} {
		use, short := "enable USERNAME", "Let a disabled user sign in again"
		if disable {
			use, short = "disable USERNAME", "Stop a user from signing in; their sessions end and their API tokens stop working"
		}
		cmd.AddCommand(&cobra.Command{
			Use:   use,
			Short: short,
			Args:  cobra.ExactArgs(1),
			RunE: env.withDB(func(cmd *cobra.Command, args []string, ctx context.Context, db *sqlstore.DB) error {
				if err := db.SetDisabled(ctx, args[0], disable); err != nil {
					return err
				}
				if disable {
					fmt.Fprintf(env.Stdout, msg(env.lang(), "Bruger %q er spærret.\n", "User %q is disabled.\n"), args[0])
				} else {
					fmt.Fprintf(env.Stdout, msg(env.lang(), "Bruger %q er genåbnet.\n", "User %q is enabled.\n"), args[0])
				}
				return nil
			}),
		})
	}

	var resetStdin, resetTOTP, resetPassword, clearTOTP bool
	reset := &cobra.Command{
		Use:   "reset USERNAME [--twofactor [--password]]",
		Short: "Give a user a new one-time password and lift a lock-out, or with --twofactor reset their two-factor sign-in; their sessions end",
		Long: `reset gives the user a new one-time password (printed once; it expires after the
setting password.onetime_hours and must be changed at the first sign-in) and lifts
a lock-out after failed sign-ins.

--twofactor instead removes the user's two-factor sign-in (TOTP) and recovery
codes, e.g. after a lost phone: the user keeps the password and sets up
two-factor sign-in again at the next sign-in. --twofactor --password does both.
Either way the user's sessions end.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := systemCtx(cmd.Context())
			if clearTOTP {
				resetTOTP, resetPassword = true, true
			}
			password := !resetTOTP || resetPassword
			db, err := env.Open(ctx)
			if err != nil {
				return err
			}
			defer db.Close()
			u, err := db.FindUserByUsername(ctx, args[0])
			if err != nil {
				return err
			}
			var pw string
			if password {
				if resetStdin {
					if pw, err = readPassword(cmd.InOrStdin()); err != nil {
						return err
					}
					err = db.SetPassword(ctx, u.Username, pw)
					pw = ""
				} else {
					pw, err = db.ResetPassword(ctx, u.Username)
				}
				if err != nil {
					return err
				}
			}
			if resetTOTP {
				if err := db.ResetTOTP(ctx, u.Username); err != nil {
					return err
				}
			}
			l := env.lang()
			if password {
				fmt.Fprintf(env.Stdout, msg(l, "Adgangskoden for %q er nulstillet, og en eventuel spærring efter fejlede login er ophævet.\n",
					"The password of %q is reset and any lock-out after failed sign-ins is lifted.\n"), u.Username)
			}
			if resetTOTP {
				fmt.Fprintf(env.Stdout, msg(l, "Totrinsgodkendelsen og gendannelseskoderne for %q er fjernet; brugeren sætter totrinsgodkendelse op igen ved næste login.\n",
					"Two-factor sign-in and the recovery codes of %q are removed; the user sets up two-factor sign-in again at the next sign-in.\n"), u.Username)
			}
			if pw != "" {
				printOneTime(env, pw)
			}
			if u, err = db.FindUserByUsername(ctx, u.Username); err != nil {
				return err
			}
			printFirstSignIn(env, u)
			return nil
		},
	}
	reset.Flags().BoolVar(&resetStdin, "password-stdin", false, "read the new one-time password from the first line of stdin instead of generating one")
	reset.Flags().BoolVar(&resetTOTP, "twofactor", false, "reset the user's two-factor sign-in (TOTP) and recovery codes instead of the password, e.g. after a lost phone")
	reset.Flags().BoolVar(&resetPassword, "password", false, "with --twofactor: reset the password too")
	reset.Flags().BoolVar(&clearTOTP, "clear-totp", false, "the same as --twofactor --password")
	reset.Flags().MarkHidden("clear-totp")
	cmd.AddCommand(reset)

	var asJSON bool
	list := &cobra.Command{
		Use:   "list",
		Short: "List users with role, organisation and status",
		Args:  cobra.NoArgs,
		RunE: env.withDB(func(cmd *cobra.Command, args []string, ctx context.Context, db *sqlstore.DB) error {
			users, err := db.FindUsers(ctx)
			if err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(env.Stdout)
				for _, u := range users {
					if err := enc.Encode(u); err != nil {
						return err
					}
				}
				return nil
			}
			l := env.lang()
			w := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, msg(l, "BRUGERNAVN\tNAVN\tROLLE\tORGANISATION\tMYNDIGHED\tSTATUS\tADGANGSKODE\tTOTRIN\tSIDSTE LOGIN",
				"USERNAME\tNAME\tROLE\tORGANISATION\tAUTHORITY\tSTATUS\tPASSWORD\tTWO-FACTOR\tLAST SIGN-IN"))
			now := time.Now()
			for _, u := range users {
				status := msg(l, "aktiv", "active")
				switch {
				case u.Disabled:
					status = msg(l, "spærret", "disabled")
				case u.LockedUntil != nil && u.LockedUntil.After(now):
					status = msg(l, "låst til ", "locked until ") + u.LockedUntil.Local().Format("2006-01-02 15:04")
				}
				totp := msg(l, "nej", "no")
				switch {
				case u.TOTPEnabled:
					totp = msg(l, "ja", "yes") + fmt.Sprintf(msg(l, " (%d gendannelseskoder)", " (%d recovery codes)"), u.RecoveryCodesLeft)
				case u.TOTPRequired:
					totp = msg(l, "krævet, ikke sat op", "required, not set up")
				}
				password := msg(l, "egen", "own")
				if e := u.PasswordExpiresAt; e != nil && e.After(now) {
					password = msg(l, "engangs til ", "one-time until ") + e.Local().Format("2006-01-02 15:04")
				} else if e != nil {
					password = msg(l, "engangs, udløbet", "one-time, expired")
				}
				last := "-"
				if u.LastLoginAt != nil {
					last = u.LastLoginAt.Local().Format("2006-01-02 15:04")
				}
				auth := string(u.Authority)
				if auth == "" {
					auth = "-"
				}
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", u.Username, u.DisplayName, u.Role, u.Org, auth, status, password, totp, last)
			}
			return w.Flush()
		}),
	}
	list.Flags().BoolVar(&asJSON, "json", false, "print JSON lines")
	cmd.AddCommand(list)

	var tokenName string
	token := &cobra.Command{
		Use:   "token USERNAME",
		Short: "Issue an API token for an integration acting as the user; it is printed once",
		Args:  cobra.ExactArgs(1),
		RunE: env.withDB(func(cmd *cobra.Command, args []string, ctx context.Context, db *sqlstore.DB) error {
			tok, err := db.CreateAPIToken(ctx, args[0], tokenName)
			if err != nil {
				return err
			}
			fmt.Fprintf(env.Stderr, msg(env.lang(), "API-nøgle %q udstedt til %q. Den vises kun denne ene gang; gem den sikkert.\n",
				"API token %q issued for %q. It is shown only this once; store it safely.\n"), tokenName, args[0])
			fmt.Fprintln(env.Stdout, tok)
			return nil
		}),
	}
	token.Flags().StringVar(&tokenName, "name", "", "what the token is for, e.g. eurostat-export (required)")
	token.MarkFlagRequired("name")
	cmd.AddCommand(token)

	var revokeName string
	revoke := &cobra.Command{
		Use:   "revoke USERNAME",
		Short: "Revoke a user's API token by name; the integration using it is locked out at once",
		Args:  cobra.ExactArgs(1),
		RunE: env.withDB(func(cmd *cobra.Command, args []string, ctx context.Context, db *sqlstore.DB) error {
			if err := db.RevokeAPIToken(ctx, args[0], revokeName); err != nil {
				return err
			}
			fmt.Fprintf(env.Stdout, msg(env.lang(), "API-nøgle %q for %q er tilbagekaldt.\n", "API token %q of %q revoked.\n"), revokeName, args[0])
			return nil
		}),
	}
	revoke.Flags().StringVar(&revokeName, "name", "", "the token's name (required)")
	revoke.MarkFlagRequired("name")
	cmd.AddCommand(revoke)
	return cmd
}

// printOneTime shows a generated password once, with how to hand it over.
func printOneTime(env *Env, pw string) {
	fmt.Fprintf(env.Stdout, msg(env.lang(), "Engangsadgangskode: %s\nGiv den til brugeren ad en sikker kanal; den vises ikke igen.\n",
		"One-time password: %s\nGive it to the user over a secure channel; it is not shown again.\n"), pw)
}

// printFirstSignIn says what the user must do at the next sign-in: change
// a one-time password before it expires, set up two-factor sign-in.
func printFirstSignIn(env *Env, u *nrm.User) {
	l := env.lang()
	if u.PasswordExpiresAt != nil {
		fmt.Fprintf(env.Stdout, msg(l, "Engangsadgangskoden virker til %s og skal skiftes ved første login.\n",
			"The one-time password works until %s and must be changed at the first sign-in.\n"), u.PasswordExpiresAt.Local().Format("2006-01-02 15:04"))
	}
	if u.MustEnrolTOTP() {
		fmt.Fprintln(env.Stdout, msg(l, "Rollen skal bruge totrinsgodkendelse: brugeren sætter den op med en godkendelses-app ved første login og får gendannelseskoder.",
			"The role must use two-factor sign-in: the user sets it up with an authenticator app at the first sign-in and gets recovery codes."))
	}
}
