package cli

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"

	"nrm"
	"nrm/auth"
	"nrm/bundle"
	"nrm/demo"
	demoplan "nrm/demo/plan"
	"nrm/planio"
	"nrm/sqlstore"

	"github.com/spf13/cobra"
)

func init() {
	commands = append(commands, demoCmd)
}

func demoCmd(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:   "demo",
		Short: "Load the demo data: organisations, the 2007–2012 cases, prosecution rows, the 2011–2014 action plan with outputs, funding, working groups and evaluation, the reference network and the outreach services' visits",
		Args:  cobra.NoArgs,
		RunE: env.withDB(func(cmd *cobra.Command, args []string, ctx context.Context, db *sqlstore.DB) error {
			return LoadDemo(ctx, db, env)
		}),
	}
}

// DemoAdmin is the user the demo creates.
const DemoAdmin = "admin"

// LoadDemo loads the demo data into db. It is idempotent: loading twice
// changes nothing. On first load it creates the administrator "admin" and
// prints a one-time password.
func LoadDemo(ctx context.Context, db *sqlstore.DB, env *Env) error {
	ctx = systemCtx(ctx)
	read := func(name string) ([]byte, error) { return fs.ReadFile(demoplan.FS, name) }
	b, err := read("organisations.csv")
	if err != nil {
		return err
	}
	orgs, err := planio.ReadOrganisationsCSV(bytes.NewReader(b))
	if err != nil {
		return err
	}
	for i := range orgs {
		if err := db.UpsertOrganisation(ctx, &orgs[i]); err != nil {
			return fmt.Errorf("demo organisation %s: %w", orgs[i].Code, err)
		}
	}
	sub, err := fs.Sub(demo.Bundle, "bundle")
	if err != nil {
		return err
	}
	res, err := bundle.Import(ctx, bundle.FS(sub), db, bundle.Options{})
	if err != nil {
		return err
	}
	if b, err = read("actionplan_2011_2014.yaml"); err != nil {
		return err
	}
	plan, err := planio.ReadPlanYAML(bytes.NewReader(b))
	if err != nil {
		return err
	}
	if err := db.SavePlan(ctx, plan); err != nil {
		return fmt.Errorf("demo plan: %w", err)
	}
	if b, err = read("network.yaml"); err != nil {
		return err
	}
	net, err := planio.ReadNetworkYAML(bytes.NewReader(b))
	if err != nil {
		return err
	}
	if err := saveNetwork(ctx, db, net); err != nil {
		return fmt.Errorf("demo network: %w", err)
	}
	work, err := loadPlanWork(ctx, db, plan.Code)
	if err != nil {
		return fmt.Errorf("demo plan work: %w", err)
	}
	if _, _, err := loadDemoStatsNotes(ctx, db); err != nil {
		return fmt.Errorf("demo source notes: %w", err)
	}
	fmt.Fprintf(env.Stdout, msg(env.lang(), "Demodata indlæst: %d organisationer, %d nye og %d uændrede sager, handlingsplanen %s, %d referencegrupper.\n",
		"Demo data loaded: %d organisations, %d new and %d unchanged cases, action plan %s, %d reference groups.\n"),
		len(orgs), res.Created, res.Unchanged, plan.Code, len(net.Groups))
	fmt.Fprintf(env.Stdout, msg(env.lang(), "Planens arbejde: %d resultater, %d bevillinger, %d arbejdsgrupper og %d evaluering; %d opsøgende tilbud med %d besøgsopgørelser.\n",
		"The plan's work: %d outputs, %d funding entries, %d working groups and %d evaluation; %d outreach services with %d visit counts.\n"),
		work.outputs, work.funding, work.groups, work.evaluations, len(net.Services), len(net.Stats))
	if _, err := db.FindUserByUsername(ctx, DemoAdmin); nrm.ErrorCode(err) == nrm.ENOTFOUND {
		pw, err := auth.OneTimePassword()
		if err != nil {
			return err
		}
		u := &nrm.User{Username: DemoAdmin, DisplayName: "Demo administrator", Role: nrm.RoleAdmin, Org: "CMM"}
		if err := db.CreateUser(ctx, u, pw); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, msg(env.lang(), "Administrator %q oprettet med engangsadgangskoden: %s\n(den vises ikke igen og virker til %s; ved første login skifter du den og slår totrinsgodkendelse til med en godkendelses-app)\n",
			"Administrator %q created with the one-time password: %s\n(it is not shown again and works until %s; at the first sign-in you change it and set up two-factor sign-in with an authenticator app)\n"),
			DemoAdmin, pw, u.PasswordExpiresAt.Local().Format("2006-01-02 15:04"))
	} else if err != nil {
		return err
	} else {
		// A second load: the password was shown the first time only. (A
		// PostgreSQL URL may hold a password: it is not repeated.)
		db := env.DB
		if sqlstore.IsPostgres(db) {
			db = "…"
		}
		fmt.Fprintf(env.Stdout, msg(env.lang(), "Administratoren %q findes allerede; dens adgangskode blev kun vist første gang. En ny engangsadgangskode: nrm --db %s user reset %s\n",
			"The administrator %q exists already; its password was shown the first time only. A new one-time password: nrm --db %s user reset %s\n"),
			DemoAdmin, db, DemoAdmin)
	}
	return nil
}

