// Package jira reads issues from Jira Cloud, Jira Server and Jira Data
// Center into Tributary documents.
//
// # Setting up the source
//
// Jira Cloud (deployment "cloud", the default): create an API token at
// https://id.atlassian.com/manage-profile/security/api-tokens while signed
// in as the account the connector will read as, and give that account's
// e-mail address and the token as credentials email and api_token. The
// connector sends them as HTTP basic authentication to REST API 3. Set
// base_url to the site, such as https://your-domain.atlassian.net.
//
// Jira Server and Data Center (deployment "server", version 8.14 or later):
// create a personal access token under your profile, Personal Access Tokens,
// and give it as personal_access_token. It is sent as a bearer token to
// REST API 2. Set base_url to the site with its context path, such as
// https://jira.example.com or https://example.com/jira.
//
// The account needs the Browse projects permission on every project to
// read (granted through each project's permission scheme). Issues behind
// an issue security level the account is not in are invisible to it, and
// so are not read. Project keys are the prefix of issue keys (ENG in
// ENG-42); Projects, Project settings, Details, or the project list at
// /jira/projects shows them. Leave projects empty to read every project the
// account can see. The optional jql setting narrows each project's issues
// further (labels = public AND status != Draft); it must not carry ORDER BY.
//
// # Documents
//
// One document per issue: its id and link are the browse URL
// (https://your-domain.atlassian.net/browse/ENG-42), its semantic id
// "ENG-42: summary", its first section the description (Atlassian Document
// Format rendered to plain text on Cloud, the stored text on Server), and,
// with include_comments (the default), one section per comment linking to
// the issue with the comment in focus. Created and updated times are
// Jira's; primary owners are the reporter and creator, secondary owners
// the assignee, with e-mail addresses only where the person's profile
// shows them. Metadata carries the project, key, status, priority, issue
// type, resolution, labels, reporter and assignee. Each project is a
// hierarchy node (id and link https://SITE/browse/KEY), yielded before its
// issues, and the issues' ParentID; epics and parent issues appear in
// neither (a later version may add them as metadata).
//
// # Reading, windows and checkpoints
//
// Projects are read one by one in key order. Each is searched with
//
//	project = "KEY" AND (jql) AND updated >= "yyyy/MM/dd HH:mm" AND updated < "yyyy/MM/dd HH:mm" ORDER BY updated ASC, key ASC
//
// on /rest/api/3/search/jql (Cloud, nextPageToken pages) or
// /rest/api/2/search (Server, startAt pages). JQL dates have minute
// precision and are read in the account's time zone (from /myself), so the
// bounds are rounded outwards and each issue is then kept only when its
// exact update time lies in the window; a bound in the hour that repeats
// when daylight saving time ends moves an hour outwards, since Jira may
// read it as either instant; when the time zone is unknown the bounds are
// widened by 14 hours instead. The window itself is never
// widened in what is yielded.
//
// A checkpoint follows every page. It holds the project key, the search's
// lower bound, the update time and key of the last issue passed, and the
// next page's token or offset: a position, a few hundred bytes whatever
// the size of the site. After a page whose last issue lies in a later
// minute than the search's lower bound, the search starts again from that
// issue's update time and skips what it passed, so a page token is never
// older than one page (Cloud's tokens expire) and an issue edited during
// the run, which moves to the end of the order, cannot shift an unread
// issue past the reader. A token that has expired by the time a checkpoint
// is resumed is answered with 400; the search then starts again from the
// checkpoint's cursor. Restarts rely on Jira honouring ORDER BY updated,
// which JQL guarantees, and not on the order of ties: the checkpoint keeps
// the keys passed at the cursor's exact update time (up to 20; a longer tie
// is delivered again, never lost), so issues updated at one instant cost
// nothing extra in whatever order the server gives them. Every page is
// checked, and a search found out of update-time order is read to its end
// page by page with no skipping, or, when it has already skipped issues on
// the strength of its order, read again from the window's start (issues
// then arrive twice, never not at all). A search page that says more
// follow but gives no way to reach them ends the run with an error rather
// than being taken for the last page.
//
// An issue that does not decode, or whose comments cannot all be read, is
// a *tributary.Failure whose id is the browse URL; it is never
// delivered with part of its content. A project that disappears or is
// hidden during a run is a failure named by its node id.
//
// # Fetching failed documents again
//
// Refetch reads the issues whose fetch failed again, by id, as Load reads
// them. One search, key in (...) AND the JQL filter, fetches up to 50 at
// once; an issue missing from its answer is looked up by key to tell why.
// An issue deleted, or that the filter no longer admits, is a deletion;
// one moved to another project comes back under its new key (when the
// settings read that project) and its old id is a deletion. A refused
// issue is a failure again; an id of another site or of a project the
// settings do not read is a failure matching tributary.ErrForeignURL.
//
// # Webhooks
//
// HandleEvent takes the deliveries of an admin webhook. To register one,
// a Jira administrator opens Settings > System > WebHooks, creates a
// webhook with the receiver's URL, generates (or enters) a secret, and
// ticks Issue created, updated and deleted and Comment created, updated
// and deleted; a JQL filter such as project in (ENG, OPS) keeps other
// projects' events away. (An administrator may also register it through
// the REST API, POST /rest/webhooks/1.0/webhook.) Set
// credentials.webhook_secret to that secret: Jira then signs each body
// with HMAC-SHA256 in X-Hub-Signature (sha256=HEX), and a delivery that
// is unsigned or does not match is refused with ErrInsufficientPermissions
// before anything is read. Without webhook_secret every delivery is
// refused with ErrInvalidConfig. Webhooks that apps register (dynamic
// webhooks of OAuth and Connect apps) are authenticated with a JWT
// instead and are not handled.
//
// The host hands HandleEvent the request's headers and raw body, the
// event named by the payload's webhookEvent (Event.Name when it has
// none). An issue created or updated, or a comment event, yields what
// Refetch yields for the issue, read afresh: the project's node and the
// document, or the deletion when Jira no longer has it or the JQL
// filter no longer admits it; an issue moved from a project the settings
// read also deletes its old id. An issue deleted is a deletion, with no
// request. Other events (worklogs, links, sprints, versions) and issues
// of projects the settings do not read yield nothing.
//
// What is guaranteed: no document comes from a payload, so a delivery
// retried by Jira (X-Atlassian-Webhook-Retry), replayed or arriving after
// a later one yields the issue as it is when handled, and an issue
// deleted before then yields its deletion: a late delivery never brings a
// deleted issue back. Jira never gives a deleted issue's key to another,
// so a deletion is final. The items of two deliveries handled at the same
// time may reach the index in either order, so a host should handle one
// site's deliveries one at a time. A delivery lost on the way is made good
// by the next poll (a comment changes its issue's update time), or for a
// deletion by the next pruning.
//
// # Permissions
//
// With Env.WantPermissions set, each project's permission scheme is read
// (/project/KEY/permissionscheme, then its grants) and its Browse projects
// grants become the external access of the project's node and issues:
// "anyone" makes them public; a group becomes the group id "group:NAME"; an
// application role "application-role:KEY"; a user, and each user of a
// granted project role, their e-mail address where their profile shows it
// (Jira hides the others; a hidden address admits no one); a project
// role's groups their group ids; the reporter and assignee holders that
// person on each issue. Other holders (user and group custom fields, the
// project lead) are left out with a warning. An issue under an issue
// security level admits nobody, since the level's members are not read
// yet. Access is never guessed wider than it is. Reading schemes and roles
// needs the Administer Jira global permission; without it each project is
// reported as a failure and its documents admit nobody.
//
// # Group sync
//
// Groups lists every group as "group:NAME" and every application role as
// "application-role:KEY" (its members are those of its groups), with the
// members' visible e-mail addresses, and "application-role:any" marked as
// giving anyone access: every id access names. It needs the Browse users
// and groups global permission (USER_PICKER) and Administer Jira for the
// roles. Server lists groups through the group picker, at most 1,000; a
// site with more fails with ErrNotSupported rather than listing part.
//
// # Rate limits
//
// Jira Cloud answers requests past its burst limits with 429 and
// Retry-After (and X-RateLimit-* and RateLimit-Reason headers); the HTTP
// stack waits as told and retries. A run costs one search request per page
// (page_size issues, at most 100), plus one comment request for each issue
// with more comments than the search carries, plus two requests per
// project and one per run (and, with permissions, a few per project). At
// 100 issues a page that is 0.013 requests per issue without extra
// comment pages: against the emulator with 150 ms per request and a burst
// limit of 10 requests a second (an assumption; Atlassian publishes no
// number for API-token traffic) a load of 2,000 issues ran at about 240 to
// 370 issues a second, bound by latency, not by the limit; issues whose
// comments need their own requests cost 0.64 requests each and ran at
// about 9 a second, comments being read one issue at a time.
package jira
