package emulator_test

import (
	"testing"
	"testing/synctest"

	"github.com/tributary-dev/tributary/internal/emulator"
)

func TestCloseThroughCleanupInsideBubble(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := emulator.New(emulator.Options{})
		t.Cleanup(s.Close)
		resp, err := s.Client().Get("https://x.test/none")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	})
}
