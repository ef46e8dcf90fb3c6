// Package linear reads a Linear workspace through Linear's GraphQL API
// (POST https://api.linear.app/graphql): issues with their comments,
// projects and documents.
//
// # Setup
//
// Create a personal API key (Settings > Security & access > Personal API
// keys); it reads whatever its user may see, and is sent bare in the
// Authorization header. Or give an OAuth 2 access token of an application
// with the read scope (api_key or access_token, not both); it is sent as
// "Authorization: Bearer"; the registration declares the consent flow
// (OAuth) that grants one. Neither ever appears in logs or errors. The
// workspace is the one the credentials belong to: no id is needed.
//
// Linear's OAuth access tokens last a day. Give the grant's refresh_token
// with the application's client_id and client_secret (and the access
// token's expiry, when known) and the connector renews the access token
// through the refresh-token grant, saving the rotated refresh token
// through Env.SaveCredentials; an access token without its expiry is
// renewed at the first request. An access token Linear refuses before its
// expiry (AUTHENTICATION_ERROR) is renewed once and the request asked
// again; a grant whose refresh token is refused too (the app was
// disconnected) fails with ErrCredentialExpired.
//
// # Settings
//
//	api_url            GraphQL endpoint (https://api.linear.app/graphql)
//	teams              team keys (ENG) to read only those teams (all)
//	include_issues     read issues (true)
//	include_comments   add comments to their issues as sections (true)
//	include_projects   read projects as documents (true)
//	include_documents  read documents (true)
//	include_archived   read archived issues, projects and documents too (false)
//	page_size          items per page, at most 100 (50)
//
// With teams set, the connector reads those teams' issues, the projects
// they take part in (a project's node then goes under the first of them),
// and the documents of those projects; Validate fails with ErrNotFound on
// a key the credentials cannot see, and Refetch answers an item of
// another team with a deletion.
//
// # What is fetched
//
// Each issue is a document whose id is its address without the title's
// slug (https://linear.app/acme/issue/ENG-12), with its description
// (markdown) and one section per comment, oldest first, linking to the
// comment; Linear's created and updated times; the creator as primary and
// the assignee as secondary owner; metadata with the kind, identifier,
// team key, project, workflow state and its type, priority and labels.
// A project is a document under https://linear.app/acme/project/SLUGID
// with its summary and content, its lead and creator as owners; a
// Linear document one under https://linear.app/acme/document/SLUGID with
// its content and creator. The slug ids are the short ids that end
// Linear's addresses, which stay when a title changes. An issue moved to
// another team gets a new identifier, and with it a new id: the next
// window yields it under the new one, and pruning drops the old.
//
// Hierarchy nodes come first: one per team (https://linear.app/acme/team/KEY),
// then one per project, under its first team by key (with its id, the
// same as the project's document). An issue's parent is its project's
// node, or its team's; a document's is its project's node. Every project
// node is sent in every window, as issues of any window may name it.
//
// With Env.WantPermissions, an item of a private team is open to the group
// "team:ID" of its members, and an item of a public team, a project with a
// public team, and a document outside any project to WorkspaceGroup,
// which stands for every member of the workspace (Linear's guests, who see
// only their teams, are not told apart). Groups lists WorkspaceGroup and
// each private team with its active members' addresses.
//
// NormalizeURL maps an address Linear shows (an issue's with its title
// slug or a #comment fragment, a project's or document's with its slug or
// a tab) to its document id, asking Linear once for the workspace's
// address.
//
// # Order and checkpoints
//
// Teams are read whole; projects, issues and documents are each one
// listing ordered by updatedAt, which Linear sorts newest first, filtered
// to the window with updatedAt gte start and lt end. A checkpoint after
// each page holds the listing, the page cursor (pageInfo.endCursor), the
// update time of the last item passed and the ids passed at that time (at
// most 20): its size does not grow with the source. When Linear refuses a
// page cursor, the listing is read again from that update time (updatedAt
// lte it), skipping the ids passed. An item edited during a run moves
// out of the window (its new update time is after the window's end) and
// comes in the next one.
//
// # Limits
//
// Linear limits each key or token by requests and by query complexity an
// hour, refilled continuously (leaky buckets; 5,000 requests and 250,000
// points for an API key as documented), and refuses a query costing more
// than 10,000 points: a page of 100 issues with their labels and 20
// comments stays under it. A spent budget is answered with a RATELIMITED
// GraphQL error under HTTP 400 (or 200); the connector reads
// X-RateLimit-Requests-Remaining, X-RateLimit-Complexity-Remaining and
// their -Reset headers (epoch milliseconds), holds its next request while
// a budget is spent, and waits out a RATELIMITED answer until its reset,
// up to two minutes, beyond which the run ends with ErrRateLimited and the
// wait in RetryAfter. GraphQL errors are classified like HTTP statuses:
// AUTHENTICATION_ERROR as ErrCredentialExpired, FORBIDDEN as
// ErrInsufficientPermissions, INVALID_INPUT as ErrInvalidConfig (or, for a
// lookup by id, ErrNotFound), INTERNAL_SERVER_ERROR as ErrTransient, and
// any other code as ErrMalformedResponse. Issues' attachments, cycles,
// initiatives and project updates are not read.
package linear
