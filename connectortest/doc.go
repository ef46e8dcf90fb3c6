// Package connectortest is the conformance kit every Tributary connector
// runs, in the manner of testing/fstest.TestFS and testing/slogtest: one
// call checks that a connector keeps every promise of the tributary
// package's contracts, against a fixture the connector's own test sets up
// (an emulator of the upstream API, a directory of files, an in-memory
// source).
//
// # Usage
//
// A connector's test describes its fixture in a Harness and calls Run:
//
//	func TestConformance(t *testing.T) {
//		srv := emulator.New(t) // the upstream, offline
//		connectortest.Run(t, connectortest.Harness{
//			New: func(t testing.TB) tributary.Connector {
//				c, err := wiki.New(wiki.Settings{BaseURL: srv.URL},
//					wiki.Credentials{Token: "good"}, tributary.Env{HTTPClient: srv.Client(), AllowPrivateNetwork: true})
//				if err != nil {
//					t.Fatal(err)
//				}
//				return c
//			},
//			BadCredentials: func(t testing.TB) tributary.Connector { ... same with Token: "revoked" ... },
//			WantIDs:        []string{srv.URL + "/pages/1", srv.URL + "/pages/2", srv.URL + "/pages/3"},
//			WantFailureIDs: []string{srv.URL + "/pages/4"}, // the emulator breaks this one
//			Windows: []connectortest.Window{
//				{Start: t1, End: t2, WantIDs: []string{srv.URL + "/pages/2"}},
//			},
//			Requests: func(tributary.Connector) int { return srv.Requests() },
//		})
//	}
//
// Every check is a subtest with a fresh connector from Harness.New, so one
// of them runs alone with go test -run 'TestConformance/CheckpointResume$'.
// A check the connector cannot take (no Poll, no checkpoint stream, no
// events in the harness) is skipped with a message saying why.
//
// # The checks
//
// In order, Run checks that:
//
//   - Validate accepts good credentials, and rejects bad ones with
//     tributary.ErrCredentialExpired; a load with bad credentials ends with
//     that error rather than cleanly with nothing.
//   - Load yields exactly WantIDs: no duplicate, never (nil, nil), never a
//     value and an error together, every document with an ID, a
//     SemanticID, the connector's Source and UTC times; a second Load
//     gives the same ids, two Loads advanced in turn or run at once each
//     give every id (run at once, sharing a fault schedule, one may give a
//     transient Failure in a document's place), and ranging one iterator
//     twice gives the same ids twice, fetching twice.
//   - Creating an iterator does no work; only ranging over it does
//     (with Harness.Requests).
//   - Poll over all time equals Load, and Poll over each window yields
//     exactly that window's documents, each updated inside it. Windows are
//     half-open: split at the update times of some of Load's documents,
//     Poll, LoadSlim and the checkpoint stream each put every document on
//     the right side, with no window from the harness needed.
//   - LoadSlim lists exactly the documents Load yields (and may list those
//     Load reports as failures: they exist), over all time and each window.
//   - The checkpoint stream yields the same documents, checkpoints
//     whenever it yields documents, and only checkpoints made by
//     tributary.EncodeCheckpoint within tributary.MaxCheckpointSize.
//     Resuming from every one of them, what came before it plus what comes
//     after resuming is exactly the full set: nothing lost. Garbage,
//     foreign, oversized and other-version checkpoints fail with
//     tributary.ErrInvalidCheckpoint.
//   - Hierarchy nodes have an ID and a Name, and come before every node
//     and document naming them as parent.
//   - After yield returns false, at the first, the last and positions
//     spread between, yield is never called again.
//   - A context cancelled or past its deadline ends every stream with an
//     error matching ctx.Err() and no documents, and so does cancelling
//     mid-stream.
//   - No goroutine outlives Validate or a range loop, and no HTTP response
//     body is left open (seen through the read loop of its HTTP/1
//     connection, which waits for the body to be read or closed).
//   - Every failure names a document or entity, a failure's document id
//     follows the scheme of document ids, and a full load reports exactly
//     WantFailureIDs.
//   - No document changes after it is yielded, and changing a yielded
//     document changes nothing the connector yields later.
//   - Each of Harness.Events yields exactly its documents and deletions.
//
// The kit calls iterators directly rather than with a range loop, so a
// broken iterator is reported as a test failure naming the problem instead
// of a panic, and runs each on a goroutine of its own, so a hanging one is
// reported after Harness.Timeout. It uses only the standard library and
// the tributary package (TestOAuth also an emulated authorization server
// of this module).
//
// A source that declares an OAuth consent flow (Registration.OAuth) also
// calls TestOAuth with an OAuthHarness, which runs the flow against an
// emulated authorization server and checks the declaration, the
// authorization URL and the credentials built from the granted token.
//
// A fixture that injects faults with real waits (retry backoff,
// Retry-After, rate limits) makes every check slow, since the kit ranges
// many times; set Harness.Synctest to run each check in a testing/synctest
// bubble, where those waits take no real time.
//
// Keep fixtures small (tens of documents, a handful of pages): the kit
// resumes from every checkpoint and breaks at many positions, so its cost
// grows with the square of the fixture.
package connectortest
