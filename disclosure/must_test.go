package disclosure

import "testing"

// must returns v and fails the test when err is not nil, so that no test
// compares a value while ignoring the error that came with it:
//
//	got := must(db.FindCaseByID(admin, id))(t)
func must[T any](v T, err error) func(testing.TB) T {
	return func(tb testing.TB) T {
		tb.Helper()
		if err != nil {
			tb.Fatalf("unexpected error: %v", err)
		}
		return v
	}
}
