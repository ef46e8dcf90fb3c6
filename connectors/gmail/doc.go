// Package gmail reads mail from Gmail into Tributary documents: one
// document per thread of each mailbox read.
//
// # Setting up the source
//
// A whole Workspace domain (the usual setup): in the Google Cloud console,
// create a service account in a project with the Gmail API and the Admin
// SDK API enabled, and download a JSON key for it (IAM & Admin, Service
// accounts, Keys, Add key). In the Admin console, Security, Access and
// data control, API controls, Domain-wide delegation, add the service
// account's client id with the scopes
//
//	https://www.googleapis.com/auth/gmail.readonly                   (indexing; access sync)
//	https://www.googleapis.com/auth/admin.directory.user.readonly    (listing users)
//	https://www.googleapis.com/auth/gmail.settings.basic             (delegates, with include_delegates)
//
// (gmail.metadata is not enough: Gmail refuses the search the windows use
// and message bodies under it). Give the key file's contents as
// credentials service_account_key and an administrator's address as
// settings admin_email: the connector acts as the administrator to list
// the domain's active users, and as each user to read that user's
// mailbox. With user_emails listing the mailboxes, admin_email may be
// left out and the users scope is not needed. Each request asks only for
// the one scope it needs; Probe names what is missing.
//
// One user: OAuth credentials of a user who consented to gmail.readonly
// with offline access: client_id and client_secret of the OAuth client,
// the consent's refresh_token (and optionally a current access_token;
// token_uri defaults to https://oauth2.googleapis.com/token). The
// connector reads that user's mailbox; user_emails and include_delegates
// are refused, since they need delegation. A bare access_token works too,
// until it expires. "tributary auth gmail --config F --client-id ID" runs
// the consent (an OAuth client of type "Desktop app"; see OAuth) and
// keeps these credentials for "tributary run".
//
// Settings: admin_email, user_emails (empty: every active user, or the
// consenting user), include_attachments (off: attachments are only named
// in the metadata), max_attachment_size (10 MiB; a larger attachment is
// named and reported as a skip, never downloaded), include_delegates,
// concurrency (threads read at once, 4, at most 16; at most twice as many
// are held ahead of the one being yielded), requests_per_second (the
// client's pace, 20: within one user's quota, as one mailbox is read at
// a time), page_size (threads per listing page, 100, at most 500) and
// api_url (for a proxy or an emulator).
//
// # Documents
//
// One document per thread per mailbox: a thread two users hold (a message
// one sent the other) is two documents, each with its owner's access. Its
// id is the thread's link in its owner's mailbox,
// https://mail.google.com/mail/u/USER/#all/THREAD_ID, with USER the
// owner's lower-cased address (Gmail opens the mailbox of that signed-in
// account) and THREAD_ID the API's thread id, which Gmail's web interface
// takes in #all/ links. Its parent is the mailbox's node,
// https://mail.google.com/mail/u/USER/ (kind "mailbox"), yielded before
// the mailbox's threads. NormalizeURL maps the links a browser shows
// (#inbox/ID, #label/NAME/ID, #search/QUERY/ID, a reply's message id) to
// the thread's document id, reading a message's thread with one request.
//
// Messages in the spam or the trash are left out; a thread with no other
// message is no document. Each message left is one section, linked to the
// message (#all/MESSAGE_ID) and headed by its subject, whose text starts
// with the From, To, Cc, Date and Subject headers and goes on with the
// body: of a multipart/alternative the plain-text part, else the HTML one
// reduced to its readable text; of other multiparts every text part. The
// API's full format has undone the transfer encodings (quoted-printable,
// base64); the connector decodes the charsets (the part's Content-Type)
// and encoded header words (RFC 2047). With include_attachments, the text
// of each attachment the file connector's extractors read (text, Markdown,
// HTML, CSV, PDF, Office, e-mail ...) follows its message as a section
// headed by the file name (tables as table sections); archives are not
// opened, and an attachment that does not extract is only named.
//
// Title and semantic id: the first message's subject. Created and updated
// times: the first and latest internalDate (when Gmail received the
// message) of the messages kept, so a thread's time moves with each reply.
// Primary owners: the senders, in order; secondary owners: the other
// recipients (To and Cc). Metadata: mailbox, thread_id, message_count,
// labels (system label ids such as INBOX and IMPORTANT, user labels by
// name) and attachments (file names). Access: the mailbox's owner, and
// with include_delegates the users the mailbox is delegated to (accepted
// delegations), never anyone else.
//
// # Windows, checkpoints and polling
//
// A window [start, end) lists each mailbox's threads with the search
// after:S before:E in epoch seconds, widened by a second each way (Gmail
// reads dates at midnight Pacific time and compares whole seconds), and
// keeps the threads whose latest kept message lies in the window. Mailboxes
// are read in address order; the checkpoint holds the mailbox in progress,
// the listing's page token and the history position, never what was seen,
// so it stays a few hundred bytes whatever the mailbox holds. A page token
// Gmail refuses lists the mailbox again.
//
// Under a host that keeps Values (the Runner with a ValueStore), a full
// load stores each mailbox's historyId, taken from its profile before the
// listing. A poll window then also reads the mailbox's history since the
// stored id (messageAdded, messageDeleted, labelAdded, labelRemoved) and
// reads again each thread it names: a thread gone, or whose every message
// is now in the spam or the trash, is a deletion; one whose latest message
// is older than the window (it lost its latest message or changed labels)
// is yielded again; the rest is the listing's. Gmail keeps history for a
// limited time and answers 404 for an id it no longer has: the connector
// then stores the current id and reads on from now, so deletions in
// between are missed until the next prune (a full slim listing).
//
// Slim listings read each thread in the minimal format (ids, labels,
// times), so they admit exactly the threads a load admits.
//
// # Limits
//
// Gmail's per-user quota answers 429 or 403 userRateLimitExceeded /
// rateLimitExceeded without Retry-After; they are retried with backoff as
// rate limits, never reported as missing permissions. A thread that
// cannot be read (or whose attachment cannot be downloaded) is a failure
// under its document id; a mailbox that cannot be read (a user without
// Gmail, one the service account may not act as) is a failure under the
// mailbox's node id, and the run goes on. Threads are read one request
// each, concurrency at a time, attachments one request each; chats are not
// read separately (they are threads of the mailbox when the account keeps
// them).
package gmail
