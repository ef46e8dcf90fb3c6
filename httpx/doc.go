// Package httpx is the one HTTP stack every Tributary connector talks
// through, inside this module or outside it.
//
// A Client built with New composes, as http.RoundTrippers under a plain
// *http.Client:
//
//   - retries (hashicorp/go-retryablehttp) of network failures, connection
//     resets, 429 and rate-limit 403 answers, and 500/502/503/504 for
//     idempotent requests, honouring Retry-After in seconds or as an HTTP
//     date, with bounded attempts and a bounded total wait, never 400, 401,
//     403 or 404, and always honouring ctx;
//   - a client-side rate limit (golang.org/x/time/rate) per credential or
//     per host, which also slows down on its own when the server's
//     X-RateLimit-* or RateLimit-* headers say few requests remain;
//   - authentication (Bearer, Basic, a header, OAuth 2.0 client
//     credentials or refresh tokens with rotation persisted before use);
//   - a Meter report of every request and every rate-limit wait (taken from
//     the request's context, see tributary.WithMeter);
//   - an outbound address guard refusing loopback, private, link-local,
//     CGNAT, unspecified and cloud-metadata targets, on the resolved
//     address at dial time and on every redirect, unless
//     Env.AllowPrivateNetwork is set (a refusal is a *ForbiddenAddressError).
//
// Client.Do classifies error statuses once, into the tributary error kinds
// (401 ErrCredentialExpired, 403 ErrInsufficientPermissions or
// ErrRateLimited, 404 ErrNotFound, 429 ErrRateLimited, 5xx and network
// ErrTransient), caps response bodies, and removes secrets (credentials in
// headers, query strings such as ?token= or ?key=, and URL userinfo) from
// every error and log line. GetJSON, PostJSON and DoJSON decode JSON bodies
// and turn malformed ones into ErrTransient errors.
//
// The paginators (Cursor, PageNumber, Offset, Link) yield pages as an
// iter.Seq2 and stop with ErrPagination when an API repeats a cursor or a
// page, or passes the page cap.
package httpx
