package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"

	"nrm"
	"nrm/sqlstore"

	"github.com/spf13/cobra"
)

func init() {
	commands = append(commands, referralCmd, consentCmd, queueCmd)
}

// parseDateFlag parses a YYYY-MM-DD flag value; "" is the zero date.
func parseDateFlag(field, s string) (nrm.Date, *nrm.FieldError) {
	if s == "" {
		return nrm.Date{}, nil
	}
	d, err := nrm.ParseDate(s)
	if err != nil {
		return nrm.Date{}, &nrm.FieldError{Field: field, Rule: nrm.RuleFormat, Value: s, Expected: "YYYY-MM-DD"}
	}
	return d, nil
}

// flagErrors is the EINVALID error for bad flag values, nil for none.
func flagErrors(fields ...*nrm.FieldError) error {
	var out []nrm.FieldError
	for _, f := range fields {
		if f != nil {
			out = append(out, *f)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return &nrm.Error{Code: nrm.EINVALID, Message: "Invalid command-line values.", Fields: out}
}

// parseID parses a numeric id argument.
func parseID(field, s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, flagErrors(&nrm.FieldError{Field: field, Rule: nrm.RuleFormat, Value: s, Expected: "a number"})
	}
	return id, nil
}

// splitFlag splits a comma-separated flag value, trimmed, without empties.
func splitFlag(s string) []string {
	var out []string
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// caseID resolves a case reference to its id (an audited read).
func caseID(ctx context.Context, db *sqlstore.DB, ref string) (int64, error) {
	c, err := db.FindCaseByRef(ctx, ref)
	if err != nil {
		return 0, err
	}
	return c.ID, nil
}

func referralCmd(env *Env) *cobra.Command {
	cmd := &cobra.Command{Use: "referral", Short: "Refer people between organisations: list, send, accept, return, withdraw, revoke"}

	var in, out, asJSON bool
	var status string
	list := &cobra.Command{
		Use:   "list [--in|--out] [--status S]",
		Short: "List referrals, newest first (no identifiers, no reasons)",
		Args:  cobra.NoArgs,
		RunE: env.withDB(func(cmd *cobra.Command, args []string, ctx context.Context, db *sqlstore.DB) error {
			f := nrm.ReferralFilter{Status: nrm.ReferralStatus(status), Limit: 500}
			switch {
			case in && out:
				return flagErrors(&nrm.FieldError{Field: "direction", Rule: nrm.RuleNotAllowed, Value: "in+out", Expected: "--in or --out, not both"})
			case in:
				f.Direction = "in"
			case out:
				f.Direction = "out"
			}
			rs, total, err := db.FindReferrals(ctx, f)
			if err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(env.Stdout)
				for _, r := range rs {
					if err := enc.Encode(r); err != nil {
						return err
					}
				}
				return nil
			}
			l := env.lang()
			w := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, msg(l, "ID\tSAG\tFRA\tTIL\tFORMÅL\tDATO\tSTATUS\tDAGE", "ID\tCASE\tFROM\tTO\tPURPOSE\tDATE\tSTATUS\tDAYS"))
			for _, r := range rs {
				st := r.Status.Label(l)
				if r.Status == nrm.ReferralAccepted && !r.AccessRevokedOn.IsZero() {
					st += msg(l, " (adgang fjernet)", " (access revoked)")
				}
				fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%d\n", r.ID, r.CaseRef, r.FromOrg, r.ToOrg, r.Purpose.Label(l), r.Date, st, r.DaysWaiting)
			}
			if err := w.Flush(); err != nil {
				return err
			}
			if total > len(rs) {
				fmt.Fprintf(env.Stdout, msg(l, "(%d af %d vist)\n", "(%d of %d shown)\n"), len(rs), total)
			}
			return nil
		}),
	}
	list.Flags().BoolVar(&in, "in", false, "only referrals received")
	list.Flags().BoolVar(&out, "out", false, "only referrals sent")
	list.Flags().StringVar(&status, "status", "", "only this status: sent, accepted, returned or withdrawn")
	list.Flags().BoolVar(&asJSON, "json", false, "print JSON lines")

	var to, from, purpose, date, reason, routeReason, municipality, informed string
	var indicators []string
	var consentID int64
	send := &cobra.Command{
		Use:   "send CASE_REF --to ORG --purpose assessment|support --date D --reason TEXT",
		Short: "Refer a case to the competent authority (US or CMM by residence status) or a support provider",
		Long: `Refer a case to another organisation. An assessment goes to the competent authority:
US for asylum seekers and people without legal stay, CMM for people with legal stay;
another choice needs --route-reason. The referral rests on the person's consent
(--consent-id, see "nrm consent give"); for a minor no consent is needed and the
municipality informed is recorded instead (--municipality, --informed). The command
line sends on behalf of --from (an organisation with access to the case).`,
		Args: cobra.ExactArgs(1),
		RunE: env.withDB(func(cmd *cobra.Command, args []string, ctx context.Context, db *sqlstore.DB) error {
			d, e1 := parseDateFlag("referral_date", date)
			inf, e2 := parseDateFlag("municipality_informed_on", informed)
			if err := flagErrors(e1, e2); err != nil {
				return err
			}
			id, err := caseID(ctx, db, args[0])
			if err != nil {
				return err
			}
			r := &nrm.Referral{Purpose: nrm.ReferralPurpose(purpose), FromOrg: from, ToOrg: to, Date: d, Reason: reason, RouteReason: routeReason,
				ConsentID: consentID, Municipality: municipality, MunicipalityInformedOn: inf}
			for _, x := range indicators {
				for _, i := range splitFlag(x) {
					r.Indicators = append(r.Indicators, nrm.Indicator(i))
				}
			}
			if err := db.Refer(ctx, id, r); err != nil {
				return err
			}
			fmt.Fprintf(env.Stdout, msg(env.lang(), "Henvisning %d sendt fra %s til %s.\n", "Referral %d sent from %s to %s.\n"), r.ID, r.FromOrg, r.ToOrg)
			return nil
		}),
	}
	send.Flags().StringVar(&to, "to", "", "receiving organisation code (required)")
	send.Flags().StringVar(&from, "from", "", "sending organisation code (required on the command line)")
	send.Flags().StringVar(&purpose, "purpose", "", "assessment or support (required)")
	send.Flags().StringVar(&date, "date", "", "referral date YYYY-MM-DD (required)")
	send.Flags().StringVar(&reason, "reason", "", "why the person is referred (required; stored encrypted)")
	send.Flags().StringVar(&routeReason, "route-reason", "", "why an authority other than the residence-status rule's")
	send.Flags().StringSliceVar(&indicators, "indicator", nil, "an indicator observed (repeatable): "+nrm.ExpectedCodes("indicator"))
	send.Flags().Int64Var(&consentID, "consent-id", 0, "the consent the referral rests on")
	send.Flags().StringVar(&municipality, "municipality", "", "for a minor: the municipality informed")
	send.Flags().StringVar(&informed, "informed", "", "for a minor: the date the municipality was informed YYYY-MM-DD")

	cmd.AddCommand(list, send,
		referralMove(env, "accept", "Accept a referral to your organisation (it gains access to the case)", "Henvisning %d modtaget.\n", "Referral %d accepted.\n", false,
			func(ctx context.Context, db *sqlstore.DB, id int64, on nrm.Date, _ string) error {
				if err := db.AcceptReferral(ctx, id, on); err != nil {
					return err
				}
				return printReferralDuplicates(env, ctx, db, id) // search.go
			}),
		referralMove(env, "return", "Return a referral to its sender, with --reason", "Henvisning %d returneret.\n", "Referral %d returned.\n", true,
			func(ctx context.Context, db *sqlstore.DB, id int64, on nrm.Date, reason string) error {
				return db.ReturnReferral(ctx, id, on, reason)
			}),
		referralMove(env, "withdraw", "Withdraw a referral your organisation sent", "Henvisning %d trukket tilbage.\n", "Referral %d withdrawn.\n", false,
			func(ctx context.Context, db *sqlstore.DB, id int64, on nrm.Date, _ string) error {
				return db.WithdrawReferral(ctx, id, on)
			}),
		referralMove(env, "revoke", "End the access an accepted referral gave, with --reason", "Adgangen fra henvisning %d er fjernet.\n", "Access from referral %d revoked.\n", true,
			func(ctx context.Context, db *sqlstore.DB, id int64, on nrm.Date, reason string) error {
				return db.RevokeReferralAccess(ctx, id, on, reason)
			}),
	)
	return cmd
}

