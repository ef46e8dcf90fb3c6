#!/usr/bin/env bash
# Runs every fuzz target in the module for FUZZTIME each (default 10s),
# one at a time, and prints the executions each made. A crash stops the
# run; its input is left in the package's testdata/fuzz/<Target>/ to be
# kept as a regression case once fixed.
#
#   scripts/fuzz.sh                 # every target, 10s each
#   FUZZTIME=2m scripts/fuzz.sh     # longer
#   scripts/fuzz.sh FuzzPDF         # targets whose name matches
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
FUZZTIME=${FUZZTIME:-10s}
match=${1:-.}
# Minimising a new input is capped at 20 executions (FUZZMINIMIZETIME):
# the default, a minute an input, leaves the zip-based targets minimising
# nearly all the time.
# Each target runs with one worker by default: the fuzzing machines are
# shared; raise FUZZPARALLEL on a machine of your own.
FUZZPARALLEL=${FUZZPARALLEL:-1}
grep -rEo --include='*_test.go' --exclude-dir=.bin --exclude-dir=.git '^func Fuzz[A-Za-z0-9_]*' . |
	sed -E 's#^\./(.*/)?[^/]*_test\.go:func (Fuzz[A-Za-z0-9_]*).*#\1 \2#; s#^/? #. #; s#/ # #' |
	sort -u | while read -r dir target; do
		[[ $target =~ $match ]] || continue
		fuzz() {
			$GO test -run '^$' -fuzz "^${target}\$" -fuzztime "$FUZZTIME" -fuzzminimizetime "${FUZZMINIMIZETIME:-20x}" -parallel "$FUZZPARALLEL" "./${dir#./}" 2>&1
		}
		# The go command can report its own FUZZTIME deadline as a failure
		# when the deadline lands while it is stopping its workers. Such a
		# run found nothing (a crash always writes its input), so the target
		# runs again, up to three times in all, before the failure counts.
		ok=false
		for attempt in 1 2 3; do
			if out=$(fuzz); then
				ok=true
				break
			fi
			if ! grep -q 'context deadline exceeded' <<<"$out" || grep -q 'Failing input written' <<<"$out"; then
				break
			fi
			echo "./$dir $target: the go command reported its own deadline (attempt $attempt); running it again"
		done
		$ok || {
			echo "$out"
			echo "FAIL ./$dir $target"
			exit 1
		}
		execs=$(echo "$out" | grep -oE 'execs: [0-9]+' | tail -1 | grep -oE '[0-9]+' || echo 0)
		printf '%-28s %-24s %10s execs in %s\n' "./$dir" "$target" "$execs" "$FUZZTIME"
	done
