package nrm

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Patches: the web API (PATCH with a JSON object) and the command line
// (--set field=value, --json) correct a case's own attributes and its
// recorded facts the same way. A patch names fields by their JSON names;
// it is merged onto the stored value field by field, null (or an empty
// --set value) clears a field, and every field that cannot be read is
// refused with its name in one answer. Values are never echoed in errors:
// they may be identifiers. The rules of the case itself are checked
// later, by Validate and ValidateChange when the change is stored.

// FactKinds are the kinds of recorded fact a patch addresses, by their
// API names, in the order of the API documentation.
var FactKinds = []string{"contacts", "assessments", "reflection_periods", "accommodations", "offers", "exits", "reconsiderations", "reopenings"}

// factOps are the patch operations on one kind of fact.
type factOps struct {
	typ    reflect.Type // the fact's Go type
	find   func(c *Case, id int64) int
	patch  func(c *Case, i int, body map[string]json.RawMessage) error
	remove func(c *Case, i int)
	add    func(c *Case, body map[string]json.RawMessage) error
	ids    func(c *Case) []int64
}

func newFactOps[T any](list func(*Case) *[]T, id func(T) int64) *factOps {
	return &factOps{
		typ: reflect.TypeFor[T](),
		find: func(c *Case, fid int64) int {
			return slices.IndexFunc(*list(c), func(x T) bool { return fid != 0 && id(x) == fid })
		},
		patch: func(c *Case, i int, body map[string]json.RawMessage) error {
			x, err := mergeJSON((*list(c))[i], body)
			if err != nil {
				return err
			}
			(*list(c))[i] = x
			return nil
		},
		remove: func(c *Case, i int) { *list(c) = slices.Delete(*list(c), i, i+1) },
		add: func(c *Case, body map[string]json.RawMessage) error {
			var zero T
			x, err := mergeJSON(zero, body)
			if err != nil {
				return err
			}
			*list(c) = append(*list(c), x)
			return nil
		},
		ids: func(c *Case) []int64 {
			var out []int64
			for _, x := range *list(c) {
				out = append(out, id(x))
			}
			return out
		},
	}
}

var factKindOps = map[string]*factOps{
	"contacts":           newFactOps(func(c *Case) *[]Contact { return &c.Contacts }, func(x Contact) int64 { return x.ID }),
	"assessments":        newFactOps(func(c *Case) *[]Assessment { return &c.Assessments }, func(x Assessment) int64 { return x.ID }),
	"reflection_periods": newFactOps(func(c *Case) *[]ReflectionPeriod { return &c.ReflectionPeriods }, func(x ReflectionPeriod) int64 { return x.ID }),
	"accommodations":     newFactOps(func(c *Case) *[]Accommodation { return &c.Accommodations }, func(x Accommodation) int64 { return x.ID }),
	"offers":             newFactOps(func(c *Case) *[]Offer { return &c.Offers }, func(x Offer) int64 { return x.ID }),
	"exits":              newFactOps(func(c *Case) *[]Exit { return &c.Exits }, func(x Exit) int64 { return x.ID }),
	"reconsiderations":   newFactOps(func(c *Case) *[]Reconsideration { return &c.Reconsiderations }, func(x Reconsideration) int64 { return x.ID }),
	"reopenings":         newFactOps(func(c *Case) *[]Reopening { return &c.Reopenings }, func(x Reopening) int64 { return x.ID }),
}

// kindOps returns the operations of a kind, or an EINVALID error naming
// the field "fact".
func kindOps(kind string) (*factOps, error) {
	if k, ok := factKindOps[kind]; ok {
		return k, nil
	}
	return nil, &Error{Code: EINVALID, Message: "Unknown kind of fact.",
		Fields: []FieldError{{Field: "fact", Rule: RuleOneOf, Value: kind, Expected: strings.Join(FactKinds, ", ")}}}
}

// factNotFound is the error for a fact id the case does not have.
func factNotFound() error {
	return &Error{Code: ENOTFOUND, Message: "The case has no such fact."}
}

