package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"net/smtp"
	"os"
	"strings"
	"text/tabwriter"

	"nrm"
	"nrm/notify"
	"nrm/sqlstore"

	"github.com/spf13/cobra"
)

func init() {
	commands = append(commands, tasksCmd)
	for path, h := range map[string]helpText{
		"nrm tasks": {short: "Opgavelisten: frister, der nærmer sig eller er overskredet, og e-mail-oversigten"},
		"nrm tasks list": {short: "Vis opgaverne, der forfalder inden for perioden eller er overskredet",
			long: `Viser opgaverne efter frist: refleksionsperioder, der udløber, henvisninger, der afventer svar,
vurderinger, der har ventet for længe, frister for genoptagelse, lange ophold på krisecenter,
ubesvarede tilbud og identifikationsoplysninger, der skal slettes. Kun sagsreferencer, aldrig
oplysninger om personen. Med --user vises listen, som brugeren ser den.`,
			flags: map[string]string{
				"within": "antal dage frem, fx 14, 14d eller 2w (standard 14)",
				"org":    "kun sager, som organisationen ejer",
				"kind":   "kun opgaver af denne type",
				"user":   "vis listen, som denne bruger ser den",
				"json":   "skriv JSON",
			}},
		"nrm tasks digest": {short: "Send hver bruger med en e-mailadresse en oversigt over sine opgaver (SMTP)",
			long: `Sender hver aktiv bruger med en e-mailadresse (nrm tasks email) en oversigt: antal opgaver
efter type og sagsreferencerne med frister — aldrig oplysninger om personen. Hver sendt
oversigt skrives i revisionsloggen. Serveren kan også gives i NRM_SMTP_ADDR, afsenderen i
NRM_SMTP_FROM og et login i NRM_SMTP_USER og NRM_SMTP_PASSWORD (kun over TLS eller til localhost).`,
			flags: map[string]string{
				"smtp":     "SMTP-server som vært:port (NRM_SMTP_ADDR)",
				"from":     "afsenderadresse (NRM_SMTP_FROM)",
				"to-role":  "kun brugere med disse roller, adskilt af komma",
				"within":   "antal dage frem, fx 14, 14d eller 2w (standard 14)",
				"base-url": "nrm's adresse, så linket til opgavelisten virker, fx https://nrm.example",
			}},
		"nrm tasks email": {short: "Sæt eller fjern den e-mailadresse, en bruger får oversigten over sine opgaver på",
			flags: map[string]string{"remove": "fjern adressen"}},
	} {
		helpDA[path] = h
	}
	useWordsDA["ADDRESS"] = "ADRESSE"
}

func tasksCmd(env *Env) *cobra.Command {
	cmd := &cobra.Command{Use: "tasks", Short: "The worklist: deadlines coming up or passed, and the e-mail digest"}
	cmd.AddCommand(tasksListCmd(env), tasksDigestCmd(env), tasksEmailCmd(env))
	return cmd
}

func tasksListCmd(env *Env) *cobra.Command {
	var within, org, kind, user string
	var asJSON bool
	c := &cobra.Command{
		Use:   "list",
		Short: "List the tasks due within the window or overdue",
		Long: `List the tasks by due date: reflection periods ending, referrals awaiting an answer,
assessments waiting too long, reconsideration deadlines, long crisis-shelter stays,
unanswered offers and identifiers due for purging. Case references only, never anything
about the person. With --user, the list as that user sees it.`,
		Args: cobra.NoArgs,
		RunE: env.withDB(func(cmd *cobra.Command, args []string, ctx context.Context, db *sqlstore.DB) error {
			l := env.lang()
			f := nrm.TaskFilter{Org: strings.ToUpper(strings.TrimSpace(org)), Kind: nrm.TaskKind(kind)}
			if within != "" {
				n, err := nrm.ParseWithin(within)
				if err != nil {
					return err
				}
				f.Within = n
			}
			if user != "" {
				u, err := db.FindUserByUsername(ctx, user)
				if err != nil {
					return err
				}
				ctx = nrm.NewContextWithActor(ctx, u.Actor("cli"))
			}
			counts, err := db.CountTasks(ctx, f)
			if err != nil {
				return err
			}
			var tasks []*nrm.Task
			if nrm.ActorFromContext(ctx).Role != nrm.RoleCoordinator {
				if tasks, err = db.FindTasks(ctx, f); err != nil {
					return err
				}
			}
			if asJSON {
				enc := json.NewEncoder(env.Stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(struct {
					Within int             `json:"within"`
					Counts *nrm.TaskCounts `json:"counts"`
					Tasks  []*nrm.Task     `json:"tasks"`
				}{f.WithinDays(), counts, tasks})
			}
			tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, msg(l, "SAG\tOPGAVE\tFRIST\tDAGE", "CASE\tTASK\tDUE\tDAYS"))
			for _, t := range tasks {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%d\n", t.CaseRef, t.Kind.Label(l), t.Due, t.DaysLeft)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			fmt.Fprintf(env.Stdout, msg(l, "%d opgaver inden for %d dage, heraf %d overskredet.\n", "%d tasks within %d days, %d of them overdue.\n"),
				counts.Total, f.WithinDays(), counts.Overdue)
			return nil
		}),
	}
	c.Flags().StringVar(&within, "within", "", "days ahead, e.g. 14, 14d or 2w (default 14)")
	c.Flags().StringVar(&org, "org", "", "only cases the organisation owns")
	c.Flags().StringVar(&kind, "kind", "", "only tasks of this kind")
	c.Flags().StringVar(&user, "user", "", "list as this user sees it")
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return c
}

