package planio

import (
	"encoding/csv"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"nrm"
	"nrm/csvsafe"
)

// OutputsFile is the YAML form of a plan's outputs and funding: the plan's
// code (checked against the plan imported into, when given) and the
// lists, each item with the yaml tags of nrm.Output and
// nrm.ActivityFunding.
type OutputsFile struct {
	Plan    string                `yaml:"plan,omitempty"`
	Outputs []*nrm.Output         `yaml:"outputs,omitempty"`
	Funding []nrm.ActivityFunding `yaml:"funding,omitempty"`
	// Evaluation is the plan's external evaluation, if the file has one.
	Evaluation *nrm.PlanEvaluation `yaml:"evaluation,omitempty"`
	// OutputLines and FundingLines hold the line of each item in the
	// file read (see LocateImportError).
	OutputLines  []int `yaml:"-"`
	FundingLines []int `yaml:"-"`
}

// LocateImportError turns the item numbers of a storage error ("line N:
// field", N counting items from 1, as sqlstore's imports report them)
// into the lines of the file the items were read from.
func LocateImportError(err error, lines []int) error {
	fes := nrm.FieldErrors(err)
	if len(fes) == 0 {
		return err
	}
	out := make([]nrm.FieldError, len(fes))
	for i, fe := range fes {
		if m := reItemField.FindStringSubmatch(fe.Field); m != nil {
			if n, _ := strconv.Atoi(m[1]); n >= 1 && n <= len(lines) && lines[n-1] > 0 {
				fe.Field = atLine(lines[n-1], m[2])
			}
		}
		out[i] = fe
	}
	return &nrm.Error{Code: nrm.ErrorCode(err), Message: nrm.ErrorMessage(err), Fields: out}
}

var reItemField = regexp.MustCompile(`^line (\d+): (.*)$`)

// yamlItemLines returns the line of item i of the top-level list named
// list in a YAML document already decoded without error (0 where there
// is none), for messages that name the line of an item; i < 0 gives the
// line of the top-level key list itself.
func yamlItemLines(data []byte) func(list string, i int) int {
	var root yaml.Node
	_ = yaml.Unmarshal(data, &root) // decoded strictly before: cannot fail
	doc := &root
	if doc.Kind == yaml.DocumentNode && len(doc.Content) > 0 {
		doc = doc.Content[0]
	}
	return func(list string, i int) int {
		k, v := mapValue(doc, list)
		if i < 0 && k != nil {
			return k.Line
		}
		if v != nil {
			if n := seqItem(v, i); n != nil {
				return n.Line
			}
		}
		return 0
	}
}

// ReadOutputsYAML reads outputs and funding from YAML (see OutputsFile).
// Unknown fields are errors naming their line; every item must pass its
// Validate, whose field errors are prefixed with the item's line.
func ReadOutputsYAML(r io.Reader) (*OutputsFile, error) {
	data, err := readYAML(r, "outputs")
	if err != nil {
		return nil, err
	}
	var f OutputsFile
	if err := decodeStrict(data, &f, "outputs"); err != nil {
		return nil, err
	}
	itemLine := yamlItemLines(data)
	p := &problems{}
	for i := range f.Outputs {
		f.OutputLines = append(f.OutputLines, itemLine("outputs", i))
	}
	for i := range f.Funding {
		f.FundingLines = append(f.FundingLines, itemLine("funding", i))
	}
	for i, o := range f.Outputs {
		if o == nil {
			p.add(atLine(itemLine("outputs", i), "outputs"), nrm.RuleRequired, "", "an output")
			continue
		}
		o.ID = 0
		for _, fe := range nrm.FieldErrors(o.Validate()) {
			p.add(atLine(itemLine("outputs", i), fe.Field), fe.Rule, fe.Value, fe.Expected)
		}
	}
	for i := range f.Funding {
		for _, fe := range nrm.FieldErrors(f.Funding[i].Validate()) {
			p.add(atLine(itemLine("funding", i), fe.Field), fe.Rule, fe.Value, fe.Expected)
		}
	}
	if f.Evaluation != nil {
		for _, fe := range nrm.FieldErrors(f.Evaluation.Validate()) {
			p.add(atLine(itemLine("evaluation", -1), "evaluation."+fe.Field), fe.Rule, fe.Value, fe.Expected)
		}
	}
	if err := p.err("The outputs file has invalid fields."); err != nil {
		return nil, err
	}
	return &f, nil
}

