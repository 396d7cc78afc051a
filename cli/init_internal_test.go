package cli

import (
	"bytes"
	"testing"
)

// Only nrm init, demo, import, restore and serve --demo may create a
// database.
func TestCreatesDatabase(t *testing.T) {
	root := NewRoot(&bytes.Buffer{}, &bytes.Buffer{})
	for _, tc := range []struct {
		args []string
		want bool
	}{
		{[]string{"init"}, true},
		{[]string{"demo"}, true},
		{[]string{"import", "bundle"}, true},
		{[]string{"restore", "nrm.bak"}, true},
		{[]string{"serve", "--demo"}, true},
		{[]string{"serve", "--demo=false"}, false},
		{[]string{"serve"}, false},
		{[]string{"user", "list"}, false},
		{[]string{"audit", "verify"}, false},
		{[]string{"report", "--year", "2011"}, false},
		{[]string{"backup", "nrm.bak"}, false},
		{[]string{"export", "out"}, false},
		{[]string{"keys", "rotate"}, false},
		{[]string{"countries", "import", "c.csv"}, false},
	} {
		cmd, rest, err := root.Find(tc.args)
		if err != nil {
			t.Fatalf("%v: %v", tc.args, err)
		}
		if err := cmd.ParseFlags(rest); err != nil {
			t.Fatalf("%v: %v", tc.args, err)
		}
		if got := createsDatabase(cmd); got != tc.want {
			t.Errorf("nrm %v creates a database: %v, want %v", tc.args, got, tc.want)
		}
	}
}
