// Package github reads pull requests and issues from GitHub and GitHub
// Enterprise Server through the REST API, as documents with their comments,
// labels, authors and real creation and update times.
//
// # Setting it up
//
// Create a token at Settings → Developer settings → Personal access tokens:
//
//   - Fine-grained token (preferred): choose the resource owner and the
//     repositories, then grant the repository permissions Metadata (read,
//     always on), Issues (read) and Pull requests (read). Add Contents (read)
//     if you will index code later. To fill document permissions for
//     private repositories (see below), the token's user needs push access
//     to each repository, and the token Administration (read) to list its
//     teams. A refused request names the permission it lacked in its
//     X-Accepted-GitHub-Permissions header.
//   - Classic token: the repo scope for private repositories, or only
//     public_repo for public ones; add read:org to fill document permissions.
//     For an organization using SAML single sign-on, authorize the token for
//     the organization.
//
// Instead of a token, a user may connect through a GitHub OAuth app (see
// OAuth): "tributary auth github --config F" runs the consent and keeps the
// granted token.
//
// Then configure:
//
//	settings:    {"repositories": ["octo-org/hello-world"], "owner": "octo-org"}
//	credentials: {"token": "github_pat_..."}
//
// Repositories are named "owner/name", exactly as in their web address
// https://github.com/owner/name. Owner reads every repository of a user or
// organization that the token can see. For GitHub Enterprise Server set
// base_url to https://HOST/api/v3. State limits the items to open or closed
// ones; include_pull_requests and include_issues choose the listings;
// include_comments adds every conversation comment as a further section,
// at the cost of one request per commented item (and per pull request,
// whose listing does not count comments); review comments on a pull
// request's diff are not read.
//
// # Documents
//
// Each pull request and issue is one document. Its ID is the item's
// html_url (https://github.com/owner/name/pull/12 or .../issues/12), the
// canonical web address, so a failure about an item names it by the same
// id. SemanticID is "owner/name#12: title". The first section is the body
// with the item's link; comments follow with their own links. Metadata
// holds kind (pull_request or issue), repo, state, number, author, every
// label, and for pull requests merged, draft and base. CreatedAt and
// UpdatedAt are GitHub's created_at and updated_at. The primary owner is
// the author's login and the secondary owners the assignees' (the listings
// carry no email addresses).
// ParentID is the repository's node_id (its html_url on a server that sends
// no node_id), and each repository is yielded as a hierarchy node before its
// documents. A repository answer without full_name or html_url is a
// tributary.ErrMalformedResponse, not a transient error: asking again would
// get the same answer.
//
// When the host asks for permissions, a public repository's documents are
// public. A private or internal repository's documents admit the
// collaborators whose profile shows an email address and the repository's
// teams as group ids "team:ORG/SLUG". Collaborators without a public email
// cannot be named by email: a backend that matches people by email will not
// admit them. Members of an enterprise that may see an internal repository
// are not listed either. When the token cannot list collaborators, the
// repository is reported as a failure and its documents admit nobody.
//
// # Group sync
//
// Groups lists the teams of each organization that owns a configured
// repository or is the configured owner, with the ids documents' access
// names ("team:ORG/SLUG") and the public e-mail addresses of their members
// (read from each member's profile: members without one are left out). It
// needs read:org on a classic token, the Members organization permission
// (read) on a fine-grained one; Probe names the one missing.
//
// # Reading order and checkpoints
//
// Configured repositories come first in name order, then the owner's in
// name order. In each repository the pull request listing and then the
// issue listing are read sorted by update time, newest first
// (sort=updated&direction=desc), page by page through the Link header. An
// item updated at or after the window's end is skipped; once a page was in
// order and its last item is older than the window's start, the listing
// stops: nothing older can follow in a listing sorted by the field compared.
// A listing found out of order is read to its end. The issues listing also
// returns pull requests; those are skipped there, since the pull request
// listing yields them.
//
// Newest first is chosen because GitHub paginates by page number: an item
// edited during a run moves to the top, behind the reader, so the pages
// ahead shift down and are re-read rather than skipped. Oldest first would
// lose items as edited ones leave the pages ahead.
//
// A repository or listing that cannot be read (deleted or hidden meanwhile,
// or a listing the token lacks the permission for) is reported as a
// failure naming it ("owner/name/issues") and the run goes on; any other
// error (a revoked token, an exhausted rate limit, a server that keeps
// failing) ends the run, which resumes from its last checkpoint. The issue
// listing of a repository with issues turned off is not read.
//
// A checkpoint holds the repository, the listing, the URL of the last page
// finished, the update time of its last item and the numbers of the
// page's items updated in that same second: a resumed run reads that page
// again and skips exactly what it had yielded. It never grows with the
// repository.
//
// # Fetching failed documents again
//
// Refetch (tributary.Refetcher) reads the items whose fetch failed in an
// earlier run again by id: one GET of the issue or pull request, plus its
// comments when configured, and once per call each repository asked about
// (and who may see it), so the document is the one Load gives. An id that
// is not the html_url of an item of a configured repository (or of the
// owner's) fails with ErrForeignURL without a request. An item deleted
// (410), missing (404), transferred, or now left out by state,
// include_pull_requests or include_issues is a deletion; a refusal (403),
// a failing read, and a repository that answers 404 (deleted, or hidden
// from the token: Load cannot tell either) are a failure under its id.
//
// # Webhooks
//
// HandleEvent takes deliveries of a repository or organization webhook
// (content type application/json, with a secret, subscribed to the Issues
// and Pull requests events) and turns them into items: the repository's
// node and the item's document, or its deletion when the item was deleted,
// transferred, or left the configured state. Set credentials.webhook_secret
// to the webhook's secret: deliveries whose X-Hub-Signature-256 does not
// match it are refused with ErrInsufficientPermissions. Comment events are
// not handled; a new comment changes its item's updated_at, so the next
// poll picks it up.
//
// # Rate limits
//
// A token may make 5,000 requests an hour (15,000 for GitHub Enterprise
// Cloud organizations). With 100 items a page, a full load costs about one
// request per 100 items plus two or three per repository: up to about
// 500,000 items an hour (345,000 measured on repositories of 1,000 items).
// include_comments adds up to one request per item, which brings it down
// to about 5,000. The HTTP stack spreads the last requests of the hour
// until X-RateLimit-Reset rather than running into the limit, and honours
// Retry-After on secondary rate limits (403 or 429).
package github
