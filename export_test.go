package nrm

// Internals the external tests read.
var (
	// ExpectedDanish is expectedDanish.
	ExpectedDanish = expectedDanish
	// FieldLabelKnown is fieldLabelKnown.
	FieldLabelKnown = fieldLabelKnown
)

// CodeSetNames returns the names of the registered code sets.
func CodeSetNames() []string {
	var out []string
	for n := range codeSets {
		out = append(out, n)
	}
	return out
}

// FieldLabelNames returns the field names that have a label.
func FieldLabelNames() []string {
	var out []string
	for n := range fieldLabels {
		out = append(out, n)
	}
	return out
}
