// Package mediawiki reads the pages of a MediaWiki wiki, or of a
// Wikipedia, through the Action API (api.php). It registers two sources:
// SourceMediaWiki (New) and SourceWikipedia (NewWikipedia), a preset with
// Wikimedia's politeness rules.
//
// # Setup
//
// A public wiki needs no credentials: set base_url to its api.php, such as
// https://wiki.example.org/w/api.php (Special:Version lists the entry
// point URLs). A private wiki (anonymous reading turned off) needs a bot
// password: as a user who may read the wiki, open Special:BotPasswords,
// create one with the "Basic rights" grant only, and put the login name
// it shows ("User@BotName") in credentials.username and the password in
// credentials.password. The connector logs in with action=login (a login
// token from meta=tokens, then a session cookie) and sends assert=user so
// that an expired session is noticed and renewed.
//
// For Wikipedia, set language (en, de ...) and user_agent. Wikimedia's
// User-Agent policy requires a User-Agent that names the client and a way
// to reach its operator, such as "AcmeSearch/1.0 (https://acme.example/bot;
// ops@acme.example)"; the connector refuses to start without a URL or an
// e-mail address in it. Requests carry maxlag=5, are serial and paced at
// requests_per_second (5 by default).
//
// # Settings
//
// base_url, language (Wikipedia), namespaces (namespace numbers, the
// main namespace 0 by default; 12 is Help, 4 the project namespace),
// user_agent, max_lag (0 = not sent, 5 for Wikipedia), page_size (pages
// per request, at most 50, the most MediaWiki gives content for at once),
// content ("wikitext", the default, or "html": the page as the wiki
// renders it, templates expanded, read with action=parse at one more
// request per page and split at its headings), requests_per_second.
//
// # What is fetched
//
// Every page of the chosen namespaces that is not a redirect, listed with
// generator=allpages and read with prop=revisions (the last revision's
// wikitext, user and time), prop=categories and prop=info in the same
// request. A document's id is the page's canonical URL built from the
// site's server and article path (https://host/wiki/Title_with_underscores,
// encoded as MediaWiki encodes it): the URL people share and paste.
// A renamed page therefore gets a new id; the old one is dropped by
// pruning. NormalizeURL maps what people paste (article, index.php and
// mobile addresses, any encoding, a lower-case first letter, a redirect)
// to that id, asking the wiki to normalize the title. UpdatedAt is the last revision's time, the owner its
// user, metadata "category" (each category, without its prefix),
// "namespace" and "revision". The wikitext becomes plain text (templates,
// references, comments, files and category links left out, links reduced
// to their text), one section for the lead and one per heading, linked to
// the heading's anchor. Each namespace is a hierarchy node (Kind space,
// id the Special:AllPages URL of the namespace) yielded before its
// pages; categories form a graph rather than a tree, so they are metadata,
// not nodes.
//
// # Access
//
// MediaWiki's read permission is wiki-wide. When the host wants
// permissions, a wiki read anonymously is public, and a wiki read with a
// bot password is taken to be private: every page and node names one
// group, SERVER#users, which Groups yields as a group that gives anyone
// who may log in access (the API shows bots no e-mail addresses).
//
// # Checkpoints and windows
//
// The stream reads the namespaces in the order configured, each in
// batches of page_size titles. A checkpoint holds the index of the
// namespace and the continue object that starts the next batch (the
// Action API's continue protocol: the whole object is merged into the
// original request). When an answer continues a prop module (more
// categories for the same pages) the batch is read to its end before its
// pages are yielded, so a checkpoint never falls inside a batch.
//
// A window [start, end) admits the pages whose last revision lies in it.
// With a zero start the listing above is read and filtered. With a start
// the window is read from list=recentchanges (oldest first, rcnamespace
// the chosen namespaces, edits, creations and log entries), a page of
// changes at a time, each followed by one query for the current state of
// the titles it names: a page is yielded at the change that made its
// current revision, so a page edited twice comes once. A deletion, and a
// move away from a title (MediaWiki keeps the page id, but the id here is
// the title's URL), is a deletion of the old title's id when no page (or
// only a redirect) is left there; the new title is a document. The
// checkpoint then holds the rccontinue token, which is the change's time
// and rcid, so changes sharing a second are neither lost nor repeated.
// MediaWiki keeps recent changes for $wgRCMaxAge (90 days by default): a
// window that starts earlier misses the changes before that.
//
// # Limits and errors
//
// maxlag and ratelimited answers (200 answers with an error code and
// Retry-After) are waited out up to six times a request, then fail with
// ErrRateLimited; HTTP 429 and 5xx answers, resets and broken bodies are
// retried by the shared HTTP stack. readapidenied (a private wiki read
// without login) is ErrInsufficientPermissions; a refused bot password is
// ErrCredentialExpired; a continue token that repeats, or an answer
// without the site's server or article path, is ErrMalformedResponse.
// A page without a readable last revision is a failure under its id.
package mediawiki
