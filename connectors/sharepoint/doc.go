// Package sharepoint reads SharePoint Online into Tributary documents
// through Microsoft Graph v1.0: the files of the sites' document
// libraries and the sites' modern pages.
//
// # Setting up the source
//
// In the Microsoft Entra admin center, App registrations, New
// registration, register an app for the connector (single tenant). Under
// API permissions, add Microsoft Graph application permissions (not
// delegated ones) and grant admin consent for the tenant:
//
//	Sites.Read.All         indexing, access sync (sites, libraries, files, pages, permissions)
//	GroupMember.Read.All   group sync (groups and their transitive members)
//
// (Group.Read.All or Directory.Read.All serve group sync as well.) Under
// Certificates & secrets, either add a client secret and give its value
// as credentials client_secret, or upload a certificate (its public part,
// a .cer or .pem) and give the PEM certificate as credentials certificate
// and its PEM RSA private key (PKCS #8 or PKCS #1) as private_key; one PEM
// holding both may be given as private_key alone. With a certificate the
// connector signs a client assertion (RS256, the certificate's SHA-1
// thumbprint as x5t) for each token request; the key never leaves the
// process. Give the Directory (tenant) id, or the tenant's domain such as
// contoso.onmicrosoft.com, as tenant_id and the Application (client) id
// as client_id.
//
// The connector asks the token endpoint
// (login_url/{tenant}/oauth2/v2.0/token) for a token with the
// client-credentials grant and the scope graph_url/.default. National
// clouds have their own endpoints: graph_url https://graph.microsoft.us
// and login_url https://login.microsoftonline.us for US Government,
// https://microsoftgraph.chinacloudapi.cn and https://login.chinacloudapi.cn
// for China. Loopback and private addresses are refused unless the host
// allows them (Env.AllowPrivateNetwork), as for every connector.
//
// Settings: sites (site URLs such as https://contoso.sharepoint.com/sites/eng,
// resolved through /sites/{host}:/{path}; empty reads every site, from
// /sites/getAllSites, except users' OneDrives on the TENANT-my host, which
// are read only when listed), include_files and include_pages (both on by
// default), anonymous_links_public, organization_links_open, max_file_size
// (20 MiB), concurrency (files read at once, 8, at most 32), page_size
// (200, at most 999), graph_url and login_url.
//
// Errors: a secret or certificate the app does not have, or an app the
// tenant does not know, fails Validate with tributary.ErrCredentialExpired;
// an unknown tenant with tributary.ErrInvalidConfig naming tenant_id; a
// missing application permission (Graph's 403 accessDenied or
// Authorization_RequestDenied) with tributary.ErrInsufficientPermissions
// naming the permission. A token Graph stops taking mid-run (401
// InvalidAuthenticationToken) is replaced once. Probe reports indexing,
// access sync and group sync, naming the missing permission.
//
// # What is read
//
// Sites are read in id order; for each, its node (kind site), its pages
// (/sites/{id}/pages/microsoft.graph.sitePage, each read with
// $expand=canvasLayout: the text web parts of every section and column,
// extracted as HTML), then its document libraries in id order: a node for
// the library and one per folder, parents before children, and a document
// per file, its content read through /drives/{d}/items/{i}/content (a
// redirect to a pre-authenticated URL, to which no token is sent) and
// extracted with the file connector's extractors (text, Markdown, HTML,
// JSON, CSV/TSV, PDF, DOCX, XLSX, PPTX, e-mail; archives are not opened).
// Files no extractor reads, larger than max_file_size, and packages
// (OneNote notebooks) are skips, decided from their metadata, so slim
// listings admit exactly what loads admit. A file whose size does not
// match what was downloaded is read again, up to three times.
//
// Ids are canonical Graph URLs that do not change when a file is renamed
// or moved within its library: graph_url/v1.0/drives/{drive}/items/{item}
// for files and graph_url/v1.0/sites/{site}/pages/{page} for pages; nodes
// are graph_url/v1.0/sites/{site}, .../drives/{drive} and folders' item
// URLs. Links are webUrl. Created and updated times are createdDateTime
// and lastModifiedDateTime; primary owner the creator, secondary owner
// the last modifier; metadata drive_id, item_id and mime_type (files) or
// site_id, page_id and kind site_page (pages).
//
// # Changes
//
// Each library is read through its delta query
// (/drives/{d}/root/delta); its pages follow @odata.nextLink only, and a
// checkpoint is the next link of the page in progress with the site and
// library it belongs to (some 400 bytes, whatever the size of the
// library). When a library's delta ends, its @odata.deltaLink is kept in
// tributary.Values (the runner's stores keep them), unless the stream
// passed over a file modified at or after the window's end, which the
// link would skip. A poll window (start set) continues each library from
// its stored link: deleted items are deletions, and files moved, renamed
// or shared without a new modification time are yielded again with their
// new parent. Without Values (or in a full load) the delta enumerates the
// library and files are chosen by lastModifiedDateTime in [start, end).
// A delta token Graph no longer takes (410 resyncRequired) reads the
// library again from the start; deletions made meanwhile are found by the
// next prune. Pages are chosen by lastModifiedDateTime; a deleted page is
// found by a prune. Throttling (429, and SharePoint's 503 with
// Retry-After) is waited out as asked and, when it outlasts the retries,
// ends the run as tributary.ErrRateLimited. A link that repeats itself or
// leaves the Graph API is tributary.ErrMalformedResponse.
//
// # Access and groups
//
// With Env.WantPermissions, a file's access comes from its permissions
// (/drives/{d}/items/{i}/permissions, inherited ones included): users by
// e-mail address, Entra ID groups as "group:ID", the people a sharing
// link was sent to by address. An "anyone with the link" link makes the
// file public only with anonymous_links_public; an organization-wide link
// adds the group "organization" (everyone of the tenant) only with
// organization_links_open. SharePoint groups, and accounts without an
// address, admit nobody. A page's access is that of the root folder of its
// site's default library, which carries the site's owners, members and
// visitors. Groups lists /groups with each group's transitive members
// (nested groups expanded) and then "organization" with
// GivesAnyoneAccess.
//
// # Limits
//
// The files of a delta page are read concurrency at a time (8 by
// default), at most twice as many held ahead of the one being yielded, so
// memory is bounded by that many files' text; each costs a download. With
// permissions, the page's files' permissions are read in $batch requests
// of twenty; a file whose answer in a batch was refused, throttled, paged
// or broken is asked for alone, with the usual retries. Documents keep the page's
// order; a page's nodes, deletions and failures come before its files. The site list is held in memory
// (ids and names), as are a site's library ids; nothing else grows with
// the source. Delta reports each deleted item with the deleted facet;
// a deleted folder's files are deletions only when Graph lists them too.
// Refetch reads a file or page again by id, with its site,
// library and folder nodes first. NormalizeURL maps a file's link (through
// /shares/u!{url}/driveItem, one request) or a page's link (by its name
// among its site's pages) to the document id.
package sharepoint
