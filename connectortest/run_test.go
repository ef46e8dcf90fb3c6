package connectortest_test

import "testing"

// TestExampleHarness runs the package example's harness, so the example
// stays correct.
func TestExampleHarness(t *testing.T) { testConformance(t) }