// saveNetwork stores reference groups, meetings and outreach statistics,
// skipping meetings that are already there.
func saveNetwork(ctx context.Context, db *sqlstore.DB, n *nrm.Network) error {
	for i := range n.Groups {
		if err := db.SaveGroup(ctx, &n.Groups[i]); err != nil {
			return err
		}
	}
	have, err := db.FindMeetings(ctx, "")
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, m := range have {
		seen[m.GroupCode+"|"+m.Date.String()] = true
	}
	for i := range n.Meetings {
		m := &n.Meetings[i]
		if seen[m.GroupCode+"|"+m.Date.String()] {
			continue
		}
		if err := db.AddMeeting(ctx, m); err != nil {
			return err
		}
	}
	for i := range n.Services {
		if err := db.SaveOutreachService(ctx, &n.Services[i]); err != nil {
			return err
		}
	}
	for i := range n.Stats {
		if err := db.SaveOutreachStat(ctx, &n.Stats[i]); err != nil {
			return err
		}
	}
	return nil
}

// planWorkCounts is what the demo holds of the plan's work.
type planWorkCounts struct {
	outputs, funding, groups, evaluations int
}

// loadPlanWork loads the demo's outputs and funding, working groups and
// evaluation of the plan. Like the rest of the demo it changes nothing
// the second time: outputs are added only to a plan without outputs,
// funding entries replace those of the same activity, year and line,
// working groups and the evaluation are added only when missing (so
// that edits made since are kept).
func loadPlanWork(ctx context.Context, db *sqlstore.DB, planCode string) (planWorkCounts, error) {
	var n planWorkCounts
	read := func(name string) ([]byte, error) { return fs.ReadFile(demoplan.FS, name) }
	b, err := read("outputs_2011_2014.yaml")
	if err != nil {
		return n, err
	}
	f, err := planio.ReadOutputsYAML(bytes.NewReader(b))
	if err != nil {
		return n, err
	}
	have, err := db.FindOutputs(ctx, planCode)
	if err != nil {
		return n, err
	}
	outs := f.Outputs
	if len(have) > 0 {
		outs = nil
	}
	if err := db.ImportPlanWork(ctx, planCode, outs, f.Funding, false, false); err != nil {
		return n, planio.LocateImportError(err, append(append([]int{}, f.OutputLines[:len(outs)]...), f.FundingLines...))
	}
	n.outputs, n.funding = len(f.Outputs), len(f.Funding)
	if b, err = read("workgroups.yaml"); err != nil {
		return n, err
	}
	groups, err := planio.ReadWorkGroupsYAML(bytes.NewReader(b))
	if err != nil {
		return n, err
	}
	existing, err := db.FindWorkGroups(ctx)
	if err != nil {
		return n, err
	}
	exists := map[string]bool{}
	for _, g := range existing {
		exists[g.Code] = true
	}
	for _, g := range groups {
		if !exists[g.Code] {
			if err := db.SaveWorkGroup(ctx, g); err != nil {
				return n, err
			}
		}
	}
	n.groups = len(groups)
	if b, err = read("evaluation_2011_2014.yaml"); err != nil {
		return n, err
	}
	ef, err := planio.ReadOutputsYAML(bytes.NewReader(b))
	if err != nil {
		return n, err
	}
	if ef.Evaluation != nil {
		if _, err := db.FindEvaluation(ctx, planCode); nrm.ErrorCode(err) == nrm.ENOTFOUND {
			if err := db.SaveEvaluation(ctx, planCode, ef.Evaluation); err != nil {
				return n, err
			}
		} else if err != nil {
			return n, err
		}
		n.evaluations = 1
	}
	return n, nil
}
