package planio

import (
	"fmt"
	"io"

	"gopkg.in/yaml.v3"

	"nrm"
)

// ReadPlanYAML reads one action plan from YAML whose keys are the yaml tags
// of nrm.Plan. Unknown fields are errors naming their line and field; the
// decoded plan must then pass (*nrm.Plan).Validate, whose field errors are
// prefixed with the line they concern where it can be found.
func ReadPlanYAML(r io.Reader) (*nrm.Plan, error) {
	data, err := readYAML(r, "plan")
	if err != nil {
		return nil, err
	}
	var p nrm.Plan
	if err := decodeStrict(data, &p, "plan"); err != nil {
		return nil, err
	}
	if err := p.Validate(); err != nil {
		var root yaml.Node
		if yaml.Unmarshal(data, &root) == nil {
			locatePlanErrors(err, &p, &root)
		}
		return nil, err
	}
	return &p, nil
}

// WritePlanYAML writes p as YAML that ReadPlanYAML reads back to an equal
// plan.
func WritePlanYAML(w io.Writer, p *nrm.Plan) error {
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(p); err != nil {
		return fmt.Errorf("planio: write plan yaml: %w", err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("planio: write plan yaml: %w", err)
	}
	return nil
}

// mapValue returns the key and value nodes of key in mapping n.
func mapValue(n *yaml.Node, key string) (k, v *yaml.Node) {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i], n.Content[i+1]
		}
	}
	return nil, nil
}

// seqItem returns item i of sequence n, or nil.
func seqItem(n *yaml.Node, i int) *yaml.Node {
	if n == nil || n.Kind != yaml.SequenceNode || i >= len(n.Content) {
		return nil
	}
	return n.Content[i]
}

// lineOf returns the line of the value of key in mapping n, else of n.
func lineOf(n *yaml.Node, key string) int {
	if k, _ := mapValue(n, key); k != nil {
		return k.Line
	}
	if n != nil {
		return n.Line
	}
	return 0
}

// locatePlanErrors prefixes the field errors of a failed Validate with the
// line of the YAML node they concern. It walks the document in the order
// Validate walks the plan and queues, per field and value, the lines of
// the items that break the rule; each reported error takes the next line
// of its queue.
func locatePlanErrors(err error, p *nrm.Plan, root *yaml.Node) {
	doc := root
	if doc.Kind == yaml.DocumentNode && len(doc.Content) > 0 {
		doc = doc.Content[0]
	}
	queues := map[string][]int{}
	push := func(field, value string, line int) {
		if line > 0 {
			queues[field+"\x00"+value] = append(queues[field+"\x00"+value], line)
		}
	}
	for _, f := range []string{"code", "name_da", "start_year", "end_year"} {
		push(f, "", lineOf(doc, f))
	}
	_, areasN := mapValue(doc, "areas")
	seen := map[string]bool{}
	for ai, a := range p.Areas {
		areaN := seqItem(areasN, ai)
		_, goalsN := mapValue(areaN, "goals")
		for gi, g := range a.Goals {
			goalN := seqItem(goalsN, gi)
			_, actsN := mapValue(goalN, "activities")
			for xi, act := range g.Activities {
				actN := seqItem(actsN, xi)
				if actN == nil {
					continue
				}
				if act.Code == "" {
					push("activity.code", "", actN.Line)
				} else if seen[act.Code] {
					push("activity.code", act.Code, lineOf(actN, "code"))
				}
				seen[act.Code] = true
				if act.TextDA == "" {
					push("activity.text_da", act.Code, lineOf(actN, "text_da"))
				}
				_, respN := mapValue(actN, "responsible")
				for ri, r := range act.Responsible {
					if !nrm.ValidOrgCode(r) {
						if item := seqItem(respN, ri); item != nil {
							push("activity.responsible", r, item.Line)
						}
					}
				}
				_, stsN := mapValue(actN, "statuses")
				for si, s := range act.Statuses {
					stN := seqItem(stsN, si)
					if stN == nil {
						continue
					}
					if !s.State.Valid() {
						push("status.state", string(s.State), lineOf(stN, "state"))
					}
					if s.Period == "" {
						push("status.period", act.Code, stN.Line)
					}
				}
			}
		}
	}
	for i, f := range nrm.FieldErrors(err) {
		key := f.Field + "\x00" + f.Value
		if f.Field == "code" || f.Field == "name_da" || f.Field == "end_year" {
			key = f.Field + "\x00"
		}
		q := queues[key]
		if len(q) == 0 {
			continue
		}
		nrm.FieldErrors(err)[i].Field = atLine(q[0], f.Field)
		if f.Field != "code" && f.Field != "name_da" && f.Field != "end_year" {
			queues[key] = q[1:]
		}
	}
}
