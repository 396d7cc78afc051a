package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"nrm"
	"nrm/disclosure"
	"nrm/intlexport"
	"nrm/report"
	"nrm/report/html"
	"nrm/report/markdown"
	"nrm/report/pdf"
	"nrm/report/xlsx"

	"github.com/spf13/cobra"
)

func init() {
	commands = append(commands, reportCmd)
	for name, write := range documentWriters {
		reportFormats[name] = documentRenderer(write)
	}
	reportFormats["json-published"] = renderPublishedJSON
}

// documentWriters write the laid-out report, by format name; `nrm report`
// and the editions of `nrm publish` render with them.
var documentWriters = map[string]func(io.Writer, *report.Document) error{
	"html": html.Write, "md": markdown.Write, "pdf": pdf.Write, "xlsx": xlsx.Write,
}

// reportFormats renders the report by format name: html, md, pdf and
// xlsx with the writers of package report, and "json-published" for the
// disclosure-controlled contract (registered in init; the web server's
// downloads use them too).
var reportFormats = map[string]func(env *Env, cmd *cobra.Command, s *nrm.Stats, o reportOptions, w io.Writer) error{}

// reportOptions are the choices of one report beside the statistics.
type reportOptions struct {
	year   int
	cutoff nrm.Date
	// k is the disclosure threshold (≤ 1: internal, nothing withheld).
	k int
	// period is the action plan's status period ("" = the latest).
	period string
	// src reads the plan, the organisations and the introduction; nil
	// opens the database of env.
	src reportSource
	// generated is the time in the footer; zero means now, or
	// SOURCE_DATE_EPOCH when set.
	generated time.Time
	// pub is the disclosure control to apply instead of computing one
	// with k (an edition's, which keeps earlier editions' hidden cells).
	pub *disclosure.PublishedStats
}

// reportSource is what the report reads from storage beside the
// statistics.
type reportSource interface {
	FindPlans(ctx context.Context) ([]*nrm.Plan, error)
	FindOrganisations(ctx context.Context) ([]*nrm.Organisation, error)
	Setting(ctx context.Context, key string) (string, error)
}

// reportFormatNames lists the --format values, for messages.
const reportFormatNames = "json, html, pdf, xlsx, md, eurostat"

// periodPattern is a status period: a year, optionally with a season,
// half or quarter ("2012", "2012-spring", "2012-h1").
var periodPattern = regexp.MustCompile(`^\d{4}(-[a-z0-9]+)?$`)

func invalid(env *Env, da, en string, args ...any) error {
	return &nrm.Error{Code: nrm.EINVALID, Message: fmt.Sprintf(msg(env.lang(), da, en), args...)}
}

