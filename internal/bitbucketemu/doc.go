// Package bitbucketemu emulates Bitbucket Cloud's REST API 2.0 for tests,
// benchmarks and examples: workspaces, members, repository permissions,
// repositories, pull requests and their comments under /2.0, with HTTP
// basic authentication by app password and bearer access tokens, paging
// objects ({values, next, page, pagelen, size}) whose next links carry
// page numbers, the subset of BBQL filters and sorts the connector sends
// (q=updated_on >= T AND updated_on < T, sort=updated_on,
// user.email IN (...)), Bitbucket's visibility rules, its rolling hourly
// rate limit whose 429 names no wait, and the emulator kit's faults.
package bitbucketemu