// PatchFact merges body (JSON field names of the fact) onto the fact of
// the given kind and id. An unknown kind or a field that cannot be read
// is EINVALID with the fields named; an id the case does not have is
// ENOTFOUND. On error c is unchanged.
func PatchFact(c *Case, kind string, id int64, body map[string]json.RawMessage) error {
	k, err := kindOps(kind)
	if err != nil {
		return err
	}
	i := k.find(c, id)
	if i < 0 {
		return factNotFound()
	}
	if raw, ok := body["id"]; ok {
		var got int64
		if json.Unmarshal(raw, &got) != nil || got != id {
			return &Error{Code: EINVALID, Message: "The id of a fact cannot change.",
				Fields: []FieldError{{Field: "id", Rule: RuleNotAllowed, Expected: strconv.FormatInt(id, 10)}}}
		}
	}
	return k.patch(c, i, body)
}

// VoidFact removes the fact of the given kind and id from c: stored with
// a reason, it is a correction that voids a recorded fact.
func VoidFact(c *Case, kind string, id int64) error {
	k, err := kindOps(kind)
	if err != nil {
		return err
	}
	i := k.find(c, id)
	if i < 0 {
		return factNotFound()
	}
	k.remove(c, i)
	return nil
}

// AddFact appends a new fact of the given kind read from body (JSON field
// names of the fact; no id: the storage assigns it).
func AddFact(c *Case, kind string, body map[string]json.RawMessage) error {
	k, err := kindOps(kind)
	if err != nil {
		return err
	}
	if _, ok := body["id"]; ok {
		return &Error{Code: EINVALID, Message: "A new fact gets its id when it is stored.",
			Fields: []FieldError{{Field: "id", Rule: RuleNotAllowed, Expected: "no id"}}}
	}
	return k.add(c, body)
}

// FactIDs returns the ids of c's facts of a kind, in their order.
func FactIDs(c *Case, kind string) ([]int64, error) {
	k, err := kindOps(kind)
	if err != nil {
		return nil, err
	}
	return k.ids(c), nil
}

// caseAttrs are the case fields PatchCase may change besides the
// identifiers; facts have their own patches, the owner and the shares
// change through referrals and consents.
type caseAttrs struct {
	Gender          Gender          `json:"gender"`
	BirthYear       int             `json:"birth_year,omitempty"`
	Nationality     string          `json:"nationality,omitempty"`
	ResidenceStatus ResidenceStatus `json:"residence_status"`
	Identifiers     Identifiers     `json:"identifiers"`
}

// patchableCase names the fields of PatchCase, for error messages.
const patchableCase = "gender, birth_year, nationality, residence_status, identifiers"

// PatchCase merges body onto the case's own attributes: gender,
// birth_year, nationality, residence_status, and identifiers (an object
// merged field by field). Any other field is refused with its name; on
// error c is unchanged.
func PatchCase(c *Case, body map[string]json.RawMessage) error {
	var fes []FieldError
	for _, k := range sortedKeys(body) {
		if _, ok := jsonFields(reflect.TypeFor[caseAttrs]())[k]; !ok {
			fes = append(fes, FieldError{Field: k, Rule: RuleNotAllowed, Expected: "one of " + patchableCase})
		}
	}
	if len(fes) > 0 {
		return &Error{Code: EINVALID, Message: "The body has fields that cannot be patched here.", Fields: fes}
	}
	rest := map[string]json.RawMessage{}
	for k, v := range body {
		rest[k] = v
	}
	ids := c.Identifiers
	if raw, ok := body["identifiers"]; ok {
		delete(rest, "identifiers")
		var idm map[string]json.RawMessage
		if isNull(raw) {
			ids = Identifiers{}
		} else if err := json.Unmarshal(raw, &idm); err != nil || idm == nil {
			fes = append(fes, FieldError{Field: "identifiers", Rule: RuleFormat, Expected: "an object"})
		} else {
			var err error
			if ids, err = mergeJSON(c.Identifiers, idm); err != nil {
				fes = append(fes, FieldErrors(err)...)
			}
		}
	}
	a, err := mergeJSON(caseAttrs{c.Gender, c.BirthYear, c.Nationality, c.ResidenceStatus, ids}, rest)
	fes = append(fes, FieldErrors(err)...)
	if len(fes) > 0 {
		return &Error{Code: EINVALID, Message: "The body has fields that cannot be read.", Fields: fes}
	}
	c.Gender, c.BirthYear, c.Nationality, c.ResidenceStatus, c.Identifiers = a.Gender, a.BirthYear, a.Nationality, a.ResidenceStatus, a.Identifiers
	return nil
}

