// Package emulator is a small framework for building emulators of the
// upstream services Tributary's connectors talk to (GitHub, Confluence,
// Jira, Slack ...), so that every connector is tested offline against an
// upstream that behaves like the real one.
//
// A Server holds routes registered with Handle on net/http ServeMux
// patterns, using the service's real paths. Before a route's handler runs,
// the request passes, in order:
//
//  1. the fault schedule (FailNext, FailEvery): a status such as 429, 500 or
//     503 with an optional Retry-After, a reset connection, a slow answer,
//     or a truncated body;
//  2. authentication (BearerTokens, BasicUsers, HeaderTokens, or any Auth
//     function), which names the principal (Principal);
//  3. the rate limit, per principal, answering 429 or 403 with Retry-After
//     and X-RateLimit-* or RateLimit-* headers like real services.
//
// The listing helpers (PageOf, LinkPage, OffsetOf, CursorOf) cut a slice of
// items into the page a request asks for, in the styles of GitHub (page
// numbers and Link headers), Jira and Confluence (offsets) and Slack
// (opaque cursors). WriteJSON and Error answer in JSON.
//
// Every request is logged (Requests, Count, CountStatus) so tests can
// assert what the connector sent: paths, queries, headers, how many
// retries. Time comes from a Clock: SystemClock follows a testing/synctest
// bubble's fake time; ManualClock moves only when told.
//
// Serve a Server in memory with Transport (net.Pipe connections served by
// a real http.Server, so it works inside synctest bubbles: create it in the
// bubble and Close it before the bubble ends), or on a loopback listener
// with Start for benchmarks and examples (clients then need
// Env.AllowPrivateNetwork).
//
// An emulator for a service is a package of its own under internal/ that
// builds a Server, registers the service's routes over an in-memory data
// set the test fills, and exports the data types; see the package example.
package emulator
