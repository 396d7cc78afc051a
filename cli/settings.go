package cli

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"nrm"
	"nrm/sqlstore"

	"github.com/spf13/cobra"
)

func init() {
	commands = append(commands, settingsCmd)
}

func settingsCmd(env *Env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "settings",
		Short: "List, show, change or reset the settings (one-time password validity, two-factor roles, statistics clearance, …)",
		Long: `The settings apply to the whole system. Only the known settings exist; each
value is checked (a refused one changes nothing), and every change is written to
the audit log with the old and the new value.`,
	}

	cmd.AddCommand(&cobra.Command{
		Use:   "list",
		Short: "List every setting with its value, whether the default applies, and what it takes",
		Args:  cobra.NoArgs,
		RunE: env.withDB(func(cmd *cobra.Command, args []string, ctx context.Context, db *sqlstore.DB) error {
			vals, err := db.FindSettings(ctx)
			if err != nil {
				return err
			}
			l := env.lang()
			w := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, msg(l, "NØGLE\tVÆRDI\tINDSTILLING", "KEY\tVALUE\tSETTING"))
			for _, v := range vals {
				fmt.Fprintf(w, "%s\t%s\t%s\n", v.Def.Key, settingShown(l, v), v.Def.Label(l))
			}
			return w.Flush()
		}),
	})

	cmd.AddCommand(&cobra.Command{
		Use:   "get KEY",
		Short: "Print a setting's value in force (the stored one, else the default)",
		Args:  cobra.ExactArgs(1),
		RunE: env.withDB(func(cmd *cobra.Command, args []string, ctx context.Context, db *sqlstore.DB) error {
			v, err := findSetting(ctx, db, args[0])
			if err != nil {
				return err
			}
			fmt.Fprintln(env.Stdout, v.Effective())
			return nil
		}),
	})

	cmd.AddCommand(&cobra.Command{
		Use:   "set KEY VALUE",
		Short: "Change a setting; the value is checked first (an empty value is allowed where the setting takes one)",
		Args:  cobra.ExactArgs(2),
		RunE: env.withDB(func(cmd *cobra.Command, args []string, ctx context.Context, db *sqlstore.DB) error {
			if err := db.SetSetting(ctx, args[0], args[1]); err != nil {
				return err
			}
			v, err := findSetting(ctx, db, args[0])
			if err != nil {
				return err
			}
			l := env.lang()
			fmt.Fprintf(env.Stdout, msg(l, "%s (%s) er nu %s.\n", "%s (%s) is now %s.\n"), v.Def.Label(l), v.Def.Key, settingShown(l, v))
			return nil
		}),
	})

	cmd.AddCommand(&cobra.Command{
		Use:   "reset KEY",
		Short: "Return a setting to its default",
		Args:  cobra.ExactArgs(1),
		RunE: env.withDB(func(cmd *cobra.Command, args []string, ctx context.Context, db *sqlstore.DB) error {
			if err := db.ResetSetting(ctx, args[0]); err != nil {
				return err
			}
			v, err := findSetting(ctx, db, args[0])
			if err != nil {
				return err
			}
			l := env.lang()
			fmt.Fprintf(env.Stdout, msg(l, "%s (%s) er nu %s.\n", "%s (%s) is now %s.\n"), v.Def.Label(l), v.Def.Key, settingShown(l, v))
			return nil
		}),
	})
	return cmd
}

// findSetting returns the known setting key with its stored value.
func findSetting(ctx context.Context, db *sqlstore.DB, key string) (*nrm.SettingValue, error) {
	def, err := nrm.LookupSetting(key)
	if err != nil {
		return nil, err
	}
	vals, err := db.FindSettings(ctx)
	if err != nil {
		return nil, err
	}
	for _, v := range vals {
		if v.Def.Key == def.Key {
			return v, nil
		}
	}
	return nil, fmt.Errorf("setting %s not listed", def.Key)
}

// settingShown is a setting's value in force for a table or a sentence:
// quoted, marked when it is the default, text shortened to its first line.
func settingShown(l nrm.Lang, v *nrm.SettingValue) string {
	val := v.Effective()
	if v.Def.Text {
		if first, _, more := strings.Cut(val, "\n"); more {
			val = first + " …"
		}
		if r := []rune(val); len(r) > 60 {
			val = string(r[:60]) + "…"
		}
	}
	s := fmt.Sprintf("%q", val)
	if !v.Set {
		s += msg(l, " (standard)", " (default)")
	}
	return s
}