func reportCmd(env *Env) *cobra.Command {
	var year, k int
	var cutoff, format, out, period, org string
	var published bool
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Generate the annual status report (json, html, pdf, xlsx, md) or the Eurostat/UNODC tables",
		Long: `Generate the annual status report for a reporting year and cut-off date
(default: 1 March of the following year). --format json writes the statistics
contract documented in the README; html, pdf, xlsx and md the status report with
the action plan, tables, charts and narrative in --lang (da or en).

--k N (or --published, k = 3) applies disclosure control: counts below N show as
"<N", numbers that could reveal them as "x", and the narrative states neither;
with --format json the published contract writes such cells as strings ("<N", or
".." for a number hidden to protect another) and leaves out the minors' list.
--format eurostat -o DIR writes the Eurostat/UNODC aggregate tables as CSV files
(k = 3 unless --k is given; --k 1 gives exact figures for a secured channel).
--org CODE counts only the cases that organisation can see (its own, shared
with it, referred to it), exactly and not for publication.
SOURCE_DATE_EPOCH fixes the generation time shown, for reproducible output.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if year == 0 {
				return invalid(env, "Angiv rapportåret med --year, fx --year 2011.", "Give the reporting year with --year, e.g. --year 2011.")
			}
			if year < 1900 || year > 2200 {
				return invalid(env, "--year skal være et år mellem 1900 og 2200 (fik %d).", "--year must be a year between 1900 and 2200 (got %d).", year)
			}
			if err := checkLang(env); err != nil {
				return err
			}
			q := nrm.StatsQuery{Year: year}
			if cutoff != "" {
				d, err := nrm.ParseDate(cutoff)
				if err != nil {
					return invalid(env, "--cutoff skal være en dato ÅÅÅÅ-MM-DD, fx 2012-03-01.", "--cutoff must be a date YYYY-MM-DD, e.g. 2012-03-01.")
				}
				if d.Year() < year {
					return invalid(env, "Opgørelsesdatoen --cutoff (%s) må ikke ligge før rapportåret %d.", "The cut-off date --cutoff (%s) must not be before the reporting year %d.", cutoff, year)
				}
				q.Cutoff = d
			}
			format = strings.ToLower(strings.TrimSpace(format))
			if _, ok := reportFormats[format]; !ok && format != "json" && format != "eurostat" {
				return invalid(env, "Ukendt format %q; forventet %s.", "Unknown format %q; expected %s.", format, reportFormatNames)
			}
			kSet := cmd.Flags().Changed("k")
			switch {
			case k < 0:
				return invalid(env, "--k må ikke være negativ (fik %d); 0 eller 1 er uden diskretion, 3 er grænsen for offentliggørelse.",
					"--k must not be negative (got %d); 0 or 1 means no disclosure control, 3 is the threshold for publication.", k)
			case published && kSet && k < 3:
				return invalid(env, "--published kræver en diskretionsgrænse på mindst 3 (fik --k %d).", "--published needs a disclosure threshold of at least 3 (got --k %d).", k)
			case k == 2:
				return invalid(env, "--k 2 beskytter ingen: nuller vises altid, så \"<2\" ville betyde præcis 1. Brug 3 eller mere, eller 0 for nøjagtige tal.",
					"--k 2 protects nobody: zeros are always shown, so \"<2\" would mean exactly 1. Use 3 or more, or 0 for exact figures.")
			case !kSet && (published || format == "eurostat"):
				k = disclosure.DefaultK
			}
			period = strings.ToLower(strings.TrimSpace(period))
			if period != "" && !periodPattern.MatchString(period) {
				return invalid(env, "--period skal være et år eller et år med periode, fx 2012 eller 2012-spring (fik %q).",
					"--period must be a year or a year with a period, e.g. 2012 or 2012-spring (got %q).", period)
			}
			if org = strings.TrimSpace(org); org != "" && (k > 1 || format == "eurostat") {
				return invalid(env, "--org giver nøjagtige tal for én organisations sager og kan ikke offentliggøres: brug den uden --published, --k og --format eurostat.",
					"--org gives exact figures of one organisation's cases, which are not for publication: use it without --published, --k and --format eurostat.")
			}
			q.Org = org
			if format == "eurostat" && (out == "" || out == "-") {
				return invalid(env, "--format eurostat skriver én CSV-fil pr. tabel: angiv en mappe med -o, fx -o eurostat-2011.",
					"--format eurostat writes one CSV file per table: give a folder with -o, e.g. -o eurostat-2011.")
			}
			generated, err := generationTime(env)
			if err != nil {
				return err
			}

			ctx := systemCtx(cmdContext(cmd))
			db, err := env.Open(ctx)
			if err != nil {
				return err
			}
			defer db.Close()
			if err := checkOrg(ctx, env, db, org); err != nil {
				return err
			}
			s, err := db.Statistics(ctx, q)
			if err != nil {
				return err
			}
			if format == "eurostat" {
				return writeEurostat(env, s, k, out)
			}
			// Rendered in memory first, so that a failure leaves no half
			// file behind.
			var buf bytes.Buffer
			w := io.Writer(&buf)
			if out == "" || out == "-" {
				w = env.Stdout
			}
			o := reportOptions{year: year, cutoff: s.Cutoff, k: k, period: period, src: db, generated: generated}
			// A published view of a year with an edition is the edition.
			if served, err := WriteEditionReport(ctx, env, db, q, k, format, w); err != nil || served {
				if err != nil || w != &buf {
					return err
				}
				return writeFile(env, out, buf.Bytes(), k)
			}
			if format == "json" {
				if k > 1 {
					err = reportFormats["json-published"](env, cmd, s, o, w)
				} else {
					enc := json.NewEncoder(w)
					enc.SetIndent("", "  ")
					err = enc.Encode(s)
				}
			} else {
				err = reportFormats[format](env, cmd, s, o, w)
			}
			if err != nil || w != &buf {
				return err
			}
			return writeFile(env, out, buf.Bytes(), k)
		},
	}
	cmd.Flags().IntVar(&year, "year", 0, "reporting year, e.g. 2011")
	cmd.Flags().StringVar(&cutoff, "cutoff", "", "cut-off date YYYY-MM-DD (default: 1 March of the following year)")
	cmd.Flags().StringVar(&format, "format", "json", "json, html, pdf, xlsx, md or eurostat (CSV tables in the folder -o)")
	cmd.Flags().StringVarP(&out, "output", "o", "", "output file, or folder for eurostat (default: standard output)")
	cmd.Flags().IntVar(&k, "k", 0, "disclosure threshold: counts below k are shown as <k (0 = off; eurostat: default 3)")
	cmd.Flags().BoolVar(&published, "published", false, "published report: disclosure control with k = 3 unless --k is given")
	cmd.Flags().StringVar(&period, "period", "", "action-plan status period to show, e.g. 2012-spring (default: the latest begun by the cut-off)")
	cmd.Flags().StringVar(&org, "org", "", "count only the cases this organisation can see (exact figures, not for publication)")
	return cmd
}

// writeFile writes an output file readable by its owner only (0600), as
// every file nrm writes: an internal report (k ≤ 1) holds small counts and
// describes the minors one by one, and a published one (k > 1) is shared
// on purpose by whoever wrote it.
func writeFile(env *Env, name string, b []byte, k int) error {
	if err := writePrivate(name, b); err != nil {
		return invalid(env, "Kan ikke skrive %s: %v", "Cannot write %s: %v", name, err)
	}
	return nil
}

// checkLang refuses a --lang other than da or en.
func checkLang(env *Env) error {
	switch strings.ToLower(strings.TrimSpace(env.Lang)) {
	case "", "da", "en":
		return nil
	}
	return &nrm.Error{Code: nrm.EINVALID, Message: fmt.Sprintf("--lang skal være da eller en (fik %q). / --lang must be da or en (got %q).", env.Lang, env.Lang)}
}

// cmdContext is the command's context, or a background one.
func cmdContext(cmd *cobra.Command) context.Context {
	if cmd != nil && cmd.Context() != nil {
		return cmd.Context()
	}
	return context.Background()
}

// generationTime is SOURCE_DATE_EPOCH (seconds since 1970, UTC) when set,
// so that the same data give the same file; otherwise now.
func generationTime(env *Env) (time.Time, error) {
	v := strings.TrimSpace(os.Getenv("SOURCE_DATE_EPOCH"))
	if v == "" {
		return time.Now(), nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return time.Time{}, invalid(env, "SOURCE_DATE_EPOCH skal være et antal sekunder siden 1970 (fik %q).",
			"SOURCE_DATE_EPOCH must be a number of seconds since 1970 (got %q).", v)
	}
	return time.Unix(n, 0).UTC(), nil
}

// documentRenderer renders the status report with a writer of package
// report.
func documentRenderer(write func(io.Writer, *report.Document) error) func(*Env, *cobra.Command, *nrm.Stats, reportOptions, io.Writer) error {
	return func(env *Env, cmd *cobra.Command, s *nrm.Stats, o reportOptions, w io.Writer) error {
		d, err := buildReport(env, cmd, s, o)
		if err != nil {
			return err
		}
		return write(w, d)
	}
}

// buildReport lays out the report: the first action plan with its status
// period, the organisations' names and the edited introduction in the
// report language, and disclosure control when o.k > 1 (o.pub when set).
func buildReport(env *Env, cmd *cobra.Command, s *nrm.Stats, o reportOptions) (*report.Document, error) {
	return buildReportCtx(systemCtx(cmdContext(cmd)), env, s, o)
}

// buildReportCtx is buildReport with its context.
func buildReportCtx(ctx context.Context, env *Env, s *nrm.Stats, o reportOptions) (*report.Document, error) {
	src := o.src
	if src == nil {
		db, err := env.Open(ctx)
		if err != nil {
			return nil, err
		}
		defer db.Close()
		src = db
	}
	lang := env.lang()
	in := report.Input{Stats: s, Lang: lang, Period: o.period, Generated: o.generated}
	if in.Generated.IsZero() {
		t, err := generationTime(env)
		if err != nil {
			return nil, err
		}
		in.Generated = t
	}
	plans, err := src.FindPlans(ctx)
	if err != nil {
		return nil, err
	}
	if len(plans) > 0 {
		in.Plan = plans[0]
		if o.period != "" && !in.Plan.HasPeriod(o.period) {
			return nil, periodMissing(env, in.Plan, o.period)
		}
		if g, ok := src.(interface {
			FindWorkGroups(context.Context) ([]*nrm.WorkGroup, error)
		}); ok {
			if in.WorkGroups, err = g.FindWorkGroups(ctx); err != nil {
				return nil, err
			}
		}
		if o, ok := src.(interface {
			FindOutputs(context.Context, string) ([]*nrm.Output, error)
		}); ok {
			if in.Outputs, err = o.FindOutputs(ctx, in.Plan.Code); err != nil {
				return nil, err
			}
		}
		if n, ok := src.(interface {
			FindOutreachServices(context.Context) ([]*nrm.OutreachService, error)
			FindOutreachStats(context.Context, string) ([]*nrm.OutreachStat, error)
		}); ok {
			if in.OutreachServices, err = n.FindOutreachServices(ctx); err != nil {
				return nil, err
			}
			if in.OutreachStats, err = n.FindOutreachStats(ctx, ""); err != nil {
				return nil, err
			}
		}
	}
	orgs, err := src.FindOrganisations(ctx)
	if err != nil {
		return nil, err
	}
	in.OrgNames = map[string]string{}
	for _, org := range orgs {
		name := org.NameDA
		if lang == nrm.LangEN && org.NameEN != "" || name == "" {
			name = org.NameEN
		}
		in.OrgNames[org.Code] = name
	}
	if err := narrativeInput(ctx, src, s, &in); err != nil {
		return nil, err
	}
	keys := []string{"report.intro"}
	if lang == nrm.LangEN {
		keys = []string{"report.intro.en", "report.intro"}
	}
	for _, key := range keys {
		intro, err := src.Setting(ctx, key)
		if err != nil {
			return nil, err
		}
		if strings.TrimSpace(intro) != "" {
			in.Intro = intro
			break
		}
	}
	switch {
	case o.pub != nil:
		in = report.Publish(in, o.pub)
	case o.k > 1:
		in = report.Publish(in, disclosure.SuppressStats(s, o.k))
	}
	return report.Build(in)
}

// periodMissing refuses a --period the plan has no status for, naming
// the periods it has.
func periodMissing(env *Env, p *nrm.Plan, period string) error {
	have := p.Periods()
	if len(have) == 0 {
		return invalid(env, "Handlingsplanen har ingen status for perioden %s (--period); den har endnu ingen status for nogen periode.",
			"The action plan has no status for the period %s (--period); it has no status for any period yet.", period)
	}
	return invalid(env, "Handlingsplanen har ingen status for perioden %s (--period); den har status for %s.",
		"The action plan has no status for the period %s (--period); it has status for %s.", period, strings.Join(have, ", "))
}

// renderPublishedJSON writes the statistics contract after disclosure
// control: o.pub when set (an edition's), else with threshold o.k.
func renderPublishedJSON(env *Env, cmd *cobra.Command, s *nrm.Stats, o reportOptions, w io.Writer) error {
	pub := o.pub
	if pub == nil {
		k := o.k
		if k < 2 {
			k = disclosure.DefaultK
		}
		pub = disclosure.SuppressStats(s, k)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false) // "<3", not "\u003c3"
	return enc.Encode(PublishedContract(s, pub))
}

// PublishedContract is the statistics contract after disclosure control:
// the keys of nrm.Stats, with every suppressed number written as the
// string "<k" (below k) or ".." (a number hidden so that it cannot reveal
// a small one), ages of groups too small to publish as "..", the
// nationality ranking listing withheld nationalities after the shown ones
// in code order, and the minors' case list left out. A "disclosure"
// object states the threshold.
func PublishedContract(s *nrm.Stats, p *disclosure.PublishedStats) map[string]any {
	k := p.K
	cell := func(m disclosure.Masked, i, j int) any {
		if v, ok := m.Value(i, j); ok {
			return v
		}
		if !m.Exists(i, j) {
			return 0
		}
		return m.Cell(i, j)
	}
	count := func(c disclosure.Count) any {
		if v, ok := c.Published(); ok {
			return v
		}
		return c.String()
	}
	list := func(m disclosure.Masked) map[string]any {
		out := map[string]any{}
		for i, l := range m.RowLabels {
			if l != disclosure.LabelUnknown || m.Name != "by_nationality" { // unknown nationality is no code
				out[l] = cell(m, i, 0)
			}
		}
		return out
	}
	rowOf := func(m disclosure.Masked, label string) int {
		for i, l := range m.RowLabels {
			if l == label {
				return i
			}
		}
		return -1
	}
	hiddenAge := func(raw bool) any {
		if raw {
			return disclosure.Confidential
		}
		return nil
	}

	ya := p.ByYearAuthority
	series := []map[string]any{}
	for i, y := range ya.RowLabels {
		n, _ := strconv.Atoi(y)
		series = append(series, map[string]any{"year": n, "US": cell(ya, i, 0), "CMM": cell(ya, i, 1)})
	}
	auth := p.ByAuthority
	byAuthority := map[string]any{}
	for i, a := range auth.RowLabels {
		byAuthority[a] = cell(auth, i, 0)
	}

	// Nationalities: shown ones by count and name, then withheld ones by
	// code (disclosure.PublishedStats keeps them in that order); zeros and
	// unknown nationality are not ranked.
	region := map[string]string{}
	for _, r := range s.NationalityRanking {
		region[r.Code] = r.Region
	}
	nat := p.ByNationality
	ranking := []map[string]any{}
	for i, code := range nat.RowLabels {
		v, shown := nat.Value(i, 0)
		if code == disclosure.LabelUnknown || (shown && v == 0) {
			continue
		}
		name := p.NationalityNames[code]
		r := map[string]any{"code": code, "name_da": orCode(name.NameDA, code), "name_en": orCode(name.NameEN, code),
			"region": orCode(region[code], string(nrm.RegionUnknown)), "count": cell(nat, i, 0)}
		ranking = append(ranking, r)
	}

	eg := p.ExploitationGender
	byForm, formGender := map[string]any{}, map[string]any{}
	for i, f := range eg.RowLabels {
		byForm[f] = cell(eg, i, eg.Cols())
		g := map[string]any{}
		for j, gd := range eg.ColLabels {
			g[gd] = cell(eg, i, j)
		}
		formGender[f] = g
	}

	// Age.
	bands := map[string]any{}
	ab := p.AgeBands
	for i, b := range ab.RowLabels {
		if b != disclosure.LabelUnknown {
			bands[b] = cell(ab, i, 0)
		}
	}
	ageUnknown := any(0)
	if i := rowOf(ab, disclosure.LabelUnknown); i >= 0 {
		ageUnknown = cell(ab, i, 0)
	}
	ar := p.AgeByRegion
	byRegion := map[string]any{}
	for i, r := range ar.RowLabels {
		raw := s.Age.ByRegion[r]
		sum := p.AgeByRegionSummary[r]
		entry := map[string]any{"count": cell(ar, i, 0), "min": nil, "max": nil, "mean": nil}
		countHidden := ar.IsSuppressed(i, 0)
		for key, pair := range map[string][2]any{
			"min":  {ptrOr(sum.Min), raw.Min != nil},
			"max":  {ptrOr(sum.Max), raw.Max != nil},
			"mean": {ptrOr(sum.Mean), raw.Mean != nil},
		} {
			switch {
			case pair[0] != nil && !countHidden:
				entry[key] = pair[0]
			default:
				entry[key] = hiddenAge(pair[1].(bool) && raw.Count > 0)
			}
		}
		byRegion[r] = entry
	}
	// The persons with a known age are not published (the report prints
	// no such number, and disclosure control does not protect it): the
	// key is left out.
	age := map[string]any{
		"min": ptrOrHidden(p.Age.Min, s.Age.Min != nil), "max": ptrOrHidden(p.Age.Max, s.Age.Max != nil),
		"mean": ptrOrHidden(p.Age.Mean, s.Age.Mean != nil), "unknown": ageUnknown,
		"bands": bands, "by_region": byRegion,
	}

	// Shelter and private housing.
	sb, ss := p.ShelterBuckets, p.ShelterStatus
	shelter := map[string]any{"count": cell(sb, sb.Rows(), 0), "still_at_year_end": cell(ss, rowOf(ss, disclosure.LabelStillAtYearEnd), 0),
		"buckets": list(sb), "total_days": count(p.ShelterDays)}
	ph := p.PrivateHousing
	private := map[string]any{"count": cell(ph, ph.Rows(), 0)}
	for _, l := range []string{disclosure.LabelStillAtYearEnd, disclosure.LabelDisappeared, disclosure.LabelSelfReturn} {
		private[l] = cell(ph, rowOf(ph, l), 0)
	}

	// Returns: the kinds' totals beside the split by year.
	returns := func(m disclosure.Masked, splitKey string) map[string]any {
		out := map[string]any{}
		split := map[string]any{}
		for j, kind := range m.ColLabels {
			out[kind] = cell(m, m.Rows(), j)
		}
		for i, y := range m.RowLabels {
			if y == disclosure.LabelUnknown {
				continue
			}
			row := map[string]any{}
			for j, kind := range m.ColLabels {
				row[kind] = cell(m, i, j)
			}
			split[y] = row
		}
		out[splitKey] = split
		return out
	}

	// The mechanism: every table with its total; percentiles of groups
	// too small to publish as "..", null when there is no value.
	mechList := func(m disclosure.Masked) map[string]any {
		out := map[string]any{}
		for i, l := range m.RowLabels {
			out[l] = cell(m, i, 0)
		}
		return out
	}
	rp := p.ReferralsByPurpose
	referrals := map[string]any{"total": cell(rp, rp.Rows(), 0), "by_purpose": mechList(rp),
		"by_source_contact_form": mechList(p.ReferralsByContactForm), "by_status": mechList(p.ReferralsByStatus),
		"by_outcome": mechList(p.ReferralsByOutcome)}
	pr := p.Presumed
	presumed := map[string]any{"total": cell(pr, pr.Rows(), 0), "by_authority": mechList(pr)}
	days := func(m disclosure.Masked, i int, raw nrm.DaysSummary, pub disclosure.DaysSummary) map[string]any {
		return map[string]any{"count": cell(m, i, 0),
			"median": ptrOrHidden(pub.Median, raw.Median != nil), "p90": ptrOrHidden(pub.P90, raw.P90 != nil)}
	}
	dd := p.DecisionDays
	decisionDays := days(dd, dd.Rows(), s.DecisionDays.DaysSummary, p.DecisionDaysSummary)
	byAuth := map[string]any{}
	for i, a := range dd.RowLabels {
		byAuth[a] = days(dd, i, s.DecisionDays.ByAuthority[a], p.DecisionDaysByAuthority[a])
	}
	decisionDays["by_authority"] = byAuth
	rc := p.Reconsiderations
	reconsiderations := map[string]any{"requested": cell(rc, rc.Rows(), 0)}
	for _, l := range []string{disclosure.LabelUpheld, disclosure.LabelOverturned, disclosure.LabelPending} {
		reconsiderations[l] = cell(rc, rowOf(rc, l), 0)
	}

	return map[string]any{
		"year":   p.Year,
		"cutoff": p.Cutoff,
		"disclosure": map[string]any{"k": k, "below_k": "<" + strconv.Itoa(k), "confidential": disclosure.Confidential,
			"note":    "Zeros are always shown. Counts from 1 to k-1 are shown as \"<k\"; \"..\" hides a number of at least k that could reveal a small one, except in the keys listed under \"uniform\", where \"..\" hides any count from 1 up.",
			"uniform": uniformKeys(p)},
		"identified":             map[string]any{"total": count(p.Identified), "by_authority": byAuthority, "by_year_authority": series},
		"by_contact_form":        list(p.ByContactForm),
		"by_region":              list(p.ByRegion),
		"by_nationality":         list(p.ByNationality),
		"nationality_ranking":    ranking,
		"by_exploitation":        byForm,
		"by_exploitation_gender": formGender,
		"exploitation_persons":   count(p.ExploitationPersons),
		"multi_form_persons":     count(p.MultiFormPersons),
		"forced_labour_sectors":  list(p.ForcedLabourSectors),
		"by_gender":              list(p.ByGender),
		"age":                    age,
		"minors":                 map[string]any{"count": count(p.Minors)},
		"shelter":                shelter,
		"private_housing":        private,
		"returns": map[string]any{
			"period": returns(p.ReturnsPeriod, "by_identification_year"),
			"cohort": returns(p.ReturnsCohort, "by_exit_year"),
		},
		"prosecution":      p.Prosecution,
		"referrals":        referrals,
		"presumed":         presumed,
		"decision_days":    decisionDays,
		"reconsiderations": reconsiderations,
	}
}

func orCode(s, code string) string {
	if s == "" {
		return code
	}
	return s
}

// ptrOr is *v, or nil.
func ptrOr[T any](v *T) any {
	if v == nil {
		return nil
	}
	return *v
}

// ptrOrHidden is *v when published, ".." when withheld, nil when unknown.
func ptrOrHidden[T any](v *T, raw bool) any {
	switch {
	case v != nil:
		return *v
	case raw:
		return disclosure.Confidential
	}
	return nil
}

// writeEurostat writes the Eurostat/UNODC tables, protected with k, as
// one CSV file per table in dir.
func writeEurostat(env *Env, s *nrm.Stats, k int, dir string) error {
	if err := mkdirPrivate(dir); err != nil {
		return invalid(env, "Kan ikke oprette mappen %s: %v", "Cannot create the folder %s: %v", dir, err)
	}
	tables := intlexport.SDMXTables(s, k)
	var names []string
	for _, t := range tables {
		var buf bytes.Buffer
		if err := intlexport.WriteCSV(&buf, t); err != nil {
			return err
		}
		name := filepath.Join(dir, t.Code+".csv")
		if err := writeFile(env, name, buf.Bytes(), k); err != nil {
			return err
		}
		names = append(names, filepath.Base(name))
	}
	note := eurostatNote(env.lang(), s, k)
	if err := writeFile(env, filepath.Join(dir, "README.txt"), []byte(note), k); err != nil {
		return err
	}
	names = append(names, "README.txt")
	sort.Strings(names)
	kText := strconv.Itoa(k)
	if k <= 1 {
		kText = msg(env.lang(), "ingen (præcise tal)", "none (exact figures)")
	}
	fmt.Fprintf(env.Stdout, msg(env.lang(), "Skrev %d Eurostat/UNODC-tabeller for %d til %s (diskretionsgrænse %s): %s\n",
		"Wrote %d Eurostat/UNODC tables for %d to %s (disclosure threshold %s): %s\n"), len(tables), s.Year, dir, kText, strings.Join(names, ", "))
	return nil
}

// eurostatNote is the README.txt beside the Eurostat/UNODC tables: what
// the files hold and what the flags mean, in the user's language.
func eurostatNote(lang nrm.Lang, s *nrm.Stats, k int) string {
	head := fmt.Sprintf(msg(lang, "Eurostat/UNODC-tabeller for %d, opgjort pr. %s, i SDMX-CSV som Eurostats tabeller over menneskehandel (crim_thb): "+
		"én observation pr. række med geo, TIME_PERIOD, OBS_VALUE og OBS_FLAG.\n"+
		"Ofrene er Eurostats registrerede ofre = identificerede + formodede: de personer, der er identificeret ved en endelig vurdering i året, "+
		"og de formodede ofre i året (første positive foreløbige vurdering i året), som ingen endelig vurdering har identificeret inden opgørelsesdatoen. "+
		"Hver person tælles én gang. Et formodet offers alder er alderen ved den foreløbige vurdering ud fra fødselsåret, "+
		"og har vurderingen ingen udnyttelsesform, tælles personen under UNK (ukendt).\n"+
		"%s i OBS_FLAG i crim_thb_lstat (definitionen afviger): politiets tal tæller sigtelser og afgørelser, ikke personer.\n",
		"Eurostat/UNODC tables for %d, as of %s, in SDMX-CSV as Eurostat publishes its trafficking tables (crim_thb): "+
			"one observation per row with geo, TIME_PERIOD, OBS_VALUE and OBS_FLAG.\n"+
			"The victims are Eurostat's registered victims = identified + presumed: the persons identified by a final decision in the year, "+
			"and the presumed victims of the year (first positive preliminary assessment in the year) that no final decision identified by the cut-off date. "+
			"Each person counts once. A presumed victim's age is the age at the preliminary assessment from the year of birth, "+
			"and a person whose assessment records no form of exploitation counts under UNK (unknown).\n"+
			"%s in OBS_FLAG of crim_thb_lstat (definition differs): the police's figures count charges and decisions, not persons.\n"),
		s.Year, s.Cutoff, intlexport.FlagDefinitionDiffers)
	if k <= 1 {
		return head + msg(lang, "Præcise tal uden diskretion: kun til en sikret forbindelse, ikke til offentliggørelse.\n",
			"Exact figures without disclosure control: for a secured channel only, not for publication.\n")
	}
	return head + fmt.Sprintf(msg(lang, "Diskretionsgrænse %d. "+
		"%s i OBS_FLAG med tom OBS_VALUE (Eurostats flag for fortrolige tal): tallet er udeladt – enten mellem 1 og %d, eller større og udeladt, så det ikke kan afsløre et lille tal; Eurostats format har ét tegn for begge.\n"+
		"Nuller vises altid og skjules aldrig; %s står altså aldrig for 0.\n"+
		"Tabellerne skjuler præcis det, den offentliggjorte statusrapport og dens JSON skjuler.\n",
		"Disclosure threshold %d. "+
			"%s in OBS_FLAG with an empty OBS_VALUE (Eurostat's flag for confidential values): the number is withheld — either from 1 to %d, or larger and withheld so that it cannot reveal a small one; Eurostat's format has one symbol for both.\n"+
			"Zeros are always shown and never withheld, so %s never stands for 0.\n"+
			"The tables withhold exactly what the published status report and its JSON withhold.\n"),
		k, intlexport.FlagConfidential, k-1, intlexport.FlagConfidential)
}

// exportHTCDSCmd is "nrm export htcds": the k-anonymised case-level CSV
// in HTCDS 2.0 (default) or the CTDC global dataset's columns.
func exportHTCDSCmd(env *Env) *cobra.Command {
	var year, k int
	var cutoff, out, variant string
	cmd := &cobra.Command{
		Use:   "htcds --year Y [--variant htcds|ctdc] [--k 11] [-o FILE.csv]",
		Short: "Write the identified victims of a year as a k-anonymised HTCDS 2.0 (or CTDC) case CSV",
		Long: `Write one row per person identified in --year (statistical attributes only: no
reference or identifier) with the field names and picklist values of IOM's Human
Trafficking Case Data Standard 2.0 (prs_Gender, prs_Citizenship, vic_TraffickingStatus,
vic_TypeOfExploitation, vic_ForcedLabourIndustry, cas_ReferringOrganisation, ...), or with
--variant ctdc the columns of the CTDC global dataset (-99 for unknown), k-anonymised:
in rare combinations the age band, the referring organisation, the forced-labour
industry, the country of exploitation and the citizenship are dropped in that order
(never replaced by a region), and rows still rarer than k are left out. Default k = 11
(CTDC's threshold); see intlexport/README.md.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if year == 0 {
				return invalid(env, "Angiv året med --year, fx --year 2011.", "Give the year with --year, e.g. --year 2011.")
			}
			if year < 1900 || year > 2200 {
				return invalid(env, "--year skal være et år mellem 1900 og 2200 (fik %d).", "--year must be a year between 1900 and 2200 (got %d).", year)
			}
			if k < 1 {
				return invalid(env, "--k skal være mindst 1 (fik %d); standard er %d.", "--k must be at least 1 (got %d); the default is %d.", k, intlexport.DefaultK)
			}
			v := intlexport.Variant(strings.ToLower(strings.TrimSpace(variant)))
			if !v.Valid() {
				return invalid(env, "--variant skal være htcds eller ctdc (fik %q).", "--variant must be htcds or ctdc (got %q).", variant)
			}
			q := nrm.StatsQuery{Year: year}
			if cutoff != "" {
				d, err := nrm.ParseDate(cutoff)
				if err != nil || d.Year() < year {
					return invalid(env, "--cutoff skal være en dato ÅÅÅÅ-MM-DD i eller efter året, fx %d-03-01.", "--cutoff must be a date YYYY-MM-DD in or after the year, e.g. %d-03-01.", year+1)
				}
				q.Cutoff = d
			}
			ctx := systemCtx(cmdContext(cmd))
			db, err := env.Open(ctx)
			if err != nil {
				return err
			}
			defer db.Close()
			rows, err := db.CaseRows(ctx, q)
			if err != nil {
				return err
			}
			var buf bytes.Buffer
			w, status := io.Writer(&buf), env.Stdout
			if out == "" || out == "-" {
				w, status = env.Stdout, env.Stderr
			}
			rep, err := intlexport.WriteCases(w, rows, v, k)
			if err != nil {
				return err
			}
			if w == &buf {
				// k-anonymised; k = 1 is full detail, for the owner only.
				if err := writeFile(env, out, buf.Bytes(), k); err != nil {
					return err
				}
			}
			fmt.Fprintf(status, msg(env.lang(), "%s %d: %d rækker skrevet, %d udeladt (k = %d).\n", "%s %d: %d rows written, %d left out (k = %d).\n"),
				strings.ToUpper(string(v)), year, rep.Rows, rep.Suppressed, k)
			for _, g := range rep.Generalisations {
				fmt.Fprintf(status, msg(env.lang(), "  %s: %d rækker\n", "  %s: %d records\n"), intlexport.StepLabel(g.Step, env.lang()), g.Records)
			}
			return nil
		},
	}
	cmd.Flags().IntVar(&year, "year", 0, "year of identification, e.g. 2011")
	cmd.Flags().StringVar(&variant, "variant", string(intlexport.VariantHTCDS), "htcds (HTCDS 2.0 field names) or ctdc (the CTDC global dataset's columns)")
	cmd.Flags().IntVar(&k, "k", intlexport.DefaultK, "every combination of quasi-identifiers occurs at least k times (1 = full detail)")
	cmd.Flags().StringVar(&cutoff, "cutoff", "", "cut-off date YYYY-MM-DD (default: 1 March of the following year)")
	cmd.Flags().StringVarP(&out, "output", "o", "", "output CSV file (default: standard output)")
	return cmd
}