func tasksDigestCmd(env *Env) *cobra.Command {
	var addr, from, roles, within, baseURL string
	c := &cobra.Command{
		Use:   "digest",
		Short: "E-mail each user with an address a digest of their tasks (SMTP)",
		Long: `Send each enabled user with an e-mail address (nrm tasks email) a digest: the number of
tasks by kind and the case references with due dates — never anything about the person.
Each digest sent is written to the audit log. The server can also be given in
NRM_SMTP_ADDR, the sender in NRM_SMTP_FROM and a login in NRM_SMTP_USER and
NRM_SMTP_PASSWORD (sent only over TLS or to localhost).`,
		Args: cobra.NoArgs,
		RunE: env.withDB(func(cmd *cobra.Command, args []string, ctx context.Context, db *sqlstore.DB) error {
			l := env.lang()
			o, err := digestOptions(addr, from, roles, within, baseURL)
			if err != nil {
				return err
			}
			res, err := notify.SendDigests(ctx, db, o)
			if err != nil {
				return err
			}
			fmt.Fprintf(env.Stdout, msg(l, "%d oversigter sendt; %d brugere havde ingen opgaver.\n", "%d digests sent; %d users had no tasks.\n"), res.Sent, res.Skipped)
			return nil
		}),
	}
	c.Flags().StringVar(&addr, "smtp", "", "SMTP server host:port (NRM_SMTP_ADDR)")
	c.Flags().StringVar(&from, "from", "", "sender address (NRM_SMTP_FROM)")
	c.Flags().StringVar(&roles, "to-role", "", "only users of these roles, separated by commas")
	c.Flags().StringVar(&within, "within", "", "days ahead, e.g. 14, 14d or 2w (default 14)")
	c.Flags().StringVar(&baseURL, "base-url", "", "nrm's address for the worklist's link, e.g. https://nrm.example")
	return c
}

func tasksEmailCmd(env *Env) *cobra.Command {
	var remove bool
	c := &cobra.Command{
		Use:   "email USERNAME [ADDRESS]",
		Short: "Set or remove the address a user's task digest goes to",
		Args:  cobra.RangeArgs(1, 2),
		RunE: env.withDB(func(cmd *cobra.Command, args []string, ctx context.Context, db *sqlstore.DB) error {
			l := env.lang()
			addr := ""
			if len(args) == 2 {
				addr = args[1]
			}
			if addr == "" && !remove {
				cur, err := db.TaskEmail(ctx, args[0])
				if err != nil {
					return err
				}
				fmt.Fprintln(env.Stdout, firstOf(cur, msg(l, "(ingen adresse)", "(no address)")))
				return nil
			}
			if remove {
				addr = ""
			}
			if err := db.SetTaskEmail(ctx, args[0], addr); err != nil {
				return err
			}
			fmt.Fprintln(env.Stdout, msg(l, "Adressen er gemt.", "The address is saved."))
			return nil
		}),
	}
	c.Flags().BoolVar(&remove, "remove", false, "remove the address")
	return c
}

// digestOptions builds the options of an e-mail digest from the flags
// of nrm tasks digest (or serve --digest-at), the server, sender and login
// falling back to NRM_SMTP_ADDR, NRM_SMTP_FROM, NRM_SMTP_USER and
// NRM_SMTP_PASSWORD.
func digestOptions(addr, from, roles, within, baseURL string) (notify.Options, error) {
	o := notify.Options{Addr: firstOf(addr, os.Getenv("NRM_SMTP_ADDR")), From: firstOf(from, os.Getenv("NRM_SMTP_FROM")), BaseURL: baseURL}
	if within != "" {
		n, err := nrm.ParseWithin(within)
		if err != nil {
			return o, err
		}
		o.Within = n
	}
	if roles != "" {
		rs, err := parseRoles(roles)
		if err != nil {
			return o, err
		}
		o.Roles = rs
	}
	if u := os.Getenv("NRM_SMTP_USER"); u != "" {
		host, _, _ := strings.Cut(o.Addr, ":")
		o.Auth = smtp.PlainAuth("", u, os.Getenv("NRM_SMTP_PASSWORD"), host)
	}
	return o, nil
}

func firstOf(xs ...string) string {
	for _, x := range xs {
		if strings.TrimSpace(x) != "" {
			return strings.TrimSpace(x)
		}
	}
	return ""
}

// parseRoles reads roles separated by commas.
func parseRoles(s string) ([]nrm.Role, error) {
	var out []nrm.Role
	for _, p := range strings.Split(s, ",") {
		r := nrm.Role(strings.ToLower(strings.TrimSpace(p)))
		if r == "" {
			continue
		}
		if !r.Valid() {
			return nil, &nrm.Error{Code: nrm.EINVALID, Message: "Unknown role.", Fields: []nrm.FieldError{{Field: "role", Rule: nrm.RuleOneOf, Value: p,
				Expected: "admin, coordinator, assessor, caseworker"}}}
		}
		out = append(out, r)
	}
	return out, nil
}