// mergeJSON sets the fields of body onto a copy of x, field by field by
// JSON name: null clears a field, an unknown field or a value of the
// wrong type is refused with its name, all of them in one error.
func mergeJSON[T any](x T, body map[string]json.RawMessage) (T, error) {
	v := reflect.ValueOf(&x).Elem()
	fields := jsonFields(v.Type())
	var fes []FieldError
	for _, k := range sortedKeys(body) {
		i, ok := fields[k]
		if !ok {
			fes = append(fes, FieldError{Field: k, Rule: RuleNotAllowed, Expected: "a documented field"})
			continue
		}
		f := v.Field(i)
		if isNull(body[k]) {
			f.SetZero()
			continue
		}
		p := reflect.New(f.Type())
		dec := json.NewDecoder(bytes.NewReader(body[k]))
		dec.DisallowUnknownFields()
		if err := dec.Decode(p.Interface()); err != nil {
			fes = append(fes, FieldError{Field: k, Rule: RuleFormat, Expected: expectedJSON(f.Type())})
			continue
		}
		f.Set(p.Elem())
	}
	if len(fes) > 0 {
		var zero T
		return zero, &Error{Code: EINVALID, Message: "The body has fields that cannot be read.", Fields: fes}
	}
	return x, nil
}

// jsonFields maps the JSON names of a struct's fields to their index.
func jsonFields(t reflect.Type) map[string]int {
	out := map[string]int{}
	for i := 0; i < t.NumField(); i++ {
		if f := t.Field(i); f.IsExported() {
			if name := jsonName(f); name != "-" {
				out[name] = i
			}
		}
	}
	return out
}

var dateType = reflect.TypeFor[Date]()

// expectedJSON describes the JSON a field of type t takes.
func expectedJSON(t reflect.Type) string {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == dateType:
		return "a date YYYY-MM-DD"
	case t.Kind() == reflect.String:
		return "text"
	case t.Kind() == reflect.Bool:
		return "true or false"
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Int64:
		return "a whole number"
	case t.Kind() == reflect.Slice:
		return "a list of " + strings.TrimPrefix(expectedJSON(t.Elem()), "a ")
	}
	return "an object"
}

func isNull(raw json.RawMessage) bool { return bytes.Equal(bytes.TrimSpace(raw), []byte("null")) }

func sortedKeys(m map[string]json.RawMessage) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// PatchBody turns command-line assignments "field=value" into the JSON
// body of a patch of kind ("" for the case's own attributes, where
// identifiers are set as "identifiers.name=…"). Each value is read by the
// type of its field: text as it is, numbers, yes/no or true/false
// answers, dates YYYY-MM-DD, lists separated by ";"; an empty value
// clears the field. Every assignment that cannot be read is refused with
// its field named (an identifier by its own name, as in PatchCase), and
// values are never echoed.
func PatchBody(kind string, assignments []string) (map[string]json.RawMessage, error) {
	var t reflect.Type
	if kind == "" {
		t = reflect.TypeFor[caseAttrs]()
	} else {
		k, err := kindOps(kind)
		if err != nil {
			return nil, err
		}
		t = k.typ
	}
	body := map[string]json.RawMessage{}
	idm := map[string]json.RawMessage{}
	var fes []FieldError
	for _, a := range assignments {
		name, value, ok := strings.Cut(a, "=")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			fes = append(fes, FieldError{Field: "set", Rule: RuleFormat, Expected: "field=value"})
			continue
		}
		ft, target, key, sub := t, body, name, false
		if rest, ok := strings.CutPrefix(name, "identifiers."); ok && kind == "" {
			ft, target, key, sub = reflect.TypeFor[Identifiers](), idm, rest, true
		}
		i, known := jsonFields(ft)[key]
		if !known || (kind == "" && key == "identifiers" && !sub) || key == "id" {
			fes = append(fes, FieldError{Field: key, Rule: RuleNotAllowed, Expected: "one of " + strings.Join(settable(t, kind), ", ")})
			continue
		}
		raw, err := assignmentJSON(ft.Field(i).Type, value)
		if err != nil {
			fes = append(fes, FieldError{Field: key, Rule: RuleFormat, Expected: expectedText(ft.Field(i).Type)})
			continue
		}
		if _, dup := target[key]; dup {
			fes = append(fes, FieldError{Field: key, Rule: RuleDuplicate, Expected: "each field at most once"})
			continue
		}
		target[key] = raw
	}
	if len(fes) > 0 {
		return nil, &Error{Code: EINVALID, Message: "Invalid field assignments.", Fields: fes}
	}
	if len(idm) > 0 {
		b, err := json.Marshal(idm)
		if err != nil {
			return nil, err
		}
		body["identifiers"] = b
	}
	return body, nil
}

