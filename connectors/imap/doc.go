// Package imap reads the messages of a mail account over IMAP4rev1 (RFC
// 3501): Gmail, Outlook.com and Microsoft 365, Fastmail, iCloud, Dovecot,
// Cyrus and any other IMAP server. It registers the source imap.
//
// # Setting it up
//
// The connector logs in with a username and a password (LOGIN) and only
// reads: mailboxes are opened with EXAMINE and messages fetched with
// BODY.PEEK, so no flag (\Seen included) ever changes.
//
//   - Gmail: turn on two-step verification, then create an app password
//     under Google Account → Security → App passwords; IMAP access is on
//     for every account. host imap.gmail.com, security tls (port 993).
//     Labels are mailboxes ("[Gmail]/All Mail" holds every message once;
//     reading all mailboxes reads a message once per label, so list
//     mailboxes or exclude "[Gmail]/All Mail").
//   - Outlook.com: create an app password under Microsoft account →
//     Security → Advanced security options; host outlook.office365.com,
//     security tls. Microsoft 365 tenants that turned basic
//     authentication off for IMAP refuse passwords altogether.
//   - Fastmail, iCloud and most hosts: an app-specific password from the
//     account's security settings; the host's documentation names the
//     server (imap.fastmail.com, imap.mail.me.com).
//   - A server of your own: security tls on port 993, or starttls on 143;
//     ca_certificate trusts a private certificate authority.
//
// Then configure, for example:
//
//	settings:    {"host": "imap.gmail.com", "mailboxes": ["INBOX", "Receipts"]}
//	credentials: {"username": "ada@example.com", "password": "abcd efgh ijkl mnop"}
//
// security is tls (the default: TLS from the first byte, port 993),
// starttls (plain text upgraded with STARTTLS before the login, port 143;
// a server that does not offer it is refused) or plain. Plain text sends
// the password in the clear: it is refused for any host but a loopback or
// private address unless allow_insecure is set. A host on a loopback,
// private or link-local address, or a cloud metadata name, is refused
// unless the host program allows private networks
// (tributary.Env.AllowPrivateNetwork), whatever the security: the same
// guard package httpx applies to HTTP, applied to the IMAP connection.
//
// # What becomes a document
//
// The mailboxes read are those listed in mailboxes, or every mailbox LIST
// shows but those marked \Noselect and those in exclude. Each message is a
// document: the Subject is its title, From its primary owners, To and Cc
// its secondary owners, the Date header its creation time and the
// INTERNALDATE (when the server received it) its update time. The text is
// decoded by the e-mail extractor the file connector uses for .eml files
// (MIME parts, quoted-printable and base64, charsets, encoded headers;
// the plain-text alternative is taken before the HTML one). Attachments
// are listed by name under the "attachments" tag; with attachments set,
// the text of each named attachment (text, Markdown, HTML, CSV, JSON,
// PDF, Office documents, .eml) joins the document as sections headed by
// its name, one that cannot be read is named under "attachments_unread",
// and archives are left out. Pictures (attached ones, and those inside
// attached PDF and Office documents) are kept only when the run keeps raw
// bytes (tributary.Runner.Blobs, the command's --blobs or a PostgreSQL
// sink): each becomes a section of kind image whose blob, belonging to
// the message's (or thread's) document, holds it. Every attachment is within
// max_message_size, as its message is. Metadata holds the mailbox and the
// Message-ID.
//
// Ids (one document per message, the default) are IMAP URLs as RFC 5092
// names a message:
// imap://USER@HOST/MAILBOX;UIDVALIDITY=V/;UID=N, with the username and
// mailbox percent-encoded (and a port only when it is not 993 for tls or
// 143 otherwise). They stay the same as long as the server keeps the
// message's UID, which IMAP promises while the mailbox's UIDVALIDITY
// stays the same. A message moved to another mailbox is a new document
// there (and gone from the old one). The account (imap://USER@HOST/) and
// each mailbox (imap://USER@HOST/MAILBOX) are hierarchy nodes; a
// document's ParentID is its mailbox.
//
// # Threads
//
// With threads set, each thread of a mailbox is one document. A message's
// thread is told by its root: the first Message-ID its References names,
// else the one In-Reply-To names, else its own Message-ID (a reply whose
// client kept neither header starts a thread of its own). The thread's id
// is its mailbox's URL with the root's Message-ID,
// imap://USER@HOST/MAILBOX;THREAD=ID (IMAP URLs name no threads; the form
// follows RFC 5092's), so it does not change when the server renumbers
// the mailbox; a message without any id keeps its message id. Threads are
// per mailbox: a reply filed elsewhere is part of that mailbox's thread of
// the same root. The document holds the thread's messages oldest first
// (the newest 500 at most), a section per text part linked to its
// message's own URL and headed by its sender; the first message read
// gives the title, creation time and primary owner, every other sender
// and recipient is a secondary owner, and the update time is the latest
// message's INTERNALDATE. A thread is yielded where its latest message is
// read (its members found with UID SEARCH HEADER on the root in
// Message-ID, References and In-Reply-To, then checked exactly), so once a
// run and in the poll window of its latest message: a new reply yields
// the whole thread again. Messages that cannot be read are named under
// "messages_unread"; a thread none of whose messages can be read is a
// Failure under the thread's id. This costs a SEARCH per thread and
// page, and reads a thread's older messages again with each new reply.
//
// A message over max_message_size (25 MiB by default; known from
// RFC822.SIZE, so it is never downloaded) is a *tributary.Failure with
// ErrTooLarge under its document id, and a message that cannot be decoded
// one with ErrUndecodable: the run goes on.
//
// Access: a mailbox is private to its owner, so every document and node
// carries ExternalAccess with one user, the owner's address: the address
// setting, or the username when it is an address (address is required
// otherwise). Shared and public folders are not told apart.
//
// # Checkpoints, windows and deletions
//
// Mailboxes are read in byte order of their names, and messages by
// ascending UID, page_size UIDs at a time (200 by default; the span
// widens over sparse UIDs). A checkpoint is the mailbox, its UIDVALIDITY
// and the last UID finished: a few dozen bytes, whatever the mailbox's
// size. A resume reads after that UID. When a mailbox's UIDVALIDITY is no
// longer the checkpoint's, its UIDs mean nothing, so the mailbox is read
// again from its start: its documents now have new ids, and the old ones
// drop out of the slim listing and are pruned by the runner. A
// UIDVALIDITY that changes while the mailbox is being read ends the run
// with an error; the next run reads the mailbox again.
//
// Poll windows select by INTERNALDATE, the time the server stored the
// message, which is also its update time: [start, end), compared exactly.
// IMAP's SEARCH SINCE and BEFORE compare dates without times, in the
// server's time zone, so a poll asks UID SEARCH for the window's days
// widened by one day each side, then fetches the INTERNALDATE of what it
// found and keeps the messages inside the window. Messages do not change
// once stored, so a window sees every new message once.
//
// Expunged messages are found by the slim listing: it lists UIDs, dates
// and sizes (no message is downloaded), an expunged message is missing
// from it, and the runner's prune deletes its document.
//
// # Looking documents up
//
// NormalizeURL maps an IMAP URL of a message of the account (with or
// without UIDVALIDITY, with a section or partial part, in any case of
// scheme, host and parameter names) or a thread id to the document's id;
// it asks the server only for what the URL does not say (the current
// UIDVALIDITY, or in thread mode the message's thread). Refetch reads
// single documents again for the runner's retries of failed ones: a
// message expunged, or of a mailbox renumbered or deleted since, is a
// deletion. Probe reports indexing and access sync, both from Validate.
//
// # Errors and retries
//
// A refused login (NO [AUTHENTICATIONFAILED], or a plain NO to LOGIN) is
// ErrCredentialExpired; NO [NONEXISTENT] for a configured mailbox is
// ErrNotFound; a certificate that cannot be trusted or an address the
// guard refuses is ErrInvalidConfig. A dropped connection, a command that
// timed out (two minutes), NO [UNAVAILABLE], [SERVERBUG], [INUSE] or
// [LIMIT], and an answer with a line that does not parse (which go-imap
// would drop, making a message seem absent) are transient: the connector
// reconnects, examines the mailbox again and repeats the command, up to
// six tries with backoff from one second. BAD answers are not retried. A
// server that announces a literal over max_message_size (plus 1 MiB) has
// its connection cut before the literal is allocated, and the run ends
// saying so (over tls and plain connections; after STARTTLS the check
// would see only ciphertext). The password never appears in an error or a
// log line.
package imap
