// Package planio reads and writes action plans, organisation lists and the
// reference network in their documented file forms: a plan as YAML (the
// yaml tags of nrm.Plan) or as a flat CSV table with one row per activity
// and status entry, organisations as CSV, the network as YAML.
//
// Readers are strict and all-or-nothing: unknown fields are errors, and
// every problem found is reported in one *nrm.Error (code invalid) whose
// field errors name the position ("line 12: status.state", "line 4,
// column state"), the value and what was expected.
package planio

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"nrm"
	"nrm/bundle/csvin"
)

// MaxFileSize bounds what a reader accepts, so that an oversized upload is
// refused instead of exhausting memory.
const MaxFileSize = 32 << 20

// Limits of the readers besides the file size: a file built to exhaust
// memory in the parser is refused with one message before it is parsed.
const (
	// MaxField bounds one CSV cell, in bytes.
	MaxField = csvin.DefaultMaxField
	// MaxLine bounds one CSV row, in bytes.
	MaxLine = csvin.DefaultMaxLine
	// MaxRows bounds the rows of a CSV file and the lines of a YAML file.
	MaxRows = 100_000
	// MaxYAMLLine bounds one line of a YAML file, in bytes.
	MaxYAMLLine = 64 << 10
	// MaxYAMLItems bounds the keys, values and list entries of a YAML
	// file (counted from its punctuation, before it is parsed): the
	// parser takes some hundred bytes for each.
	MaxYAMLItems = 100_000
)

// maxProblems caps the number of field errors in one error value.
const maxProblems = 1000

// problems collects field errors.
type problems struct{ fields []nrm.FieldError }

func (p *problems) add(field, rule, value, expected string) {
	if len(p.fields) == maxProblems {
		p.fields = append(p.fields, nrm.FieldError{Field: "file", Rule: nrm.RuleRange, Expected: fmt.Sprintf("at most %d errors reported; fix these first", maxProblems)})
	}
	if len(p.fields) > maxProblems {
		return
	}
	p.fields = append(p.fields, nrm.FieldError{Field: field, Rule: rule, Value: value, Expected: expected})
}

// err returns the collected problems in file order as one EINVALID error,
// or nil.
func (p *problems) err(msg string) error {
	if len(p.fields) == 0 {
		return nil
	}
	sort.SliceStable(p.fields, func(i, j int) bool { return lineNumber(p.fields[i].Field) < lineNumber(p.fields[j].Field) })
	return &nrm.Error{Code: nrm.EINVALID, Message: msg, Fields: p.fields}
}

var reLinePrefix = regexp.MustCompile(`^line (\d+)`)

// lineNumber returns the line a field name starts with, else 0.
func lineNumber(field string) int {
	if m := reLinePrefix.FindStringSubmatch(field); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n
	}
	return 0
}

// atLine names a field at a line of a YAML file.
func atLine(line int, field string) string { return fmt.Sprintf("line %d: %s", line, field) }

// atCell names a cell of a CSV file.
func atCell(line int, column string) string { return fmt.Sprintf("line %d, column %s", line, column) }

// readAll reads r up to MaxFileSize and strips a UTF-8 byte order mark.
func readAll(r io.Reader, what string) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("planio: read %s: %w", what, err)
	}
	if len(data) > MaxFileSize {
		return nil, &nrm.Error{Code: nrm.EINVALID, Message: fmt.Sprintf("The %s file is too large.", what),
			Fields: []nrm.FieldError{{Field: "file", Rule: nrm.RuleTooLong, Expected: fmt.Sprintf("at most %d bytes", MaxFileSize)}}}
	}
	return bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), nil
}

// readYAML reads a YAML file within the limits: UTF-8 text, lines and
// items bounded. A file beyond them is one field error naming the line.
func readYAML(r io.Reader, what string) ([]byte, error) {
	data, err := readAll(r, what)
	if err != nil {
		return nil, err
	}
	if len(data) == 0 {
		return data, nil // decodeStrict says it is empty
	}
	data, f := csvin.CheckText(data, MaxYAMLLine, MaxRows)
	if f != nil {
		return nil, faultError(f, what)
	}
	if n := yamlItems(data); n > MaxYAMLItems {
		return nil, &nrm.Error{Code: nrm.EINVALID, Message: fmt.Sprintf("The %s file is too large.", what),
			Fields: []nrm.FieldError{{Field: "file", Rule: nrm.RuleTooLong,
				Detail:   fmt.Sprintf("at most %d YAML items (keys, values, list entries) are read", MaxYAMLItems),
				DetailDA: fmt.Sprintf("højst %d YAML-elementer (nøgler, værdier, listepunkter) læses", MaxYAMLItems)}}}
	}
	return data, nil
}

// yamlItems over-estimates the nodes a YAML text parses into: each needs
// a line, a comma or bracket of a flow collection, a "- " or a ": ".
func yamlItems(data []byte) int {
	n := 1
	for i, c := range data {
		switch c {
		case '\n', ',', '[', '{':
			n++
		case '-', ':':
			if i+1 == len(data) || data[i+1] == ' ' || data[i+1] == '\n' || data[i+1] == '\r' {
				n += 2 // a key and its value
			}
		}
	}
	return n
}

// faultError is a fault of a file's text as a field error at its line.
func faultError(f *csvin.Fault, what string) error {
	return &nrm.Error{Code: nrm.EINVALID, Message: fmt.Sprintf("The %s file cannot be read.", what),
		Fields: []nrm.FieldError{{Field: atLine(f.Line, "file"), Rule: nrm.RuleUnreadable, Detail: f.Error(), DetailDA: f.Text(nrm.LangDA)}}}
}

