package teams

import (
	"testing"
	"testing/synctest"
)

// synctestRun runs f in a synctest bubble, so waits take no real time.
func synctestRun(t *testing.T, f func(t *testing.T)) { synctest.Test(t, f) }
