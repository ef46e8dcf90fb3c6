package connectortest

import (
	"strings"
	"testing"
)

func TestCheckFlat(t *testing.T) {
	small := Measurement{Documents: 1000, MaxCheckpoint: 200, HeapRise: 1 << 20}
	limits := Flat{MaxCheckpoint: 512, CheckpointSlack: 8, HeapSlack: 4 << 20}
	for _, tc := range []struct {
		name string
		big  Measurement
		want []string // what the errors name, in order; none when flat
	}{
		{"flat", Measurement{Documents: 10000, MaxCheckpoint: 208, HeapRise: 3 << 20}, nil},
		{"checkpoint over the bound", Measurement{Documents: 10000, MaxCheckpoint: 512, HeapRise: 1 << 20},
			[]string{"a checkpoint of 512 bytes", "checkpoints grew"}},
		{"checkpoint grew", Measurement{Documents: 10000, MaxCheckpoint: 209, HeapRise: 1 << 20},
			[]string{"checkpoints grew"}},
		{"memory grew", Measurement{Documents: 10000, MaxCheckpoint: 200, HeapRise: 5 << 20},
			[]string{"memory grew"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &recorder{TB: t}
			CheckFlat(r, small, tc.big, limits)
			if len(r.errs) != len(tc.want) {
				t.Fatalf("errors %q; want %d naming %q", r.errs, len(tc.want), tc.want)
			}
			for i, w := range tc.want {
				if !strings.Contains(r.errs[i], w) {
					t.Errorf("error %q does not name %q", r.errs[i], w)
				}
			}
		})
	}
}
