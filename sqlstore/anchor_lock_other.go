//go:build !unix

package sqlstore

import (
	"os"
	"sync"
)

// anchorMu serialises anchor writers of this process where flock is not
// available.
var anchorMu sync.Mutex

// lockFile serialises the anchor writers of this process.
func lockFile(*os.File) (func(), error) {
	anchorMu.Lock()
	return anchorMu.Unlock, nil
}
