// Package hubspot is a Tributary connector for HubSpot's CRM: companies,
// contacts, deals and tickets, each with the notes and logged e-mails
// associated with it.
//
// # Setup
//
// In HubSpot, Settings → Integrations → Private Apps → Create a private
// app, and grant it the read scopes of what the connector reads:
// crm.objects.companies.read, crm.objects.contacts.read (contacts, and
// notes of any record), crm.objects.deals.read, tickets, sales-email-read
// (logged e-mails) and crm.objects.owners.read (record owners and group
// sync). Give the app's access token as credentials.access_token. It
// never appears in logs or errors. Validate reads one record of each
// type read and names a missing scope; Probe also reports the scopes that
// notes, e-mails and group sync need.
//
// # Settings
//
// objects chooses the types (all four by default); properties adds
// property names per type to what is read (their values join the
// record's text and metadata); include_notes and include_emails (both
// true) add the engagements; page_size (100, at most 200) sizes search
// pages; requests_per_ten_seconds (90) paces the client under a private
// app's 100 requests per ten seconds (190 on Professional and
// Enterprise), and searches are paced at four a second besides, under
// HubSpot's five.
//
// # What is read
//
// Each type is read through the CRM search API
// (POST /crm/v3/objects/TYPE/search), filtered on the modification
// property (hs_lastmodifieddate; lastmodifieddate for contacts) and
// sorted by it, oldest first. After each page the search is asked again
// from the last modification time read, skipping the records read at
// that time (tributary.UpdateOrder): a record edited during the run moves
// behind the reader instead of shifting an unread one past it, and no
// query pages deeper than one page, so the search API's cap of 10,000
// results per query is never met, whatever the account's size. Only when
// more than a page of records share one millisecond does the connector
// page by offset; more than 10,000 records in one millisecond cannot be
// read and are a Failure of the type. The search index trails writes by
// a few seconds, so a poll's window should end a little in the past (the
// runner's lookback does this).
//
// For each page, the notes and e-mails associated with its records come
// from one association batch read per kind (POST
// /crm/v4/associations/TYPE/notes/batch/read) and batch reads of the
// engagements, 100 at a time; each record keeps its newest 50 of each
// kind. A record whose associations HubSpot reports as an error of the
// batch (a 207 answer) is a Failure under its id, which Refetch can read
// again.
//
// # Documents
//
// A record's id is its page in HubSpot:
// https://app.hubspot.com/contacts/PORTAL/record/TYPE-ID/ID (0-1
// contacts, 0-2 companies, 0-3 deals, 0-5 tickets; the account's own web
// domain, such as app-eu1.hubspot.com, from its details). NormalizeURL
// maps record pages (with tabs, views, queries, and the older
// /contacts/PORTAL/deal/ID/ form) to it. The title is the company's or
// deal's name, the contact's name (or e-mail), the ticket's subject. The
// first section lists the properties read ("Deal stage: closedwon");
// notes (their HTML as text) and e-mails follow, newest first, headed
// "Note (DATE)" and by the e-mail's subject. CreatedAt is createdate,
// UpdatedAt the modification property, both as HubSpot stamps them. The
// primary owner is the record's owner (hubspot_owner_id), the secondary
// owners those of its engagements, from the account's owners, read once
// per run; a token without the owners scope gives documents without
// owners, logged once. Metadata holds object_type, the stages,
// pipelines, industry and priorities read, the extra properties, and the
// notes and emails counts. The account and each type are hierarchy
// nodes, yielded before their records.
//
// # Access
//
// HubSpot's API does not say which users may see a record (users'
// "view owned" or "view team's" permissions are settings of the user,
// not readable through the public API). Every document and node is open
// to GroupUsers, which Groups yields with the e-mail addresses of the
// account's active owners and as giving anyone who signs in to the
// account access. A backend that must honour HubSpot's stricter view
// permissions cannot rely on this connector for it.
//
// # Checkpoints and deletions
//
// A checkpoint holds the type in progress, the modification time read up
// to (milliseconds), at most a page of ids tied at it, and a search
// offset only inside a tie longer than a page: under 256 bytes for any
// account. A poll (a non-zero start) also lists the type's archived
// records (GET /crm/v3/objects/TYPE?archived=true, which HubSpot keeps 90
// days) and yields a deletion for each archived in its window; a full
// load yields none, and pruning (the slim listing) removes records
// deleted longer ago or merged away.
//
// # Rate limits
//
// HubSpot's 429s name the budget spent only in their body. The connector
// waits a second for the searches' budget (SECONDLY), the interval
// X-HubSpot-RateLimit-Interval-Milliseconds names for the rolling one
// (TEN_SECONDLY_ROLLING), and ends the run with ErrRateLimited, naming
// the time to the account's midnight, when the daily budget is spent.
package hubspot