// WriteOutputsYAML writes f as YAML that ReadOutputsYAML reads back.
func WriteOutputsYAML(w io.Writer, f *OutputsFile) error {
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(f); err != nil {
		return fmt.Errorf("planio: write outputs yaml: %w", err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("planio: write outputs yaml: %w", err)
	}
	return nil
}

// OutputCSVColumns are the columns of the outputs CSV form, in the order
// WriteOutputsCSV writes them; activity, kind, title_da and period are
// required, the others optional.
var OutputCSVColumns = []string{"activity", "kind", "title_da", "title_en", "period", "until", "date", "audience",
	"events", "participants", "org", "link", "text_da", "text_en", "amount_dkk", "audience_en"}

var outputCSVRequired = []string{"activity", "kind", "title_da", "period"}

// ReadOutputsCSV reads outputs from their CSV form (see OutputCSVColumns).
// Every problem is reported with its line and column; the file is taken
// all or nothing.
func ReadOutputsCSV(r io.Reader) ([]*nrm.Output, error) {
	outs, _, err := ReadOutputsCSVLines(r)
	return outs, err
}

// ReadOutputsCSVLines is ReadOutputsCSV that also returns the line of
// each output in the file.
func ReadOutputsCSVLines(r io.Reader) ([]*nrm.Output, []int, error) {
	data, err := readAll(r, "outputs")
	if err != nil {
		return nil, nil, err
	}
	var lines []int
	p := &problems{}
	header, rows := readCSV(data, p)
	if header == nil {
		if len(p.fields) == 0 {
			p.add("line 1", nrm.RuleRequired, "", "a header row with the columns "+strings.Join(outputCSVRequired, ","))
		}
		return nil, nil, p.err("The outputs file cannot be read.")
	}
	cols := csvHeader(header, outputCSVRequired, optionalOutputColumns(), p)
	if len(p.fields) > 0 {
		return nil, nil, p.err("The outputs file has invalid fields.")
	}
	var outs []*nrm.Output
	for _, row := range rows {
		line := row.lines[0]
		cell := func(c string) string {
			i, ok := cols[c]
			if !ok {
				return ""
			}
			return strings.TrimSpace(csvsafe.Unprotect(strings.TrimSpace(row.cells[i])))
		}
		num := func(c string) int {
			s := cell(c)
			if s == "" {
				return 0
			}
			n, err := strconv.Atoi(s)
			if err != nil {
				p.add(atCell(line, c), nrm.RuleFormat, s, "a whole number")
			}
			return n
		}
		o := &nrm.Output{Activity: cell("activity"), Kind: nrm.OutputKind(cell("kind")), TitleDA: cell("title_da"), TitleEN: cell("title_en"),
			Period: cell("period"), Until: cell("until"), Audience: cell("audience"), AudienceEN: cell("audience_en"), Events: num("events"), Participants: num("participants"),
			Org: cell("org"), Link: cell("link"), TextDA: cell("text_da"), TextEN: cell("text_en")}
		if s := cell("date"); s != "" {
			d, err := nrm.ParseDate(s)
			if err != nil {
				p.add(atCell(line, "date"), nrm.RuleFormat, s, "YYYY-MM-DD")
			}
			o.Date = d
		}
		if s := cell("amount_dkk"); s != "" {
			a, err := strconv.ParseFloat(s, 64)
			if err != nil {
				p.add(atCell(line, "amount_dkk"), nrm.RuleFormat, s, "a number of kroner, e.g. 5000000")
			}
			o.AmountDKK = a
		}
		for _, fe := range nrm.FieldErrors(o.Validate()) {
			p.add(atLine(line, fe.Field), fe.Rule, fe.Value, fe.Expected)
		}
		outs = append(outs, o)
		lines = append(lines, line)
	}
	if err := p.err("The outputs file has invalid fields."); err != nil {
		return nil, nil, err
	}
	return outs, lines, nil
}

func optionalOutputColumns() []string {
	var out []string
	for _, c := range OutputCSVColumns {
		if !contains(outputCSVRequired, c) {
			out = append(out, c)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// WriteOutputsCSV writes outputs in the CSV form ReadOutputsCSV reads,
// each cell protected against spreadsheet formulas.
func WriteOutputsCSV(w io.Writer, outs []*nrm.Output) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(OutputCSVColumns); err != nil {
		return fmt.Errorf("planio: write outputs csv: %w", err)
	}
	for _, o := range outs {
		n := func(i int) string {
			if i == 0 {
				return ""
			}
			return strconv.Itoa(i)
		}
		amount := ""
		if o.AmountDKK != 0 {
			amount = strconv.FormatFloat(o.AmountDKK, 'f', -1, 64)
		}
		row := []string{o.Activity, string(o.Kind), o.TitleDA, o.TitleEN, o.Period, o.Until, o.Date.String(), o.Audience,
			n(o.Events), n(o.Participants), o.Org, o.Link, o.TextDA, o.TextEN, amount, o.AudienceEN}
		for i := range row {
			row[i] = csvsafe.Protect(row[i])
		}
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("planio: write outputs csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("planio: write outputs csv: %w", err)
	}
	return nil
}
