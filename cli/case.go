package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"nrm"
	"nrm/sqlstore"

	"github.com/spf13/cobra"
)

// The case commands carry a case through the mechanism from the command
// line as the web and the API do: show it with its facts and their ids,
// its history, add, correct and void facts (corrections with a reason),
// record decisions, exits and reopenings. Each change is stored with the
// version read, so a concurrent edit is refused rather than overwritten;
// a refused change stores nothing.

func init() {
	commands = append(commands, caseCmd)
}

func caseCmd(env *Env) *cobra.Command {
	cmd := &cobra.Command{Use: "case", Short: "Show a case and its history; add, correct and void facts; assess, exit and reopen"}
	cmd.AddCommand(caseShowCmd(env), caseHistoryCmd(env), caseAddCmd(env), caseCorrectCmd(env), caseVoidCmd(env),
		caseAssessCmd(env), caseExitCmd(env), caseReopenCmd(env), caseListCmd(env))
	return cmd
}

// caseError renders a refused case command in the chosen language: one
// headline, then one line per field error.
type caseError struct{ err error }

// Error implements error.
func (e caseError) Error() string { return e.err.Error() }

// Unwrap exposes the underlying error.
func (e caseError) Unwrap() error { return e.err }

// Format renders the error for a person in lang.
func (e caseError) Format(l nrm.Lang) string {
	var ne *nrm.Error
	if !errors.As(e.err, &ne) {
		return FormatError(e.err, l)
	}
	var head string
	switch ne.Code {
	case nrm.EINVALID:
		head = msg(l, "Ændringen er afvist; intet er gemt.", "The change was refused; nothing was saved.")
	case nrm.ENOTFOUND:
		head = msg(l, "Sagen eller oplysningen findes ikke.", "The case or fact was not found.")
	case nrm.ECONFLICT:
		head = msg(l, "Sagen blev ændret af en anden imens; intet er gemt. Hent den igen, og prøv igen.",
			"The case was changed by someone else meanwhile; nothing was saved. Read it again and retry.")
	case nrm.EFORBIDDEN:
		head = msg(l, "Handlingen er ikke tilladt.", "The action is not allowed.")
	default:
		return FormatError(e.err, l)
	}
	hint := false
	for _, fe := range ne.Fields {
		head += "\n  " + fe.Message(l)
		hint = hint || fe.Rule == nrm.RuleOpenAfterExit
	}
	if hint {
		head += "\n" + msg(l, "Brug --end-open for at afslutte dem på udtrædelsesdatoen.", "Use --end-open to end them on the exit date.")
	}
	return head
}

// caseRun adapts a case command body: it runs as the system actor on the
// opened database and renders a refusal with caseError.
func (e *Env) caseRun(fn func(cmd *cobra.Command, args []string, ctx context.Context, db *sqlstore.DB) error) func(*cobra.Command, []string) error {
	run := e.withDB(fn)
	return func(cmd *cobra.Command, args []string) error {
		if err := run(cmd, args); err != nil {
			return caseError{err}
		}
		return nil
	}
}

// refuse returns the field errors found before the change could be
// applied, with the case's own rules and the closed-case rules checked
// on the change as far as it was, so that every fault shows in one
// answer; nil when fes is empty (the storage then checks everything).
func refuse(fes []nrm.FieldError, old, c *nrm.Case) error {
	if len(fes) == 0 {
		return nil
	}
	fes = append(fes, nrm.FieldErrors(c.Validate(nrm.DateOf(time.Now())))...)
	fes = append(fes, nrm.FieldErrors(c.ValidateChange(old))...)
	// A value that could not be read is not also missing.
	seen := map[[2]string]bool{}
	for _, f := range fes {
		if f.Rule == nrm.RuleFormat {
			seen[[2]string{f.Field, nrm.RuleRequired}] = true
		}
	}
	out := fes[:0]
	for _, f := range fes {
		if k := [2]string{f.Field, f.Rule}; !seen[k] {
			seen[k] = true
			out = append(out, f)
		}
	}
	return &nrm.Error{Code: nrm.EINVALID, Message: "Invalid command-line values.", Fields: out}
}

// required is the field error of a missing flag, nil when it is given.
func required(field, value string) *nrm.FieldError {
	if strings.TrimSpace(value) == "" {
		return &nrm.FieldError{Field: field, Rule: nrm.RuleRequired}
	}
	return nil
}

// fieldList collects the non-nil field errors.
func fieldList(fs ...*nrm.FieldError) []nrm.FieldError {
	var out []nrm.FieldError
	for _, f := range fs {
		if f != nil {
			out = append(out, *f)
		}
	}
	return out
}

