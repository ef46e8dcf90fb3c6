// Package mock is Tributary's reference connector: an in-memory source
// whose documents, folders and faults come from its settings. It
// implements every capability (Load, Poll, LoadSlim, HandleEvent and the
// resumable LoadFromCheckpoint stream) and passes the conformance kit in
// package connectortest, so it is both a model for connector authors and a
// source for tests of runners, sinks and stores.
//
// # Setting it up
//
// The mock needs no account. Its settings list the documents and the
// hierarchy nodes (folders) they live in:
//
//	{
//	  "documents": [
//	    {"id": "mock://docs/1", "title": "Welcome", "updated_at": "2024-01-01T00:00:00Z",
//	     "parent_id": "mock://folders/root",
//	     "sections": [{"kind": "text", "link": "mock://docs/1", "text": "Hello"}]}
//	  ],
//	  "nodes": [{"id": "mock://folders/root", "name": "Root", "kind": "folder"}],
//	  "page_size": 2
//	}
//
// A document's external_access (who may see it) is yielded only when the
// host sets Env.WantPermissions, as connectors that must make extra
// requests for permissions do; otherwise it is nil, meaning not
// determined.
//
// Its credentials hold a token; when settings.accept_token is set, only
// that token is accepted and any other fails with
// tributary.ErrCredentialExpired, as a revoked API token would.
//
// # Faults on demand
//
// settings.fail_ids makes documents fail to load: every stream reports a
// *tributary.Failure for them, with the document's own id. A positive
// settings.fail_after_pages makes every range fail with
// tributary.ErrTransient after that many pages, so a run stops and must
// resume from its last checkpoint.
//
// # Paging, windows and checkpoints
//
// Documents are served in pages of settings.page_size, ordered by update
// time (documents without one first) and then id, like a real API sorted
// by modification time. Poll and windowed streams keep documents whose
// update time is in [start, end); a document without an update time counts
// as older than any start. The checkpoint stream yields every node first,
// then a checkpoint, then each page followed by a checkpoint holding the
// last key served and the window it belongs to.
//
// # In tests
//
// Sample builds settings for any number of documents. Put and Delete change
// the source while a run is under way and return the event a real source
// would push; Requests counts the requests made, for checks that no work
// happens before iteration and that nothing is fetched twice.
package mock
