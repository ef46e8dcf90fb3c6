// Package salesforce reads the records of a Salesforce org through the
// REST API: standard and custom objects by SOQL, and published Knowledge
// articles.
//
// # Setup
//
// Create a connected app (Setup, App Manager, New Connected App) with
// OAuth enabled and the "api" scope ("refresh_token, offline_access" too
// for the refresh-token flow). For the JWT bearer flow, which needs no
// browser, upload the certificate of an RSA key pair ("Use digital
// signatures"), set "Permitted Users" to "Admin approved users are
// pre-authorized" and add the integration user's profile or a permission
// set to the app. The credentials are then the app's consumer key, the
// user's username and the key in PEM (PKCS#1 or PKCS#8):
//
//	{"consumer_key": "3MVG9...", "username": "integration@acme.com",
//	 "private_key": "-----BEGIN PRIVATE KEY-----\n..."}
//
// Alternatively give a refresh token the app was granted, with the
// consumer secret when the app requires it for refreshes. The user needs
// "API Enabled" and read access to every object read (and "View Setup and
// Configuration" to read groups and roles for group sync). Tokens are asked
// for at the login URL: https://login.salesforce.com, https://test.salesforce.com
// for sandboxes, or the org's My Domain. A session that expires
// (401 INVALID_SESSION_ID) is renewed once per request.
//
// # Settings
//
// objects are API names (Account, Contact, Opportunity and Case by
// default; custom objects end in __c); fields adds fields per object, each
// checked against the object's describe (a field the object lacks is
// ErrInvalidConfig naming settings.fields); knowledge adds
// KnowledgeArticleVersion records with PublishStatus 'Online' in
// knowledge_language, whose rich text body fields (every htmlFormatted
// field, or knowledge_body_fields) become sections of text. page_size is
// the batch size asked for with Sforce-Query-Options (Salesforce may
// answer fewer).
//
// # What is read
//
// Each object is described once (GET /sobjects/{Object}/describe), to
// find its name, subject and description fields, then listed with
// GET /query?q=SELECT ... ORDER BY SystemModstamp ASC, Id ASC, batch by
// batch through nextRecordsUrl. A checkpoint after each batch holds the
// object, the phase and the SystemModstamp and Id of the last record
// read, so a listing resumes with
// (SystemModstamp > X OR (SystemModstamp = X AND Id > 'Y')); records that
// share a SystemModstamp are told apart by Id, and the checkpoint never
// grows with the org. A locator that expired (INVALID_QUERY_LOCATOR: they
// live 15 minutes unused, and a user keeps ten) is replaced by the query
// asked again from that position; after three locators refused in a row
// with no batch moving the position, the listing ends with the error. Windows are on SystemModstamp, to the
// millisecond. In a poll, the records deleted in the window follow as
// deletions, from queryAll with IsDeleted = true (what the recycle bin
// still holds, about 15 days); archived Knowledge articles drop out of the
// listing and are removed by pruning.
//
// Each record is one document with id
// https://INSTANCE/lightning/r/OBJECT/ID/view, a first section of its
// fields as "Label: value" lines, and a section per rich text field; its
// owner (Owner.Name, Owner.Email) is the primary owner. Nodes are the org
// (its Company Information page) and each object's list, parents first.
//
// # Access
//
// Salesforce sharing is not readable in full through the API; the model
// is: a record of an object whose org-wide default (Organization's
// Default*Access; Contact controlled by its parent follows Account) lets
// every user read, of Knowledge, or of an object named in public_objects,
// is open to the group "users", every active user of the org. Any other
// record is open to its owner: the owner's e-mail address, or
// group:QUEUEID when a queue owns it. Sharing rules, manual shares,
// account and opportunity teams, territories and the role hierarchy are
// not modeled, so such records name fewer people than may see them, never
// more.
//
// # Groups
//
// Groups (tributary.GroupSyncer) yields "users", every active user of the
// org (marked GivesAnyoneAccess), then each public group, role and queue
// (Group of Type Regular, Role, RoleAndSubordinates or Queue) as
// group:ID, the id a queue-owned record's access names. Members are read
// through SOQL: User (Id, Email, IsActive, UserRoleId), Group and
// GroupMember (GroupId, UserOrGroupId), each paged through
// nextRecordsUrl; a group's members are its active users, those of the
// groups nested in it (transitively), and for a role the users holding
// it. Subordinate roles are not added, nor are territories. The org's
// active users' addresses and the memberships are held in memory during
// the listing. A listing that fails midway ends with the error.
//
// # Refetch, probe and addresses
//
// Refetch reads each record again with GET /sobjects/{Object}/{Id}
// (?fields= the fields a load reads) and its owner's name and address
// with GET /sobjects/User/{Id}, once per owner per call: the document is
// the one a load gives; a record that answers 404 NOT_FOUND or
// ENTITY_IS_DELETED, or an article no longer online in the language read,
// is a deletion; an id of another org or of an object the settings do not
// read fails with ErrForeignURL.
//
// Probe reports indexing as Validate does (sign in, API enabled, each
// object described and one record read; an object that cannot be read is
// named in Missing as "read OBJECT"), access sync from the Organization's
// sharing defaults, and group sync from one record of User, Group and
// GroupMember each.
//
// NormalizeURL maps record addresses to document ids: Lightning pages
// (/lightning/r/OBJECT/ID/view, any tab after the id) on the instance or
// its Lightning host (acme.lightning.force.com for
// acme.my.salesforce.com, the same for sandbox and developer My Domains),
// and Classic addresses https://INSTANCE/ID, whose object is found by the
// id's key prefix among the objects read. A 15-character id gets its
// three-character case checksum; an 18-character id is read in any case
// (the suffix restores the case). Other hosts are ErrForeignURL; list
// views, setup pages and records of objects not read are ErrNotSupported.
//
// # Limits
//
// The client's own pace is requests_per_second (10 by default, bursts of
// 5). Every answer's Sforce-Limit-Info (api-usage=N/M) tells the org's API
// requests of the last 24 hours; under a tenth of the limit left, the
// client's limiter spreads the rest over an hour, one request at a time,
// leaving room to other integrations, and goes back to its pace when the
// rolling window frees requests. A 403 REQUEST_LIMIT_EXCEEDED ends the run
// at once with ErrRateLimited (no retries through the hour); the
// checkpoints before it resume the run. 429s and 5xx are retried with
// Retry-After honoured. Error answers are arrays of {message, errorCode,
// fields}: INVALID_FIELD is ErrInvalidConfig, INVALID_TYPE (an object the
// user may not read) and INSUFFICIENT_ACCESS are
// ErrInsufficientPermissions; an object that cannot be read is a failure
// of its node, and the other objects are still read. An answer whose body
// is not JSON, or JSON of another shape, is ErrMalformedResponse once the
// stack's attempts are spent (a body cut short stays ErrTransient); so is
// a listing that contradicts itself (a batch not done without a
// nextRecordsUrl under /services/data/, a record without an Id). A record
// whose SystemModstamp is not a datetime is a Failure under its id.
package salesforce