var (
	reUnknownField = regexp.MustCompile(`^line (\d+): field (.+) not found in type (\S+)$`)
	reCannot       = regexp.MustCompile("^line (\\d+): cannot unmarshal (!!\\w+)(?: `(.*)`)? into (\\S+)$")
	reLine         = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)
)

// decodeStrict decodes one YAML document into v, refusing unknown fields,
// and turns yaml's errors into field errors that name line and field.
func decodeStrict(data []byte, v any, what string) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	err := dec.Decode(v)
	if err == nil {
		var extra yaml.Node
		if dec.Decode(&extra) != io.EOF {
			return &nrm.Error{Code: nrm.EINVALID, Message: fmt.Sprintf("The %s file has invalid fields.", what),
				Fields: []nrm.FieldError{{Field: "file", Rule: nrm.RuleNotAllowed, Value: "---", Expected: "a single YAML document"}}}
		}
		return nil
	}
	if errors.Is(err, io.EOF) {
		return &nrm.Error{Code: nrm.EINVALID, Message: fmt.Sprintf("The %s file is empty.", what),
			Fields: []nrm.FieldError{{Field: "file", Rule: nrm.RuleRequired, Expected: "a YAML document"}}}
	}
	var doc yaml.Node
	_ = yaml.Unmarshal(data, &doc) // for positions; zero on syntax errors
	var ne *nrm.Error
	if errors.As(err, &ne) {
		// A TextUnmarshaler (e.g. nrm.Date) refused a value: find where.
		for i, f := range ne.Fields {
			if key, line := findScalar(&doc, 0, f.Value, ""); line > 0 {
				ne.Fields[i].Field = atLine(line, key)
			}
		}
		return ne
	}
	p := &problems{}
	var te *yaml.TypeError
	if errors.As(err, &te) {
		for i, msg := range te.Errors {
			if i > maxProblems {
				break // the rest would not be reported, and each costs a walk of the document
			}
			addYAMLProblem(p, msg, reflect.TypeOf(v), &doc)
		}
	} else {
		addYAMLProblem(p, err.Error(), reflect.TypeOf(v), &doc)
	}
	return p.err(fmt.Sprintf("The %s file has invalid fields.", what))
}

// findScalar finds the first node at line (any line when 0) whose value is
// value, and returns the key it is the value of (or an item of).
func findScalar(n *yaml.Node, line int, value, key string) (string, int) {
	if n == nil {
		return "", 0
	}
	if n.Line == line || (line == 0 && n.Kind == yaml.ScalarNode) {
		if n.Value == value || (line > 0 && n.Kind != yaml.ScalarNode && value == "") {
			return key, n.Line
		}
	}
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if k, l := findScalar(n.Content[i+1], line, value, n.Content[i].Value); l > 0 {
				return k, l
			}
		}
		return "", 0
	}
	for _, c := range n.Content {
		if k, l := findScalar(c, line, value, key); l > 0 {
			return k, l
		}
	}
	return "", 0
}

var tagNames = map[string]string{"!!str": "a text", "!!seq": "a list", "!!map": "a mapping",
	"!!int": "a whole number", "!!float": "a number", "!!bool": "true or false", "!!timestamp": "a date", "!!null": "nothing"}

func addYAMLProblem(p *problems, msg string, root reflect.Type, doc *yaml.Node) {
	if m := reUnknownField.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		p.add(atLine(line, m[2]), nrm.RuleNotAllowed, "", knownFields(root, m[3]))
		return
	}
	if m := reCannot.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		key, _ := findScalar(doc, line, m[3], "")
		if key == "" {
			key = "value"
		}
		got := tagNames[m[2]]
		if got == "" {
			got = m[2]
		}
		p.add(atLine(line, key), nrm.RuleFormat, m[3], fmt.Sprintf("%s, not %s", describeType(m[4]), got))
		return
	}
	if m := reLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		p.add(atLine(line, "yaml"), nrm.RuleFormat, "", "well-formed YAML ("+m[2]+")")
		return
	}
	p.add("yaml", nrm.RuleFormat, "", "well-formed YAML ("+strings.TrimPrefix(msg, "yaml: ")+")")
}

func describeType(goType string) string {
	switch strings.TrimLeft(goType, "[]*") {
	case "int", "int64", "int32":
		return "a whole number"
	case "float64", "float32":
		return "a number"
	case "bool":
		return "true or false"
	case "string":
		return "a text"
	}
	if strings.HasPrefix(goType, "[]") {
		return "a list"
	}
	return "a mapping (key: value)"
}

// knownFields lists the YAML keys of the struct type named typeName
// (e.g. "nrm.Activity") reachable from root.
func knownFields(root reflect.Type, typeName string) string {
	t := findType(root, typeName, map[reflect.Type]bool{})
	if t == nil {
		return "a known field"
	}
	var names []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := strings.Split(f.Tag.Get("yaml"), ",")[0]
		if tag == "-" || !f.IsExported() {
			continue
		}
		if tag == "" {
			tag = strings.ToLower(f.Name)
		}
		names = append(names, tag)
	}
	return "one of the fields of " + strings.TrimPrefix(typeName, "nrm.") + ": " + strings.Join(names, ", ")
}

func findType(t reflect.Type, name string, seen map[reflect.Type]bool) reflect.Type {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || seen[t] {
		return nil
	}
	seen[t] = true
	if t.String() == name {
		return t
	}
	for i := 0; i < t.NumField(); i++ {
		if found := findType(t.Field(i).Type, name, seen); found != nil {
			return found
		}
	}
	return nil
}