// settable lists the fields an assignment may name.
func settable(t reflect.Type, kind string) []string {
	var out []string
	for name := range jsonFields(t) {
		switch {
		case name == "id":
		case kind == "" && name == "identifiers":
			for sub := range jsonFields(reflect.TypeFor[Identifiers]()) {
				out = append(out, "identifiers."+sub)
			}
		default:
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// expectedText describes the command-line value a field of type t takes.
func expectedText(t reflect.Type) string {
	if t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Bool {
		return "yes, no or empty"
	}
	if t.Kind() == reflect.Slice {
		return "values separated by ;"
	}
	return expectedJSON(t)
}

// assignmentJSON reads one command-line value as the JSON of a field of
// type t.
func assignmentJSON(t reflect.Type, value string) (json.RawMessage, error) {
	value = strings.TrimSpace(value)
	if value == "" {
		return json.RawMessage("null"), nil
	}
	base := t
	if base.Kind() == reflect.Pointer {
		base = base.Elem()
	}
	switch {
	case base == dateType:
		if _, err := ParseDate(value); err != nil {
			return nil, err
		}
		return json.Marshal(value)
	case base.Kind() == reflect.String:
		return json.Marshal(value)
	case base.Kind() == reflect.Bool:
		switch strings.ToLower(value) {
		case "yes", "ja", "true":
			return json.RawMessage("true"), nil
		case "no", "nej", "false":
			return json.RawMessage("false"), nil
		}
		return nil, fmt.Errorf("not a yes/no answer")
	case base.Kind() >= reflect.Int && base.Kind() <= reflect.Int64:
		n, err := strconv.ParseInt(value, 10, 64)
		if err != nil {
			return nil, err
		}
		return json.Marshal(n)
	case base.Kind() == reflect.Slice && base.Elem().Kind() == reflect.String:
		var items []string
		for _, x := range strings.Split(value, ";") {
			if x = strings.TrimSpace(x); x != "" {
				items = append(items, x)
			}
		}
		return json.Marshal(items)
	}
	return nil, fmt.Errorf("unsupported field type %s", t)
}

// Reopen adds a reopening of a closed case on d with a reason. An open
// case cannot be reopened, nor a case reopened before its exit; the
// date and reason themselves are checked by Validate. Every fault is
// returned in one EINVALID error, and c is then unchanged.
func (c *Case) Reopen(d Date, reason string) error {
	v := &invalid{}
	reason = strings.TrimSpace(reason)
	closed := c.ClosedOn()
	switch {
	case closed.IsZero():
		v.add("reopen_date", RuleNotAllowed, d.String(), "a closed case")
	case !d.IsZero() && d.Before(closed):
		v.add("reopen_date", RuleDateOrder, d.String(), "on or after the exit "+closed.String())
	}
	if d.IsZero() {
		v.add("reopen_date", RuleRequired, "", "YYYY-MM-DD")
	}
	if reason == "" {
		v.add("reopen_reason", RuleRequired, "", "")
	}
	if err := v.err("The case cannot be reopened."); err != nil {
		return err
	}
	c.Reopenings = append(c.Reopenings, Reopening{Date: d, Reason: reason})
	return nil
}
