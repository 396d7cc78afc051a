package bundle

// ObserveStream makes fn learn which way each import goes (streamed or
// checked whole) until the returned function is called.
func ObserveStream(fn func(streamed bool)) (restore func()) {
	old := streamObserver
	streamObserver = fn
	return func() { streamObserver = old }
}