// referralMove builds one of the commands that move a referral by id.
func referralMove(env *Env, verb, short, da, en string, withReason bool,
	do func(ctx context.Context, db *sqlstore.DB, id int64, on nrm.Date, reason string) error) *cobra.Command {
	var date, reason string
	c := &cobra.Command{
		Use:   verb + " ID",
		Short: short,
		Args:  cobra.ExactArgs(1),
		RunE: env.withDB(func(cmd *cobra.Command, args []string, ctx context.Context, db *sqlstore.DB) error {
			id, err := parseID("referral", args[0])
			if err != nil {
				return err
			}
			on, fe := parseDateFlag("date", date)
			if err := flagErrors(fe); err != nil {
				return err
			}
			if err := do(ctx, db, id, on, reason); err != nil {
				return err
			}
			fmt.Fprintf(env.Stdout, msg(env.lang(), da, en), id)
			return nil
		}),
	}
	c.Flags().StringVar(&date, "date", "", "date YYYY-MM-DD (default today)")
	if withReason {
		c.Flags().StringVar(&reason, "reason", "", "the reason (required)")
	}
	return c
}

func consentCmd(env *Env) *cobra.Command {
	cmd := &cobra.Command{Use: "consent", Short: "Record or withdraw a person's consent to referral, sharing and statistics"}

	var scopes, shareWith, date, givenBy string
	give := &cobra.Command{
		Use:   "give CASE_REF --scope refer,share,statistics [--share-with ORG,...] --date D [--given-by TEXT]",
		Short: "Record a consent given by the person",
		Args:  cobra.ExactArgs(1),
		RunE: env.withDB(func(cmd *cobra.Command, args []string, ctx context.Context, db *sqlstore.DB) error {
			d, fe := parseDateFlag("consent_given_on", date)
			if err := flagErrors(fe); err != nil {
				return err
			}
			id, err := caseID(ctx, db, args[0])
			if err != nil {
				return err
			}
			k := &nrm.Consent{GivenOn: d, GivenBy: givenBy, ShareWith: splitFlag(shareWith)}
			for _, s := range splitFlag(scopes) {
				k.Scopes = append(k.Scopes, nrm.ConsentScope(s))
			}
			if err := db.GiveConsent(ctx, id, k); err != nil {
				return err
			}
			fmt.Fprintf(env.Stdout, msg(env.lang(), "Samtykke %d registreret.\n", "Consent %d recorded.\n"), k.ID)
			return nil
		}),
	}
	give.Flags().StringVar(&scopes, "scope", "", "what the person consents to, comma-separated: refer, share, statistics (required)")
	give.Flags().StringVar(&shareWith, "share-with", "", "for scope share: the organisations, comma-separated")
	give.Flags().StringVar(&date, "date", "", "date the consent was given YYYY-MM-DD (required)")
	give.Flags().StringVar(&givenBy, "given-by", "", `who gave it: "the person", or a guardian's role`)

	var wdate string
	withdraw := &cobra.Command{
		Use:   "withdraw CASE_REF CONSENT_ID --date D",
		Short: "Withdraw a consent: the access and sharing it allowed end on that date",
		Args:  cobra.ExactArgs(2),
		RunE: env.withDB(func(cmd *cobra.Command, args []string, ctx context.Context, db *sqlstore.DB) error {
			kid, err := parseID("consent", args[1])
			if err != nil {
				return err
			}
			d, fe := parseDateFlag("consent_withdrawn_on", wdate)
			if err := flagErrors(fe); err != nil {
				return err
			}
			id, err := caseID(ctx, db, args[0])
			if err != nil {
				return err
			}
			if err := db.WithdrawConsent(ctx, id, kid, d); err != nil {
				return err
			}
			fmt.Fprintf(env.Stdout, msg(env.lang(), "Samtykke %d trukket tilbage.\n", "Consent %d withdrawn.\n"), kid)
			return nil
		}),
	}
	withdraw.Flags().StringVar(&wdate, "date", "", "date of withdrawal YYYY-MM-DD (default today)")
	cmd.AddCommand(give, withdraw)
	return cmd
}