// parseFact parses --fact KIND:ID.
func parseFact(s string) (string, int64, *nrm.FieldError) {
	kind, id, ok := strings.Cut(s, ":")
	n, err := strconv.ParseInt(id, 10, 64)
	if !ok || err != nil || n <= 0 || !slices.Contains(nrm.FactKinds, kind) {
		return "", 0, &nrm.FieldError{Field: "fact", Rule: nrm.RuleFormat, Value: s,
			Expected: "KIND:ID as listed by nrm case show, KIND one of " + strings.Join(nrm.FactKinds, ", ")}
	}
	return kind, n, nil
}

// patchInput reads --set assignments or a --json object (exactly one of
// them) into the body of a patch of kind ("" for the case itself).
func patchInput(kind string, sets []string, raw string) (map[string]json.RawMessage, []nrm.FieldError) {
	switch {
	case len(sets) > 0 && raw != "":
		return nil, []nrm.FieldError{{Field: "json", Rule: nrm.RuleNotAllowed, Expected: "either --set or --json, not both"}}
	case len(sets) == 0 && raw == "":
		return nil, []nrm.FieldError{{Field: "set", Rule: nrm.RuleRequired, Expected: "--set field=value (repeatable) or --json '{...}'"}}
	case raw != "":
		body := map[string]json.RawMessage{}
		if err := json.Unmarshal([]byte(raw), &body); err != nil || body == nil {
			return nil, []nrm.FieldError{{Field: "json", Rule: nrm.RuleFormat, Expected: "a JSON object"}}
		}
		return body, nil
	}
	body, err := nrm.PatchBody(kind, sets)
	if err != nil {
		return nil, fieldsOf(err)
	}
	return body, nil
}

// fieldsOf returns err's field errors, or one naming --set.
func fieldsOf(err error) []nrm.FieldError {
	if fes := nrm.FieldErrors(err); len(fes) > 0 {
		return fes
	}
	return []nrm.FieldError{{Field: "set", Rule: nrm.RuleFormat, Expected: "field=value"}}
}

// saved prints the confirmation of a stored change.
func saved(env *Env, c *nrm.Case, da, en string) {
	fmt.Fprintf(env.Stdout, msg(env.lang(), da, en)+"\n", c.Ref, c.Version)
}

