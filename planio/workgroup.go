package planio

import (
	"fmt"
	"io"

	"gopkg.in/yaml.v3"

	"nrm"
)

// WorkGroupsFile is the YAML form of working groups: a list under
// "groups", each with the yaml tags of nrm.WorkGroup.
type WorkGroupsFile struct {
	Groups []*nrm.WorkGroup `yaml:"groups"`
}

// ReadWorkGroupsYAML reads working groups from YAML. Unknown fields are
// errors naming their line; each group must pass its Validate, whose
// field errors are prefixed with the group's line; codes must be unique.
func ReadWorkGroupsYAML(r io.Reader) ([]*nrm.WorkGroup, error) {
	data, err := readYAML(r, "working groups")
	if err != nil {
		return nil, err
	}
	var f WorkGroupsFile
	if err := decodeStrict(data, &f, "working groups"); err != nil {
		return nil, err
	}
	itemLine := yamlItemLines(data)
	line := func(i int) int { return itemLine("groups", i) }
	p := &problems{}
	seen := map[string]bool{}
	for i, g := range f.Groups {
		if g == nil {
			p.add(atLine(line(i), "groups"), nrm.RuleRequired, "", "a working group")
			continue
		}
		for _, fe := range nrm.FieldErrors(g.Validate()) {
			p.add(atLine(line(i), fe.Field), fe.Rule, fe.Value, fe.Expected)
		}
		if seen[g.Code] {
			p.add(atLine(line(i), "code"), nrm.RuleDuplicate, g.Code, "unique group codes")
		}
		seen[g.Code] = true
	}
	if err := p.err("The working groups file has invalid fields."); err != nil {
		return nil, err
	}
	return f.Groups, nil
}

// WriteWorkGroupsYAML writes groups as YAML that ReadWorkGroupsYAML reads
// back.
func WriteWorkGroupsYAML(w io.Writer, groups []*nrm.WorkGroup) error {
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(&WorkGroupsFile{Groups: groups}); err != nil {
		return fmt.Errorf("planio: write working groups yaml: %w", err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("planio: write working groups yaml: %w", err)
	}
	return nil
}