// contractKeys maps a protected table (disclosure.Masked.Name) to the keys
// of the published contract that print its numbers.
var contractKeys = map[string][]string{
	"by_authority": {"identified"}, "by_year_authority": {"identified.by_year_authority"},
	"by_contact_form": {"by_contact_form"}, "by_region": {"by_region"},
	"by_nationality":         {"by_nationality", "nationality_ranking"},
	"by_exploitation_gender": {"by_exploitation", "by_exploitation_gender"},
	"exploitation_persons":   {"exploitation_persons", "multi_form_persons"},
	"forced_labour_sectors":  {"forced_labour_sectors"}, "by_gender": {"by_gender"},
	"age_bands": {"age.bands", "age.unknown", "minors"}, "age_by_region": {"age.by_region"},
	"shelter_buckets": {"shelter"}, "shelter_status": {"shelter"}, "private_housing": {"private_housing"},
	"returns_period": {"returns.period"}, "returns_cohort": {"returns.cohort"},
	"referrals.by_purpose": {"referrals"}, "referrals.by_source_contact_form": {"referrals.by_source_contact_form"},
	"referrals.by_status": {"referrals.by_status"}, "referrals.by_outcome": {"referrals.by_outcome"},
	"presumed.by_authority": {"presumed"}, "decision_days.by_authority": {"decision_days"},
	"reconsiderations": {"reconsiderations"},
}

// uniformKeys lists the contract keys whose ".." may hide any count
// (disclosure.PublishedStats.UniformTables), sorted.
func uniformKeys(p *disclosure.PublishedStats) []string {
	out := []string{}
	for _, t := range p.UniformTables() {
		out = append(out, contractKeys[t]...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// checkOrg refuses an organisation code that is not in the register of
// organisations, when there is one ("" is the whole country).
func checkOrg(ctx context.Context, env *Env, db interface {
	FindOrganisations(context.Context) ([]*nrm.Organisation, error)
}, org string) error {
	if org == "" {
		return nil
	}
	orgs, err := db.FindOrganisations(ctx)
	if err != nil {
		return err
	}
	if len(orgs) == 0 {
		return nil // no register of organisations: the cases' owners are all there is
	}
	var codes []string
	for _, o := range orgs {
		if o.Code == org {
			return nil
		}
		codes = append(codes, o.Code)
	}
	return invalid(env, "--org %q er ikke en kendt organisation; kendte: %s.", "--org %q is not a known organisation; known: %s.", org, strings.Join(codes, ", "))
}
