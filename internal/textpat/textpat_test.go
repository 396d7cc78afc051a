package textpat

import "testing"

func TestTranslate(t *testing.T) {
	tab := Compile([][2]string{
		{"at most {} characters", "højst {} tegn"},
		{"{} of {}", "{2}s {1}"},
		{"one of the fields of {}: {}", "et af felterne {2}"},
		{"a date in ", "en dato i "},
		{"a text", "en tekst"},
		{"{}, not {}", "{}, ikke {}"},
		{"at most 100 characters", "højst hundrede tegn"},
	})
	for in, want := range map[string]string{
		"at most 7 characters":            "højst 7 tegn",
		"at most 100 characters":          "højst hundrede tegn", // the longer literal wins
		"head of plan":                    "plans head",
		"one of the fields of Area: a, b": "et af felterne a, b",
		"a date in 2012-spring":           "en dato i 2012-spring",
		"a text, not a text":              "en tekst, ikke en tekst",
	} {
		if got, ok := tab.Translate(in); !ok || got != want {
			t.Errorf("Translate(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	if got, ok := tab.Translate("something else"); ok || got != "something else" {
		t.Errorf("an unknown text: %q, %v", got, ok)
	}
	tab.Part = func(s string) (string, bool) { return "<" + s + ">", s == "x" }
	if got, _ := tab.Translate("at most x characters"); got != "højst <x> tegn" {
		t.Errorf("Part: %q", got)
	}
}