func queueCmd(env *Env) *cobra.Command {
	var authority string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "queue [--authority US|CMM]",
		Short: "Show the cases awaiting an authority's assessment, or every queue's size",
		Args:  cobra.NoArgs,
		RunE: env.withDB(func(cmd *cobra.Command, args []string, ctx context.Context, db *sqlstore.DB) error {
			l := env.lang()
			enc := json.NewEncoder(env.Stdout)
			w := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
			if authority == "" {
				sizes, err := db.QueueSizes(ctx)
				if err != nil {
					return err
				}
				if asJSON {
					return enc.Encode(sizes)
				}
				fmt.Fprintln(w, msg(l, "MYNDIGHED\tAFVENTER MODTAGELSE\tAFVENTER AFGØRELSE\tÆLDSTE (DAGE)\tÆLDSTE SIDEN",
					"AUTHORITY\tWAITING\tUNDECIDED\tOLDEST (DAYS)\tOLDEST SINCE"))
				for _, s := range sizes {
					since := "-"
					if !s.OldestSince.IsZero() {
						since = s.OldestSince.String()
					}
					fmt.Fprintf(w, "%s\t%d\t%d\t%d\t%s\n", s.Authority, s.Waiting, s.Undecided, s.OldestDays, since)
				}
				return w.Flush()
			}
			items, err := db.Queue(ctx, nrm.Authority(strings.ToUpper(authority)))
			if err != nil {
				return err
			}
			if asJSON {
				return enc.Encode(items)
			}
			fmt.Fprintln(w, msg(l, "HENVISNING\tSAG\tFRA\tHENVIST\tSTATUS\tDAGE\tFORELØBIG", "REFERRAL\tCASE\tFROM\tREFERRED\tSTATUS\tDAYS\tPRELIMINARY"))
			for _, q := range items {
				prelim := "-"
				if q.Preliminary != "" {
					prelim = q.Preliminary.Label(l)
				}
				fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%d\t%s\n", q.ReferralID, q.CaseRef, q.FromOrg, q.ReferredOn, q.Status.Label(l), q.DaysWaiting, prelim)
			}
			if err := w.Flush(); err != nil {
				return err
			}
			if len(items) == 0 {
				fmt.Fprintln(env.Stdout, msg(l, "Køen er tom.", "The queue is empty."))
			}
			return nil
		}),
	}
	cmd.Flags().StringVar(&authority, "authority", "", "US or CMM: list that authority's queue (default: every queue's size)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}