func caseShowCmd(env *Env) *cobra.Command {
	var asJSON, identifiers bool
	cmd := &cobra.Command{
		Use:   "show CASE_REF [--json] [--identifiers]",
		Short: "Show a case with its facts (and their ids for corrections), referrals and consents",
		Long: `Show a case: its attributes, every recorded fact with the id that "nrm case correct"
and "nrm case void" take (--fact KIND:ID), its referrals and consents. Direct
identifiers and sealed free text (decision reasons, grounds, referral reasons) are
shown only with --identifiers; the read is audited.`,
		Args: cobra.ExactArgs(1),
		RunE: env.caseRun(func(cmd *cobra.Command, args []string, ctx context.Context, db *sqlstore.DB) error {
			c, err := db.FindCaseByRef(ctx, args[0])
			if err != nil {
				return err
			}
			if !identifiers {
				withoutIdentifiers(c)
			}
			if asJSON {
				enc := json.NewEncoder(env.Stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(c)
			}
			return printCase(env.Stdout, c, env.lang(), identifiers)
		}),
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the case as JSON")
	cmd.Flags().BoolVar(&identifiers, "identifiers", false, "include direct identifiers and sealed free text")
	return cmd
}

// withoutIdentifiers blanks the direct identifiers and the sealed free
// text of c.
func withoutIdentifiers(c *nrm.Case) {
	c.Identifiers = nrm.Identifiers{}
	for i := range c.Assessments {
		c.Assessments[i].Reasons = ""
	}
	for i := range c.Reconsiderations {
		c.Reconsiderations[i].Grounds = ""
	}
	for i := range c.Reopenings {
		c.Reopenings[i].Reason = ""
	}
	for i := range c.Referrals {
		r := &c.Referrals[i]
		r.Reason, r.RouteReason, r.ReturnReason, r.RevokeReason = "", "", "", ""
	}
}

// printCase writes a case for a person in l.
func printCase(out io.Writer, c *nrm.Case, l nrm.Lang, identifiers bool) error {
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	dash := func(s string) string {
		if s == "" {
			return "-"
		}
		return s
	}
	date := func(d nrm.Date) string { return dash(d.String()) }
	label := func(set, code string) string {
		if code == "" {
			return "-"
		}
		return nrm.Label(set, code, l)
	}
	field := func(name, value string) { fmt.Fprintf(w, "%s:\t%s\n", nrm.FieldLabel(name, l), value) }
	fmt.Fprintf(w, "%s %s (version %d)\n", msg(l, "Sag", "Case"), c.Ref, c.Version)
	field("owner_org", c.OwnerOrg)
	field("shared_with", dash(strings.Join(c.SharedWith, ", ")))
	fmt.Fprintf(w, "%s:\t%s\n", msg(l, "Adgang via henvisninger", "Access via referrals"), dash(strings.Join(c.ReferralAccess(), ", ")))
	field("gender", label("gender", string(c.Gender)))
	by := "-"
	if c.BirthYear != 0 {
		by = strconv.Itoa(c.BirthYear)
	}
	field("birth_year", by)
	field("nationality", dash(c.Nationality))
	field("residence_status", label("residence_status", string(c.ResidenceStatus)))
	state := msg(l, "Åben", "Open")
	if closed := c.ClosedOn(); !closed.IsZero() {
		state = msg(l, "Afsluttet ", "Closed ") + closed.String()
	}
	field("status", state)
	if identifiers {
		id := c.Identifiers
		field("name", dash(id.Name))
		field("aliases", dash(strings.Join(id.Aliases, "; ")))
		field("birth_date", date(id.BirthDate))
		field("document_numbers", dash(strings.Join(id.DocumentNumbers, "; ")))
		field("phone", dash(id.Phone))
		field("address", dash(id.Address))
		field("notes", dash(id.Notes))
	}
	section := func(da, en string, n int) bool {
		if n == 0 {
			return false
		}
		fmt.Fprintf(w, "\n%s\n", msg(l, da, en))
		return true
	}
	if section("Kontakter", "Contacts", len(c.Contacts)) {
		for _, x := range c.Contacts {
			fmt.Fprintf(w, "  contacts:%d\t%s\t%s\t%s\t%s\n", x.ID, x.Date, label("contact_form", string(x.Form)), dash(x.Org), dash(x.Place))
		}
	}
	if section("Vurderinger", "Assessments", len(c.Assessments)) {
		for _, x := range c.Assessments {
			stage := x.Stage
			if stage == "" {
				stage = nrm.StageFinal
			}
			var forms []string
			for _, f := range x.Exploitation {
				forms = append(forms, f.Label(l))
			}
			line := fmt.Sprintf("  assessments:%d\t%s\t%s\t%s\t%s\t%s", x.ID, x.Date, stage.Label(l), x.Authority, label("assessment_outcome", string(x.Outcome)),
				dash(strings.Join(forms, ", ")))
			if x.LabourSector != "" {
				line += "; " + x.LabourSector.Label(l)
			}
			if x.LabourSetting != "" {
				line += "; " + x.LabourSetting.Label(l)
			}
			if x.ExploitationCountry != "" {
				line += "; " + x.ExploitationCountry
			}
			if !x.NotifiedOn.IsZero() {
				line += "; " + msg(l, "underrettet ", "told ") + x.NotifiedOn.String()
			}
			if x.OverrideReason != "" {
				line += "; " + msg(l, "myndighed valgt med begrundelse", "authority chosen with a reason")
			}
			fmt.Fprintln(w, line)
			if identifiers && x.Reasons != "" {
				fmt.Fprintf(w, "    %s: %s\n", nrm.FieldLabel("reasons", l), x.Reasons)
			}
		}
	}
	period := func(from, to nrm.Date) string {
		if to.IsZero() {
			return from.String() + " – " + msg(l, "(igangværende)", "(ongoing)")
		}
		return from.String() + " – " + to.String()
	}
	if section("Refleksionsperioder", "Reflection periods", len(c.ReflectionPeriods)) {
		for _, x := range c.ReflectionPeriods {
			fmt.Fprintf(w, "  reflection_periods:%d\t%s\t%s\t%s\t%s\n", x.ID, period(x.Start, x.End), x.Kind.Label(l), dash(x.Reason), dash(x.DecidedBy))
		}
	}
	if section("Ophold", "Stays", len(c.Accommodations)) {
		for _, x := range c.Accommodations {
			fmt.Fprintf(w, "  accommodations:%d\t%s\t%s\t%s\n", x.ID, x.Kind.Label(l), dash(x.Provider), period(x.Start, x.End))
		}
	}
	if section("Tilbud", "Offers", len(c.Offers)) {
		for _, x := range c.Offers {
			answer := msg(l, "ubesvaret", "not answered")
			if x.Accepted != nil {
				answer = map[bool]string{true: msg(l, "taget imod", "accepted"), false: msg(l, "afslået", "declined")}[*x.Accepted]
			}
			fmt.Fprintf(w, "  offers:%d\t%s\t%s\t%s\n", x.ID, x.Offered, x.Kind.Label(l), answer)
		}
	}
	if section("Udtræden", "Exits", len(c.Exits)) {
		for _, x := range c.Exits {
			fmt.Fprintf(w, "  exits:%d\t%s\t%s\n", x.ID, x.Date, x.Kind.Label(l))
		}
	}
	if section("Genåbninger", "Reopenings", len(c.Reopenings)) {
		for _, x := range c.Reopenings {
			fmt.Fprintf(w, "  reopenings:%d\t%s\t%s\n", x.ID, x.Date, dash(x.Reason))
		}
	}
	if section("Genoptagelser", "Reconsiderations", len(c.Reconsiderations)) {
		for _, x := range c.Reconsiderations {
			outcome := msg(l, "afventer", "pending")
			if x.Outcome != "" {
				outcome = x.Outcome.Label(l) + " " + x.DecidedOn.String()
			}
			fmt.Fprintf(w, "  reconsiderations:%d\tassessments:%d\t%s %s\t%s %s\t%s\n", x.ID, x.AssessmentID,
				msg(l, "anmodet", "requested"), x.RequestedOn, msg(l, "frist", "deadline"), x.Deadline, outcome)
			if identifiers && x.Grounds != "" {
				fmt.Fprintf(w, "    %s: %s\n", nrm.FieldLabel("grounds", l), x.Grounds)
			}
		}
	}
	if section("Samtykker", "Consents", len(c.Consents)) {
		for _, x := range c.Consents {
			var scopes []string
			for _, s := range x.Scopes {
				scopes = append(scopes, s.Label(l))
			}
			if len(x.ShareWith) > 0 {
				scopes = append(scopes, strings.Join(x.ShareWith, ", "))
			}
			state := msg(l, "givet ", "given ") + x.GivenOn.String()
			if !x.WithdrawnOn.IsZero() {
				state += "; " + msg(l, "trukket tilbage ", "withdrawn ") + x.WithdrawnOn.String()
			}
			fmt.Fprintf(w, "  %s %d\t%s\t%s\n", msg(l, "samtykke", "consent"), x.ID, strings.Join(scopes, "; "), state)
		}
	}
	if section("Henvisninger", "Referrals", len(c.Referrals)) {
		for _, x := range c.Referrals {
			st := x.Status.Label(l)
			if !x.StatusOn.IsZero() {
				st += " " + x.StatusOn.String()
			}
			if x.GivesAccess() {
				st += "; " + msg(l, "giver adgang", "gives access")
			} else if !x.AccessRevokedOn.IsZero() {
				st += "; " + msg(l, "adgang fjernet ", "access revoked ") + x.AccessRevokedOn.String()
			}
			fmt.Fprintf(w, "  %s %d\t%s → %s\t%s\t%s\t%s\n", msg(l, "henvisning", "referral"), x.ID, x.FromOrg, x.ToOrg, x.Purpose.Label(l), x.Date, st)
			if identifiers && x.Reason != "" {
				fmt.Fprintf(w, "    %s: %s\n", nrm.FieldLabel("referral_reason", l), x.Reason)
			}
		}
	}
	return w.Flush()
}

func caseHistoryCmd(env *Env) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "history CASE_REF [--json]",
		Short: "List the versions of a case: who changed it, when, which fields and why",
		Args:  cobra.ExactArgs(1),
		RunE: env.caseRun(func(cmd *cobra.Command, args []string, ctx context.Context, db *sqlstore.DB) error {
			id, err := caseID(ctx, db, args[0])
			if err != nil {
				return err
			}
			vs, err := db.CaseHistory(ctx, id)
			if err != nil {
				return err
			}
			for _, v := range vs {
				v.Case = nil // the snapshots hold identifiers
			}
			if asJSON {
				enc := json.NewEncoder(env.Stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(vs)
			}
			l := env.lang()
			w := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, msg(l, "VERSION\tTID (UTC)\tBRUGER\tHANDLING\tFELTER\tBEGRUNDELSE", "VERSION\tTIME (UTC)\tUSER\tACTION\tFIELDS\tREASON"))
			for _, v := range vs {
				user := v.Username
				if v.Org != "" {
					user += " (" + v.Org + ")"
				}
				fields := make([]string, len(v.Fields))
				for i, f := range v.Fields {
					fields[i] = nrm.ChangedFieldLabel(f, l)
				}
				fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\n", v.Version, v.At.UTC().Format("2006-01-02 15:04"), user, nrm.CaseActionLabel(v.Action, l),
					orDash(strings.Join(fields, ", ")), orDash(strings.ReplaceAll(v.Reason, "\n", " ")))
			}
			if err := w.Flush(); err != nil {
				return err
			}
			if len(vs) == 0 {
				fmt.Fprintln(env.Stdout, msg(l, "Ingen versioner (sagen er indlæst uden historik).", "No versions (the case was loaded without a history)."))
			}
			return nil
		}),
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON (without the snapshots, which hold identifiers)")
	return cmd
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func caseAddCmd(env *Env) *cobra.Command {
	var sets []string
	var raw string
	cmd := &cobra.Command{
		Use:   "add CASE_REF KIND (--set field=value ... | --json '{...}')",
		Short: "Add a fact: a contact, reflection period, stay, offer or reconsideration request",
		Long: `Add a fact to a case. KIND is one of contacts, reflection_periods, accommodations,
offers, reconsiderations (assessments, exits and reopenings have their own commands:
nrm case assess, exit, reopen). Fields are the JSON names shown by "nrm case show --json",
e.g. --set date=2024-03-01 --set form=police for a contact. A reconsideration without a
deadline gets the request date plus the setting reconsideration.days (default 30).
Facts dated after the case's exit are refused until it is reopened.`,
		Args: cobra.ExactArgs(2),
		RunE: env.caseRun(func(cmd *cobra.Command, args []string, ctx context.Context, db *sqlstore.DB) error {
			kind := args[1]
			if !slices.Contains([]string{"contacts", "reflection_periods", "accommodations", "offers", "reconsiderations"}, kind) {
				return flagErrors(&nrm.FieldError{Field: "fact", Rule: nrm.RuleOneOf, Value: kind,
					Expected: "contacts, reflection_periods, accommodations, offers, reconsiderations"})
			}
			body, bad := patchInput(kind, sets, raw)
			if len(bad) > 0 {
				return &nrm.Error{Code: nrm.EINVALID, Message: "Invalid command-line values.", Fields: bad}
			}
			c, err := db.FindCaseByRef(ctx, args[0])
			if err != nil {
				return err
			}
			old := c.Clone()
			if err := nrm.AddFact(c, kind, body); err != nil {
				return err
			}
			if kind == "reconsiderations" {
				x := &c.Reconsiderations[len(c.Reconsiderations)-1]
				if x.Deadline.IsZero() && !x.RequestedOn.IsZero() {
					x.Deadline = x.RequestedOn.AddDays(reconsiderationDays(ctx, db))
				}
			}
			before, _ := nrm.FactIDs(old, kind)
			if err := db.CorrectCase(ctx, c, ""); err != nil {
				return err
			}
			after, _ := nrm.FactIDs(c, kind)
			for _, id := range after {
				if !slices.Contains(before, id) {
					fmt.Fprintf(env.Stdout, msg(env.lang(), "%s:%d tilføjet sag %s (version %d).\n", "%s:%d added to case %s (version %d).\n"),
						kind, id, c.Ref, c.Version)
				}
			}
			return nil
		}),
	}
	cmd.Flags().StringArrayVar(&sets, "set", nil, "field=value (repeatable); lists separated by ;")
	cmd.Flags().StringVar(&raw, "json", "", "the fact as a JSON object")
	return cmd
}

// reconsiderationDays is the setting reconsideration.days, else the
// default.
func reconsiderationDays(ctx context.Context, db *sqlstore.DB) int {
	if v, err := db.Setting(ctx, "reconsideration.days"); err == nil {
		if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && n > 0 && n <= 3650 {
			return n
		}
	}
	return nrm.DefaultReconsiderationDays
}

func caseCorrectCmd(env *Env) *cobra.Command {
	var sets []string
	var raw, fact, reason string
	cmd := &cobra.Command{
		Use:   "correct CASE_REF --reason TEXT (--set field=value ... | --json '{...}') [--fact KIND:ID]",
		Short: "Correct the case's attributes and identifiers, or one fact (--fact KIND:ID), with a reason",
		Long: `Correct a recorded value. Without --fact the case's own fields change: gender,
birth_year, nationality, residence_status and identifiers.name, identifiers.aliases,
identifiers.birth_date, identifiers.document_numbers, identifiers.phone,
identifiers.address, identifiers.notes. With --fact KIND:ID (ids from "nrm case show")
the fields of that fact change, by their JSON names. An empty value clears a field;
lists are separated by ";". Changing or clearing a recorded value needs --reason
(filling in a field that was empty does not); the history keeps the reason, the audit
log names the fields changed, never their values.`,
		Args: cobra.ExactArgs(1),
		RunE: env.caseRun(func(cmd *cobra.Command, args []string, ctx context.Context, db *sqlstore.DB) error {
			var kind string
			var id int64
			var fes []nrm.FieldError
			if fact != "" {
				k, n, fe := parseFact(fact)
				if fe != nil {
					fes = append(fes, *fe)
				}
				kind, id = k, n
			}
			var body map[string]json.RawMessage
			var bad []nrm.FieldError
			if len(fes) == 0 {
				body, bad = patchInput(kind, sets, raw)
			}
			fes = append(fes, bad...)
			if len(fes) > 0 {
				return &nrm.Error{Code: nrm.EINVALID, Message: "Invalid command-line values.", Fields: fes}
			}
			c, err := db.FindCaseByRef(ctx, args[0])
			if err != nil {
				return err
			}
			if kind == "" {
				err = nrm.PatchCase(c, body)
			} else {
				err = nrm.PatchFact(c, kind, id, body)
			}
			if err != nil {
				return err
			}
			if err := db.CorrectCase(ctx, c, reason); err != nil {
				return err
			}
			saved(env, c, "Sag %s rettet (version %d).", "Case %s corrected (version %d).")
			return nil
		}),
	}
	cmd.Flags().StringVar(&reason, "reason", "", "why the recorded value is corrected (kept, encrypted, in the history)")
	cmd.Flags().StringArrayVar(&sets, "set", nil, "field=value (repeatable); an empty value clears the field")
	cmd.Flags().StringVar(&raw, "json", "", "the fields to change as a JSON object (null clears a field)")
	cmd.Flags().StringVar(&fact, "fact", "", "the fact to correct, KIND:ID as listed by nrm case show")
	return cmd
}

func caseVoidCmd(env *Env) *cobra.Command {
	var fact, reason string
	cmd := &cobra.Command{
		Use:   "void CASE_REF --fact KIND:ID --reason TEXT",
		Short: "Void a recorded fact (it leaves the case; the history keeps it), with a reason",
		Args:  cobra.ExactArgs(1),
		RunE: env.caseRun(func(cmd *cobra.Command, args []string, ctx context.Context, db *sqlstore.DB) error {
			var fes []*nrm.FieldError
			kind, id, fe := parseFact(fact)
			if fact == "" {
				fe = required("fact", fact)
			}
			fes = append(fes, fe, required("reason", reason))
			if err := flagErrors(fes...); err != nil {
				return err
			}
			c, err := db.FindCaseByRef(ctx, args[0])
			if err != nil {
				return err
			}
			if err := nrm.VoidFact(c, kind, id); err != nil {
				return err
			}
			if err := db.CorrectCase(ctx, c, reason); err != nil {
				return err
			}
			fmt.Fprintf(env.Stdout, msg(env.lang(), "%s:%d annulleret i sag %s (version %d).\n", "%s:%d voided in case %s (version %d).\n"), kind, id, c.Ref, c.Version)
			return nil
		}),
	}
	cmd.Flags().StringVar(&fact, "fact", "", "the fact to void, KIND:ID as listed by nrm case show (required)")
	cmd.Flags().StringVar(&reason, "reason", "", "why the fact is voided (required)")
	return cmd
}

func caseReopenCmd(env *Env) *cobra.Command {
	var date, reason string
	cmd := &cobra.Command{
		Use:   "reopen CASE_REF --date D --reason TEXT",
		Short: "Reopen a closed case on a date, with a reason (facts after the exit need it)",
		Args:  cobra.ExactArgs(1),
		RunE: env.caseRun(func(cmd *cobra.Command, args []string, ctx context.Context, db *sqlstore.DB) error {
			d, fe := parseDateFlag("reopen_date", date)
			c, err := db.FindCaseByRef(ctx, args[0])
			if err != nil {
				return err
			}
			old := c.Clone()
			fes := fieldList(fe)
			if err := c.Reopen(d, reason); err != nil {
				fes = append(fes, nrm.FieldErrors(err)...)
				if fe != nil { // a bad date is not also a missing one
					fes = slices.DeleteFunc(fes, func(f nrm.FieldError) bool { return f.Field == "reopen_date" && f.Rule == nrm.RuleRequired })
				}
			}
			if err := refuse(fes, old, c); err != nil {
				return err
			}
			if err := db.CorrectCase(ctx, c, reason); err != nil {
				return err
			}
			saved(env, c, "Sag %s genåbnet (version %d).", "Case %s reopened (version %d).")
			return nil
		}),
	}
	cmd.Flags().StringVar(&date, "date", "", "date of reopening YYYY-MM-DD, on or after the exit (required)")
	cmd.Flags().StringVar(&reason, "reason", "", "why the case is reopened (required)")
	return cmd
}

func caseExitCmd(env *Env) *cobra.Command {
	var date, kind string
	var endOpen bool
	cmd := &cobra.Command{
		Use:   "exit CASE_REF --date D --kind K [--end-open]",
		Short: "Record the person's exit, which closes the case",
		Long: `Record an exit: the case closes on its date. Stays and reflection periods still open
on that date refuse the exit, unless --end-open confirms that they end on the exit
date. A closed case takes a second exit only after "nrm case reopen". Kinds: ` + nrm.ExpectedCodes("exit_kind") + `.`,
		Args: cobra.ExactArgs(1),
		RunE: env.caseRun(func(cmd *cobra.Command, args []string, ctx context.Context, db *sqlstore.DB) error {
			d, fe := parseDateFlag("exit_date", date)
			fes := fieldList(fe, required("exit_kind", kind))
			if fe == nil {
				fes = append(fes, fieldList(required("exit_date", date))...)
			}
			c, err := db.FindCaseByRef(ctx, args[0])
			if err != nil {
				return err
			}
			old := c.Clone()
			c.Exits = append(c.Exits, nrm.Exit{Date: d, Kind: nrm.ExitKind(strings.TrimSpace(kind))})
			reason := ""
			if endOpen && !d.IsZero() && c.EndOpenOn(d) > 0 {
				// Ending a period planned beyond the exit changes a
				// recorded value: a correction, with the exit as reason.
				reason = msg(env.lang(), "Udtræden registreret: åbne ophold og refleksionsperioder afsluttet på udtrædelsesdatoen.",
					"Exit recorded: open stays and reflection periods ended on the exit date.")
			}
			if err := refuse(fes, old, c); err != nil {
				return err
			}
			if err := db.CorrectCase(ctx, c, reason); err != nil {
				return err
			}
			saved(env, c, "Udtræden registreret; sag %s er afsluttet (version %d).", "Exit recorded; case %s is closed (version %d).")
			return nil
		}),
	}
	cmd.Flags().StringVar(&date, "date", "", "exit date YYYY-MM-DD (required)")
	cmd.Flags().StringVar(&kind, "kind", "", "how the person left (required): "+nrm.ExpectedCodes("exit_kind"))
	cmd.Flags().BoolVar(&endOpen, "end-open", false, "end the stays and reflection periods still open on the exit date")
	return cmd
}

func caseAssessCmd(env *Env) *cobra.Command {
	var stage, date, authority, outcome, sector, setting, country, reasons, notified, override string
	var forms []string
	var reconsideration int64
	cmd := &cobra.Command{
		Use:   "assess CASE_REF --stage preliminary|final --date D --authority US|CMM --outcome O [--form F]... [--sector S] [--setting S] [--reasons TEXT] [--notified D] [--reconsideration ID]",
		Short: "Record a competent authority's decision: preliminary (presumed victim) or final",
		Long: `Record an assessment. US assesses asylum seekers and people without legal stay, CMM
people with legal stay; another authority needs --override-reason. A final
identification needs at least one --form. The reasons are stored encrypted. Outcomes: ` +
			nrm.ExpectedCodes("assessment_outcome") + `; forms: ` + nrm.ExpectedCodes("exploitation") + `.`,
		Args: cobra.ExactArgs(1),
		RunE: env.caseRun(func(cmd *cobra.Command, args []string, ctx context.Context, db *sqlstore.DB) error {
			d, e1 := parseDateFlag("assessment_date", date)
			n, e2 := parseDateFlag("notified_on", notified)
			fes := fieldList(e1, e2, required("assessment_stage", stage), required("assessment_authority", authority),
				required("assessment_outcome", outcome))
			if e1 == nil {
				fes = append(fes, fieldList(required("assessment_date", date))...)
			}
			a := nrm.Assessment{Stage: nrm.AssessmentStage(strings.TrimSpace(stage)), Date: d, Authority: nrm.Authority(strings.ToUpper(strings.TrimSpace(authority))),
				Outcome: nrm.Outcome(strings.TrimSpace(outcome)), LabourSector: nrm.LabourSector(strings.TrimSpace(sector)),
				LabourSetting:       nrm.LabourSetting(strings.ToLower(strings.TrimSpace(setting))),
				ExploitationCountry: strings.ToUpper(strings.TrimSpace(country)), Reasons: strings.TrimSpace(reasons), NotifiedOn: n,
				OverrideReason: strings.TrimSpace(override)}
			for _, f := range forms {
				for _, x := range splitFlag(f) {
					a.Exploitation = append(a.Exploitation, nrm.ExploitationForm(x))
				}
			}
			c, err := db.FindCaseByRef(ctx, args[0])
			if err != nil {
				return err
			}
			old := c.Clone()
			c.Assessments = append(c.Assessments, a)
			// The decision on a reconsideration: upheld by a new negative
			// final decision, overturned by an identification.
			rc := -1
			if reconsideration != 0 {
				rc = slices.IndexFunc(c.Reconsiderations, func(x nrm.Reconsideration) bool { return x.ID == reconsideration })
				switch {
				case rc < 0:
					fes = append(fes, nrm.FieldError{Field: "reconsideration", Rule: nrm.RuleUnknownReference,
						Value: strconv.FormatInt(reconsideration, 10), Expected: "a reconsideration of this case"})
				case a.Stage != nrm.StageFinal || (a.Outcome != nrm.OutcomeIdentified && a.Outcome != nrm.OutcomeNotIdentified):
					fes = append(fes, nrm.FieldError{Field: "assessment_stage", Rule: nrm.RuleNotAllowed, Value: string(a.Stage),
						Expected: "a final decision (identified or not identified) on the reconsideration"})
				default:
					x := &c.Reconsiderations[rc]
					x.Outcome, x.DecidedOn = nrm.ReconsiderationUpheld, d
					if a.Outcome == nrm.OutcomeIdentified {
						x.Outcome = nrm.ReconsiderationOverturned
					}
				}
			}
			if err := refuse(fes, old, c); err != nil {
				return err
			}
			if err := db.CorrectCase(ctx, c, ""); err != nil {
				return err
			}
			var id int64
			for _, x := range c.Assessments {
				if !slices.ContainsFunc(old.Assessments, func(y nrm.Assessment) bool { return y.ID == x.ID }) {
					id = x.ID
				}
			}
			if rc >= 0 { // link the new decision, now that it has an id
				c.Reconsiderations[rc].NewAssessmentID = id
				if err := db.CorrectCase(ctx, c, ""); err != nil {
					return err
				}
			}
			fmt.Fprintf(env.Stdout, msg(env.lang(), "Vurdering assessments:%d (%s) registreret i sag %s (version %d).\n",
				"Assessment assessments:%d (%s) recorded in case %s (version %d).\n"), id, a.Stage.Label(env.lang()), c.Ref, c.Version)
			return nil
		}),
	}
	cmd.Flags().StringVar(&stage, "stage", "", "preliminary (presumed victim) or final (required)")
	cmd.Flags().StringVar(&date, "date", "", "decision date YYYY-MM-DD (required)")
	cmd.Flags().StringVar(&authority, "authority", "", "US or CMM (required)")
	cmd.Flags().StringVar(&outcome, "outcome", "", "identified, not_identified or pending (required)")
	cmd.Flags().StringArrayVar(&forms, "form", nil, "a form of exploitation (repeatable, or comma-separated)")
	cmd.Flags().StringVar(&sector, "sector", "", "forced-labour sector: "+nrm.ExpectedCodes("labour_sector"))
	cmd.Flags().StringVar(&setting, "setting", "", "where the forced labour took place, in general terms (only with the form forced_labour): "+nrm.ExpectedCodes("labour_setting"))
	cmd.Flags().StringVar(&country, "country", "", "country of exploitation, ISO 3166-1 alpha-2")
	cmd.Flags().StringVar(&reasons, "reasons", "", "reasons for the decision (stored encrypted)")
	cmd.Flags().StringVar(&notified, "notified", "", "date the person was told YYYY-MM-DD")
	cmd.Flags().StringVar(&override, "override-reason", "", "why an authority other than the residence-status rule's decides")
	cmd.Flags().Int64Var(&reconsideration, "reconsideration", 0, "the reconsideration this final decision decides (id from case show): identified overturns, not_identified upholds")
	return cmd
}
