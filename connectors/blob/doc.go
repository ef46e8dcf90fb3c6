// Package blob reads the objects of a bucket over the S3 API: Amazon S3,
// Cloudflare R2, Google Cloud Storage (through its S3 interoperability)
// and Oracle Cloud Object Storage (through its Amazon S3 Compatibility
// API), and any other service that speaks it (MinIO, Ceph, Wasabi) at a
// configured endpoint. It registers the sources s3, r2,
// google_cloud_storage and oci_storage; New opens s3, NewFor any of them.
//
// # Setting it up
//
// The connector signs requests with an access key pair and needs only to
// list the bucket and read its objects:
//
//   - Amazon S3: an IAM user or role with s3:ListBucket on the bucket and
//     s3:GetObject on its objects (arn:aws:s3:::BUCKET and
//     arn:aws:s3:::BUCKET/*). Create an access key under IAM → Users →
//     Security credentials. Set region to the bucket's region (us-east-1 by
//     default); temporary credentials also need session_token.
//   - Cloudflare R2: R2 → Manage R2 API Tokens → Create API token with
//     Object Read only, scoped to the bucket; the token's page shows the
//     access key id and secret. Set account_id (the dashboard's account id);
//     the endpoint https://ACCOUNT.r2.cloudflarestorage.com and region auto
//     follow from it.
//   - Google Cloud Storage: Cloud Storage → Settings → Interoperability →
//     create an HMAC key for a service account that holds Storage Object
//     Viewer on the bucket. The endpoint https://storage.googleapis.com is
//     the default.
//   - OCI Object Storage: Profile → Customer secret keys → Generate secret
//     key, for a user whose group may read the bucket's objects
//     (Allow group G to read objects in compartment C). Set namespace (the
//     tenancy's Object Storage namespace, shown on the bucket's page) and
//     region (us-ashburn-1); the endpoint
//     https://NAMESPACE.compat.objectstorage.REGION.oraclecloud.com follows.
//
// Then configure, for example:
//
//	settings:    {"bucket": "handbook", "region": "eu-west-1",
//	              "prefixes": ["policies/", "guides/"],
//	              "include": ["**/*.md", "**/*.pdf"], "exclude": ["**/drafts/**"]}
//	credentials: {"access_key_id": "AKIA...", "secret_access_key": "..."}
//
// For a self-hosted service set endpoint (https://minio.example.com) and
// path_style (the bucket goes in the URL path rather than in the host
// name); R2, Google Cloud Storage and OCI always use path style. An
// endpoint on a private or loopback address is refused unless the host
// allows private networks (tributary.Env.AllowPrivateNetwork).
//
// # What becomes a document
//
// Every object whose key starts with one of prefixes (all of the bucket
// when none is set) and matches include and not exclude (glob patterns
// against the whole key, "**" crossing slashes) is a document, read and
// extracted by content as the file connector does: text in any encoding,
// Markdown, HTML, JSON, CSV and TSV, PDF, Word, Excel, PowerPoint and
// e-mail (.eml). The format is told by the key's extension, or by the
// object's first bytes. Keys ending in "/" (folder markers) are not
// documents. An object over max_object_size (64 MiB by default, known from
// the listing, so it is never downloaded) or that cannot be decoded is a
// *tributary.Failure under its document id (ErrTooLarge, ErrUndecodable,
// ErrEncrypted). An object with no text (an image, an executable, whatever
// its name says) is left out and reported as a skip, as the file
// connector does.
//
// Zip and tar archives and gzip streams are opened (open_archives, on by
// default): each entry is a document of its own, id ARCHIVE-ID!/ENTRY,
// under the archive's folder with the archive's LastModified, and archives
// inside archives are opened in turn. The archive limits (archive:
// max_entries, max_expanded, max_entry_size, max_depth and max_ratio, the
// file connector's, with its defaults) are checked before anything is
// expanded, and an archive over one is refused whole with one Failure
// under its id (ErrArchiveBounds), so a zip bomb is never expanded. An
// archive's entries are expanded one at a time when it is delivered, so
// memory holds the archive and one entry.
//
// An entry's sections link to its archive's address with the fragment
// #!/ENTRY. NormalizeURL maps an object's id or link (and, for Amazon S3,
// the console's URL forms) to its document id; Probe lists the bucket and
// reads one byte of an object, since a policy may grant one without the
// other.
//
// The slim listing reads no object whose extension tells its format, the
// first 3 KiB (a ranged GET) of one whose extension does not, and archives
// whole, to list their entries: it admits exactly what Load does.
//
// Ids are s3://BUCKET/KEY (r2://, gs:// and oci:// for the other sources)
// with % # ? and control characters percent-encoded, and "!/" as "%21/"
// so that it only ever separates an archive from its entry; they stay the same as
// long as the key does. The folders of the keys ("guides/setup/" in
// guides/setup/install.md) are hierarchy nodes with ids of the same form
// ending in "/", under the bucket's node s3://BUCKET/, each sent before
// the first document it holds, parents first; a document's ParentID is its
// folder. UpdatedAt is the object's LastModified, which is what poll
// windows select on: [start, end), checked against every listed key.
//
// Documents carry no ExternalAccess: bucket policies and IAM grants do not
// name the people who may read an object.
//
// # Checkpoints and requests
//
// Keys are listed with ListObjectsV2 in byte order, prefix by prefix (the
// prefixes sorted, those inside another dropped). A checkpoint holds the
// last key finished and the continuation token of the page after it (or
// holding it): a few hundred bytes, whatever the bucket's size. A resume
// lists from the token and skips what it had passed; a token the service
// no longer accepts falls back to listing after the key (StartAfter).
// Checkpoints come every 32 documents and after every page (page_size keys,
// 1000 by default).
//
// The objects of a page are read concurrency at a time (8 by default; at
// most 64 MiB of them at once, a larger one alone) and their documents
// yielded in key order, so runs stay repeatable and a checkpoint still
// covers every key before it. An object replaced since it was listed (its
// ETag changed) is read as it now is.
//
// Requests go through package httpx: the SDK (aws-sdk-go-v2) signs and
// decodes, and the project's stack retries 503 SlowDown, 500, 429 and
// broken connections with backoff, counts requests for the run's Meter and
// keeps secrets out of errors. The SDK's own retryer is off, so the two
// never multiply their attempts. A response whose body arrives broken (a
// listing cut mid-XML, an object shorter than listed) is fetched again up
// to three more times. Errors are classified: rejected keys are
// ErrCredentialExpired, a refused listing ErrInsufficientPermissions, a
// missing bucket ErrNotFound.
//
// # Fetching failed objects again
//
// The connector is a tributary.Refetcher: the Runner reads the objects
// that failed in earlier runs again by id, a HeadObject and a GetObject
// each (S3 has no batch read), through the same size limit, globs and
// extraction as Load, the document after its folders' nodes. An id of
// another source or bucket, or a key outside the prefixes or the globs,
// is a Failure matching tributary.ErrForeignURL and costs no request. A
// key the bucket no longer has is a deletion; a refused object stays a
// Failure; rejected keys, a missing bucket or the end of the context end
// the call.
package blob
